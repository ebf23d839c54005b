import { describe, expect, it } from 'vitest';
import { buildApp, runAppAsync, type BuiltApp, type RunResult } from '../support/app.ts';
import { FINGERPRINT_SOURCE } from '../support/fingerprint.ts';
import { CORPUS } from './corpus.ts';

// One app, one policy, one build for the whole corpus: esbuild compiles every component in the same run and
// the content-addressed cache keeps them for the next run.
const specifiers = CORPUS.flatMap((p) => p.specifiers);
const APP = `
${specifiers.map((s, i) => `import * as isolated${i} from ${JSON.stringify(s)};`).join('\n')}
const isolatedModules = { ${specifiers.map((s, i) => `${JSON.stringify(s)}: isolated${i}`).join(', ')} };
${FINGERPRINT_SOURCE}
// The namespace, or the default export for CommonJS modules and modules that are one function.
function moduleOf(ns) {
  const d = ns.default;
  if (d === undefined || d === null) return ns;
  const named = Object.keys(ns).filter((k) => k !== 'default' && k !== '__esModule' && k !== 'module.exports');
  return named.every((k) => { try { return k in d; } catch { return false; } }) ? d : ns;
}
const scenarios = {
${CORPUS.map((p) => `  ${JSON.stringify(p.name)}: async (m) => { ${p.scenario} },`).join('\n')}
};
const loadNative = (specifier) => import(specifier);
const out = {};
for (const [name, scenario] of Object.entries(scenarios)) {
  const row = (out[name] = {});
  for (const side of ['native', 'isolated']) {
    try {
      const modules = {};
      for (const s of ${JSON.stringify(Object.fromEntries(CORPUS.map((p) => [p.name, p.specifiers])))}[name]) modules[s] = moduleOf(side === 'native' ? await loadNative(s) : isolatedModules[s]);
      row[side] = fingerprint(await scenario((s) => modules[s]));
    } catch (e) {
      row[side] = { threw: String(e && e.name) + ': ' + String(e && e.message) + ' ' + String(e && e.stack).split('\\n').slice(0, 4).join(' | ') };
    }
  }
}
console.log(JSON.stringify(out));
`;

describe('compatibility corpus: isolated packages give the same results as the native ones', () => {
  let app: BuiltApp;
  let run: RunResult;
  const policy = { packages: Object.fromEntries(CORPUS.map((p) => [p.name, { isolate: true }])) };

  it(`builds ${CORPUS.length} packages as components in one build and runs every scenario natively and isolated`, async () => {
    app = await buildApp('compat-corpus', { policy, source: APP });
    expect(app.compiled.map((c) => c.name).sort()).toEqual(CORPUS.map((p) => p.name).sort());
    run = await runAppAsync(app);
    expect(run.status, run.stderr.slice(0, 4000)).toBe(0);
  }, 1_800_000);

  for (const pkg of CORPUS) {
    it(`${pkg.name}: ${pkg.specifiers.join(', ')}`, () => {
      const row = run.result[pkg.name];
      expect(row.native.threw, 'the native run itself must work').toBeUndefined();
      expect(row.isolated).toEqual(row.native);
    });
  }
});
