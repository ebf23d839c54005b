import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, DELIVERIES, REPO, runAppAsync, type BuiltApp, type RunResult } from '../support/app.ts';
import { FINGERPRINT_SOURCE } from '../support/fingerprint.ts';
import { CORPUS as ALL, CORPUS_FILES } from './corpus.ts';
import { startCorpusServer } from './corpus-server.ts';

// For working on a few packages: ISOLATE_DEPS_CORPUS=axios,joi runs only those (CI never sets it).
const only = process.env.ISOLATE_DEPS_CORPUS?.split(',');
const SELECTED = only ? ALL.filter((p) => only.includes(p.name)) : ALL;
// One app, one policy, one build for the whole corpus: esbuild compiles every component in the same run and
// the content-addressed cache keeps them for the next run.
const CORPUS = SELECTED.filter((p) => !p.unsupported);
const UNSUPPORTED = SELECTED.filter((p) => p.unsupported);
const specifiers = CORPUS.flatMap((p) => p.specifiers);
/** A package's call that is known to differ runs under this name, next to its main scenario. */
const differing = (name: string) => `${name} (known difference)`;
const SCENARIOS = CORPUS.flatMap((p) => [{ name: p.name, specifiers: p.specifiers, body: p.scenario }, ...(p.knownDifference ? [{ name: differing(p.name), specifiers: p.specifiers, body: p.knownDifference.scenario }] : [])]);
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
${SCENARIOS.map((s) => `  ${JSON.stringify(s.name)}: async (m, origin) => { ${s.body} },`).join('\n')}
};
const origin = process.env.CORPUS_ORIGIN;
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
// A scenario that never settles is reported as such, and the others still run.
const settles = (promise) => {
  let timer;
  const late = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('the scenario did not settle within 120 s')), 120_000); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
};
const out = {};
for (const [name, scenario] of Object.entries(scenarios)) {
  const row = (out[name] = {});
  for (const side of ['native', 'isolated']) {
    try {
      const modules = {};
      for (const s of ${JSON.stringify(Object.fromEntries(SCENARIOS.map((s) => [s.name, s.specifiers])))}[name]) modules[s] = moduleOf(side === 'native' ? await loadNative(s) : isolatedModules[s]);
      row[side] = fingerprint(await settles(scenario((s) => modules[s], origin)));
    } catch (e) {
      row[side] = { threw: String(e && e.name) + ': ' + String(e && e.message) + ' ' + String(e && e.stack).split('\\n').slice(0, 4).join(' | ') };
    }
  }
}
console.log(JSON.stringify(out));
`;

const POLICY = { packages: Object.fromEntries(CORPUS.map((p) => [p.name, { isolate: true, ...(p.allow && { allow: p.allow }), ...(p.reviewed && { reviewed: p.reviewed }) }])) };

let server: ReturnType<typeof startCorpusServer> | undefined;
afterAll(async () => (await server)?.close());

/**
 * Runs the corpus app once: every first call and every scenario, more than a minute on a loaded machine. Not
 * blocking this process: its HTTP server answers the packages granted net.
 */
async function runCorpus(app: BuiltApp): Promise<RunResult> {
  const { origin } = await (server ??= startCorpusServer());
  return runAppAsync(app, { CORPUS_ORIGIN: origin }, [], { timeoutMs: 600_000 });
}

let bundled: Promise<{ app: BuiltApp; run: RunResult }> | undefined;
/** The bundled corpus app and its run, once per file: the bundle delivery's result, and the native column of the register one. */
const bundledCorpus = () => (bundled ??= buildApp('compat-corpus', { policy: POLICY, source: APP, files: CORPUS_FILES }).then(async (app) => ({ app, run: await runCorpus(app) })));

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
    app = await buildApp('compat-corpus-register', { policy: POLICY, source: APP, files: CORPUS_FILES, delivery });
    const own = await runCorpus(app);
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
    if (pkg.knownDifference) {
      it(`${pkg.name}, known difference: ${pkg.knownDifference.cause}`, () => {
        const row = run.result[differing(pkg.name)];
        expect(row.native.threw, 'the native run itself must work').toBeUndefined();
        expect(row.isolated, 'the isolated result is now the native one: move this call into the scenario').not.toEqual(row.native);
      });
    }
  }
});

describe.runIf(UNSUPPORTED.length > 0)('packages that cannot run isolated yet fail the build with the reason', () => {
  for (const pkg of UNSUPPORTED) {
    it(`${pkg.name}: ${pkg.unsupported}`, async () => {
      const source = pkg.specifiers.map((s, i) => `import * as m${i} from ${JSON.stringify(s)};\nconsole.log(typeof m${i});`).join('\n');
      await expect(buildApp(`compat-unsupported-${pkg.name}`, { policy: { packages: { [pkg.name]: { isolate: true } } }, source })).rejects.toThrow(
        new RegExp(`"${pkg.name}" failed to load inside its component: .*${pkg.unsupported!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      );
    }, 600_000);
  }
});
