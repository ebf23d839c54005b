import { describe, expect, it } from 'vitest';
import { withImportMeta, withModuleLocation } from './import-meta.ts';

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

describe('withModuleLocation', () => {
  const file = '/app/node_modules/pkg/build/index.cjs';

  it('declares __filename and __dirname in a CommonJS file that uses them, on its first line', () => {
    const out = withModuleLocation('const here = __dirname;\nmodule.exports = [here, __filename];', file, '/app', '/project');
    const module = { exports: undefined as unknown };
    new Function('module', out)(module);
    expect(module.exports).toEqual(['/project/node_modules/pkg/build', '/project/node_modules/pkg/build/index.cjs']);
    expect(out.split('\n')).toHaveLength(2);
  });

  it('keeps a hashbang first', () => {
    const out = withModuleLocation('#!/usr/bin/env node\nconsole.log(__dirname);', file, '/app', '/project');
    expect(out.startsWith('#!/usr/bin/env node\nvar __filename = ')).toBe(true);
  });

  it('leaves ES modules, files that declare the names themselves, and files that do not use them alone', () => {
    for (const source of ['export const d = typeof __dirname;', 'const __dirname = "/mine";\nmodule.exports = __dirname;', 'module.exports = "__dirname_suffix";', 'module.exports = 1;']) {
      expect(withModuleLocation(source, file, '/app', '/project')).toBe(source);
    }
  });
});
