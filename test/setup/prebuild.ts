/**
 * Vitest global setup: compiles every component the suite uses, once, before any test file runs, into the
 * shared cache (test/.cache/components). Test files then build their apps against a warm cache, and
 * test/support/app.ts fails any build that still has to compile a component: add it to COMPONENTS below.
 *
 * A component is identified by the package, the specifiers the app imports, the host interfaces its grant
 * opens (not the hosts, paths or names inside them) and the "log" violation mode. So each entry below is a
 * package with a placeholder grant of the same shape as its tests'. The entries are packed into as few
 * builds as possible (a policy names a package once); a build that fails or runs past its budget fails the
 * whole run with its name: never a test file whose setup "skipped" its tests.
 */
import path from 'node:path';
import type { CompiledPackage } from 'isolate-deps';
import isolateDepsVite from 'isolate-deps/vite';
import { build as viteBuild } from 'vite';
import { CORPUS, UNGRANTED } from '../compat/corpus.ts';
import { buildApp, CACHE_DIR, REPO } from '../support/app.ts';
import { withinBudget } from '../support/setup.ts';

interface Component {
  package: string;
  /** The policy entry, with placeholder hosts, paths and names. */
  entry?: Record<string, unknown>;
  /** When not just the package name. */
  specifiers?: string[];
}

const allow = (grant: Record<string, unknown>) => ({ isolate: true, allow: grant });
// Packages that start processes or threads on purpose: "reviewed" lets the build isolate them (each call is denied).
const PROCESSES = ['child_process'];
const PROCESSES_AND_THREADS = ['child_process', 'worker'];
const FS = { read: ['./a/**'], write: ['./b/**'] };
const NET = ['127.0.0.1:1'];

export const COMPONENTS: Component[] = [
  // test/attacks.test.ts (and violation-modes' "terminate", a mode the host enforces)
  ...['attack-event-stream', 'attack-eslint-scope', 'attack-chalk-debug'].map((p) => ({ package: p })),
  { package: 'attack-ua-parser-js', entry: { isolate: true, reviewed: PROCESSES } },
  { package: 'attack-node-ipc', entry: allow({ fs: FS }) },
  { package: 'attack-colors', entry: allow({ console: false }) }, // also resilience
  { package: 'attack-colors' },
  { package: 'attack-solana-web3', entry: allow({ net: NET }) },
  { package: 'attack-shai-hulud', entry: { ...allow({ env: ['A'] }), reviewed: PROCESSES } },
  { package: 'attack-classic-escapes', entry: allow({ fs: FS, env: ['A'], net: NET }) },
  // test/attacks-live-objects.test.ts
  { package: 'attack-vm2-escapes' },
  // test/compat/middleware.test.ts
  ...['cookie-parser', 'body-parser', 'morgan', 'compression', 'express-app'].map((p) => ({ package: p })),
  // denials, guest environment, violation modes
  { package: 'evil-telemetry' },
  { package: 'capability-probe', entry: { ...allow({ fs: FS, env: ['A'], net: NET }), reviewed: PROCESSES } },
  { package: 'capability-probe', entry: { isolate: true, reviewed: PROCESSES, onViolation: 'log', allow: { fs: { read: ['./a/**'] }, net: NET } } },
  { package: 'guest-environment-probe', entry: { ...allow({ fs: FS, env: ['A'], net: NET }), reviewed: PROCESSES_AND_THREADS } },
  { package: 'guest-environment-probe', entry: { ...allow({ random: false }), reviewed: PROCESSES_AND_THREADS } },
  // boundary, round trip, upstream suites
  { package: 'boundary-probe' },
  { package: 'yaml' },
  { package: 'yaml', entry: allow({ env: ['A'] }) }, // a changed grant replaces the output's component folder
  { package: 'marked' },
  ...['minimist', 'qs', 'papaparse'].map((p) => ({ package: p })),
  // resilience, boundary limits, register
  { package: 'misbehaving' },
  { package: 'misbehaving', entry: allow({ env: ['A'] }), specifiers: ['misbehaving/load-spin'] },
  // timers
  { package: 'timer-probe' },
  // pre-initialisation (test/preinit.test.ts)
  { package: 'preinit-probe' },
  { package: 'preinit-probe', entry: allow({ env: ['A'] }), specifiers: ['preinit-probe/reads-host'] },
  { package: 'preinit-probe', specifiers: ['preinit-probe/reads-later'] },
  { package: 'lodash' },
  // the built-ins conformance test
  { package: 'builtins-probe', entry: { isolate: true, reviewed: PROCESSES_AND_THREADS }, specifiers: ['builtins-probe', 'builtins-probe/esm'] },
  // Intl in the guest (test/compat/intl.test.ts)
  { package: 'intl-probe' },
  // guests that call the host interfaces directly (the hostInterfacesFromPackages seam)
  { package: 'misbehaving', specifiers: ['misbehaving', 'misbehaving/boundary.mjs'] },
  { package: 'attack-net-abuse', entry: allow({ net: NET }) },
  { package: 'hostile-guest', entry: allow({ env: ['A'] }) },
  { package: 'hostile-guest', entry: allow({ net: NET }) },
  { package: 'hostile-guest', entry: allow({ fs: FS }) },
  { package: 'hostile-guest', entry: { isolate: true, circuitBreaker: { failures: 1_000_000 }, allow: { env: ['A'], fs: FS, net: NET } } },
  // the compatibility corpus
  ...CORPUS.filter((p) => !p.unsupported).map((p) => ({ package: p.name, specifiers: p.specifiers, entry: { isolate: true, ...(p.allow && { allow: p.allow }), ...(p.reviewed && { reviewed: p.reviewed }) } })),
  // the same packages without the grant their real call needs (test/compat/corpus-denials.test.ts)
  ...UNGRANTED.map((p) => ({ package: p })),
];

