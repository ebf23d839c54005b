import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseSync } from 'oxc-parser';

/**
 * The whole guest is one module, and reading the engine's own `import.meta` traps. Each `import.meta` of a
 * file becomes a plain object with the file's url, filename and dirname under the guest's virtual working
 * directory (so fs grants apply to them as to any guest path, and the cache key does not depend on where
 * the app lives). The parser finds the expressions, so the same text inside strings and comments stays.
 */
export function withImportMeta(text: string, file: string, projectDir: string, guestCwd: string): string {
  const relative = path.relative(projectDir, file).split(path.sep).join('/');
  const filename = path.posix.join(guestCwd, relative);
  const meta = `(${JSON.stringify({ url: pathToFileURL(filename).href, filename, dirname: path.posix.dirname(filename) })})`;
  const { program, errors } = parseSync(file, text, { sourceType: 'module', lang: 'js' });
  // A file the parser rejects is left to esbuild, whose error names the file.
  if (errors.length > 0) return text;
  const spans: [number, number][] = [];
  collectImportMeta(program, spans);
  let result = text;
  for (const [start, end] of spans.sort((a, b) => b[0] - a[0])) result = result.slice(0, start) + meta + result.slice(end);
  return result;
}

type Node = { type?: unknown; start?: number; end?: number; meta?: { name?: unknown } };

function collectImportMeta(value: unknown, spans: [number, number][]): void {
  if (Array.isArray(value)) {
    for (const item of value) collectImportMeta(item, spans);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const node = value as Node;
  if (node.type === 'MetaProperty' && node.meta?.name === 'import' && node.start !== undefined && node.end !== undefined) {
    spans.push([node.start, node.end]);
    return;
  }
  for (const child of Object.values(value)) if (child !== null && typeof child === 'object') collectImportMeta(child, spans);
}
