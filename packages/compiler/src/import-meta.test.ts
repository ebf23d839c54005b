import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

describe('the virtual location of a package file', () => {
  it('is node_modules/<package>/<file> wherever the package really is, so the bundle does not depend on where the app lives', () => {
    // A workspace-linked package: its real path has no node_modules in it.
    const linked = mkdtempSync(path.join(tmpdir(), 'linked-pkg-'));
    writeFileSync(path.join(linked, 'package.json'), JSON.stringify({ name: 'linked-pkg' }));
    mkdirSync(path.join(linked, 'lib'));
    const file = path.join(linked, 'lib/index.cjs');
    const source = 'module.exports = __filename;';
    const fromOneApp = withModuleLocation(source, file, '/work/app', '/project');
    const fromAnother = withModuleLocation(source, file, '/work/deeper/nested/app', '/project');
    expect(fromOneApp).toBe(fromAnother);
    expect(fromOneApp).toContain('"/project/node_modules/linked-pkg/lib/index.cjs"');
    expect(fromOneApp).not.toContain(linked);
    // pnpm's store: the part after the last node_modules.
    expect(withModuleLocation(source, '/store/node_modules/.pnpm/yaml@2.9.1/node_modules/yaml/dist/index.js', '/anywhere', '/project')).toContain('"/project/node_modules/yaml/dist/index.js"');
  });
});