/** Packs the components into builds, each naming a package at most once, in order. */
function builds(components: Component[]): Component[][] {
  const packed: Component[][] = [];
  for (const component of components) {
    const open = packed.find((b) => !b.some((c) => c.package === component.package));
    if (open) open.push(component);
    else packed.push([component]);
  }
  return packed;
}

/** A cold, busy 2-core machine: a componentize of ~10 s of CPU can take a minute when other work runs. */
const budgetMs = (components: number) => 5 * 60_000 + 60_000 * components;

/** Builds one set of components through the esbuild plugin, as the tests' apps do. */
async function buildComponents(components: Component[], index: number): Promise<CompiledPackage[]> {
  const packages = Object.fromEntries(components.map((c) => [c.package, c.entry ?? { isolate: true }]));
  const specifiers = components.flatMap((c) => c.specifiers ?? [c.package]);
  const source = specifiers.map((s, i) => `import * as m${i} from ${JSON.stringify(s)};\nconsole.log(typeof m${i});`).join('\n');
  return (await buildApp(`prebuild-${index}`, { policy: { packages }, source })).compiled;
}

/** The browser test's page (examples/vite-app), through the vite plugin. */
async function buildVitePage(): Promise<CompiledPackage[]> {
  const compiled: CompiledPackage[] = [];
  const outDir = path.join(REPO, 'test/.work/prebuild-vite');
  await viteBuild({ root: path.join(REPO, 'examples/vite-app'), configFile: false, logLevel: 'warn', plugins: [isolateDepsVite({ cacheDir: CACHE_DIR, onCompiled: (c) => compiled.push(c) })], build: { outDir, emptyOutDir: true } });
  return compiled;
}

/** Builds one set within its budget and says how long it took; a failure names the set. */
async function prebuildWithinBudget(name: string, components: number, build: () => Promise<CompiledPackage[]>): Promise<void> {
  const started = performance.now();
  try {
    const compiled = await withinBudget(build(), budgetMs(components), 'the build');
    const fresh = compiled.filter((c) => !c.cacheHit).length;
    console.log(`prebuild: ${name}: ${compiled.length} components (${fresh} compiled) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    throw new Error(`prebuild: building the components for "${name}" failed: ${(error as Error).message}`, { cause: error });
  }
}

export default async function prebuild(): Promise<void> {
  // For working on one test file: its builds then compile what they need (CI never sets this).
  if (process.env.ISOLATE_DEPS_TEST_PREBUILD === 'skip') {
    console.log('prebuild: skipped (ISOLATE_DEPS_TEST_PREBUILD=skip); each test build compiles its own components');
    return;
  }
  const started = performance.now();
  for (const [index, set] of builds(COMPONENTS).entries()) {
    await prebuildWithinBudget(`build ${index + 1} (${set.map((c) => c.package).slice(0, 4).join(', ')}${set.length > 4 ? ', …' : ''})`, set.length, () => buildComponents(set, index));
  }
  await prebuildWithinBudget('the vite example page', 4, buildVitePage);
  console.log(`prebuild: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // Read by test/support/app.ts in the test workers, which inherit this environment.
  process.env.ISOLATE_DEPS_TEST_PREBUILT = '1';
}
