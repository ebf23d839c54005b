import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The whole guest is one module, and reading the engine's own `import.meta` traps. Each `import.meta` of a
 * file becomes a plain object with the file's url, filename and dirname under the guest's virtual working
 * directory (so fs grants apply to them as to any guest path, and the cache key does not depend on where
 * the app lives). The parser finds the expressions, so the same text inside strings and comments stays.
 */
export function withImportMeta(text: string, file: string, projectDir: string, guestCwd: string): string {
  return withModuleLocation(text, file, projectDir, guestCwd);
}

/**
 * The file's location as Node gives it to a module, under the guest's virtual working directory: `import.meta`
 * in an ES module (see withImportMeta), `__filename` and `__dirname` in a CommonJS one. A platform-neutral
 * bundle has neither, so a CommonJS file that names them gets them declared in its own module scope.
 */
export function withModuleLocation(text: string, file: string, projectDir: string, guestCwd: string): string {
  const meta = text.includes('import.meta');
  const paths = /\b__(?:dirname|filename)\b/.test(text);
  if (!meta && !paths) return text;
  const filename = path.posix.join(guestCwd, guestRelativePath(file, projectDir));
  const dirname = path.posix.dirname(filename);
  const { program, module, errors } = oxcParser().parseSync(file, text, { sourceType: 'unambiguous', lang: 'js' });
  // A file the parser rejects is left to esbuild, whose error names the file.
  if (errors.length > 0) return text;
  const spans: [number, number][] = [];
  if (meta) collectImportMeta(program, spans);
  let result = text;
  const value = `(${JSON.stringify({ url: pathToFileURL(filename).href, filename, dirname })})`;
  for (const [start, end] of spans.sort((a, b) => b[0] - a[0])) result = result.slice(0, start) + value + result.slice(end);
  if (paths && !module.hasModuleSyntax && spans.length === 0 && !declaresAtTop(program, ['__dirname', '__filename'])) {
    const declaration = `var __filename = ${JSON.stringify(filename)}, __dirname = ${JSON.stringify(dirname)};`;
    // On the first line, so line numbers in stack traces stay those of the file (after a hashbang, which must come first).
    const at = result.startsWith('#!') ? result.indexOf('\n') + 1 : 0;
    result = result.slice(0, at) + declaration + result.slice(at);
  }
  return result;
}

/** Whether the program declares one of the names itself at its top level (a `let` there would clash with ours). */
function declaresAtTop(program: { body: unknown[] }, names: string[]): boolean {
  return program.body.some((statement) => {
    const node = statement as { type?: string; declarations?: { id?: { type?: string; name?: string } }[]; id?: { name?: string } | null };
    if (node.type === 'VariableDeclaration') return node.declarations?.some((d) => d.id?.type === 'Identifier' && names.includes(d.id.name ?? '')) ?? false;
    if (node.type === 'FunctionDeclaration' || node.type === 'ClassDeclaration') return names.includes(node.id?.name ?? '');
    return false;
  });
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

/**
 * Where a package file sits as the guest sees it: `node_modules/<package>/<file>`, as after a hoisted npm
 * install, wherever the package really is (pnpm's store, a workspace link). So the bundle, and the cache key,
 * do not depend on where the app lives, and no host path enters the component. A file outside any package
 * keeps its place relative to the project.
 */
function guestRelativePath(file: string, projectDir: string): string {
  const posix = file.split(path.sep).join('/');
  const inModules = posix.lastIndexOf('/node_modules/');
  if (inModules !== -1) return posix.slice(inModules + 1);
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const name = packageNameAt(dir);
    if (name) return `node_modules/${name}/${path.relative(dir, file).split(path.sep).join('/')}`;
  }
  return path.relative(projectDir, file).split(path.sep).join('/');
}

const packageNames = new Map<string, string | undefined>();
function packageNameAt(dir: string): string | undefined {
  if (!packageNames.has(dir)) {
    const manifest = path.join(dir, 'package.json');
    let name: string | undefined;
    try {
      name = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name as string | undefined : undefined;
    } catch {
      name = undefined; // a malformed package.json names no package; esbuild reports it if it matters
    }
    packageNames.set(dir, typeof name === 'string' ? name : undefined);
  }
  return packageNames.get(dir);
}

// Loaded on the first rewrite, not with the plugin: a warm build never rewrites.
const require = createRequire(import.meta.url);
let oxc: typeof import('oxc-parser') | undefined;
function oxcParser(): typeof import('oxc-parser') {
  return (oxc ??= require('oxc-parser') as typeof import('oxc-parser'));
}
