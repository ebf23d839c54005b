import { describe, expect, it } from 'vitest';
import { withImportMeta } from './import-meta.ts';

describe('withImportMeta', () => {
  const file = '/app/node_modules/pkg/lib/index.mjs';

  it('gives each import.meta the file under the guest working directory', () => {
    const out = withImportMeta('export const u = import.meta.url;\nexport const d = import.meta.dirname;', file, '/app', '/project');
    const evaluate = new Function(`${out.replace(/export const/g, 'const')}; return [u, d];`) as () => [string, string];
    expect(evaluate()).toEqual(['file:///project/node_modules/pkg/lib/index.mjs', '/project/node_modules/pkg/lib']);
  });

  it('leaves the same text alone in strings, templates and comments', () => {
    const source = 'const s = "import.meta.url"; const t = `import.meta`; // import.meta\nexport { s, t };';
    expect(withImportMeta(source, file, '/app', '/project')).toBe(source);
  });

  it('keeps the text of other code, and of files outside the project, stable', () => {
    const out = withImportMeta('const x = "é"; new URL("./a", import.meta.url);', '/elsewhere/store/pkg.mjs', '/app', '/project');
    expect(out).toBe('const x = "é"; new URL("./a", ({"url":"file:///elsewhere/store/pkg.mjs","filename":"/elsewhere/store/pkg.mjs","dirname":"/elsewhere/store"}).url);');
  });
});
