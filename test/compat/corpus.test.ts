import { describe, expect, it } from 'vitest';
import { buildApp, DELIVERIES, REPO, runApp, type BuiltApp, type RunResult } from '../support/app.ts';
import { FINGERPRINT_SOURCE } from '../support/fingerprint.ts';
import { CORPUS as ALL } from './corpus.ts';

// One app, one policy, one build for the whole corpus: esbuild compiles every component in the same run and
// the content-addressed cache keeps them for the next run.
// ISOLATE_DEPS_CORPUS_ONLY=luxon,slugify builds and runs only those (for development; CI never sets it).
const ONLY = process.env.ISOLATE_DEPS_CORPUS_ONLY?.split(',');
const CORPUS = ALL.filter((p) => !p.unsupported && (!ONLY || ONLY.includes(p.name)));
const UNSUPPORTED = ALL.filter((p) => p.unsupported);
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
import { createRequire } from 'node:module';
const requireNative = createRequire(${JSON.stringify(`${REPO}package.json`)});
// CommonJS first, as the guest bundle resolves (require conditions); import() for ESM-only packages.
const loadNative = async (specifier) => {
  try {
    const exports = requireNative(specifier);
    return exports !== null && typeof exports === 'object' ? { ...exports, default: exports } : { default: exports };
  } catch (error) {
    if (error.code !== 'ERR_REQUIRE_ESM' && error.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
    return import(specifier);
  }
};
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

const POLICY = { packages: Object.fromEntries(CORPUS.map((p) => [p.name, { isolate: true }])) };

/** Runs the corpus app once: 28 first calls and every scenario, more than runApp's minute on a loaded machine. */
const runCorpus = (app: BuiltApp): RunResult => runApp(app, {}, app.dir, { timeoutMs: 600_000, maxBuffer: 1 << 26 });

let bundled: Promise<{ app: BuiltApp; run: RunResult }> | undefined;
/** The bundled corpus app and its run, once per file: the bundle delivery's result, and the native column of the register one. */
const bundledCorpus = () => (bundled ??= buildApp('compat-corpus', { policy: POLICY, source: APP }).then((app) => ({ app, run: runCorpus(app) })));

describe.each(DELIVERIES)('compatibility corpus (delivered by %s): isolated packages give the same results as the native ones', (delivery) => {
  let app: BuiltApp;
  let run: RunResult;

  it(`builds ${CORPUS.length} packages as components in one build and runs every scenario natively and isolated`, async () => {
    if (delivery === 'bundle') {
      ({ app, run } = await bundledCorpus());
      expect(app.compiled.map((c) => c.name).sort()).toEqual(CORPUS.map((p) => p.name).sort());
      expect(run.status, run.stderr.slice(0, 4000)).toBe(0);
      return;
    }
    app = await buildApp('compat-corpus-register', { policy: POLICY, source: APP, delivery });
    const own = runCorpus(app);
    expect(own.status, own.stderr.slice(0, 4000)).toBe(0);
    // Under the hook the app's own "native" loads are isolated too: the native column is the bundled app's.
    const native = (await bundledCorpus()).run;
    expect(native.status, native.stderr.slice(0, 4000)).toBe(0);
    for (const name of Object.keys(own.result)) own.result[name].native = native.result[name].native;
    run = own;
  }, 1_800_000);

  for (const pkg of CORPUS) {
    it(`${pkg.name}: ${pkg.specifiers.join(', ')}`, () => {
      const row = run.result[pkg.name];
      expect(row.native.threw, 'the native run itself must work').toBeUndefined();
      expect(row.isolated).toEqual(row.native);
    });
  }
});

describe('packages that cannot run isolated yet fail the build with the reason', () => {
  for (const pkg of UNSUPPORTED) {
    it(`${pkg.name}: ${pkg.unsupported}`, async () => {
      const source = pkg.specifiers.map((s, i) => `import * as m${i} from ${JSON.stringify(s)};\nconsole.log(typeof m${i});`).join('\n');
      await expect(buildApp(`compat-unsupported-${pkg.name}`, { policy: { packages: { [pkg.name]: { isolate: true } } }, source })).rejects.toThrow(
        new RegExp(`"${pkg.name}" failed to load inside its component: .*${pkg.unsupported!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      );
    }, 600_000);
  }
});
