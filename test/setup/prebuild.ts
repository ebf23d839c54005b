/**
 * Vitest global setup: compiles every component the suite uses, once, before any test file runs, into the
 * shared cache (test/.cache/components). Test files then build their apps against a warm cache, and
 * test/support/app.ts fails any build that still has to compile a component: add its policy entry below.
 *
 * A component is identified by the package, the specifiers the app imports, the host interfaces its grant
 * opens (not the hosts, paths or names inside them) and the "log" violation mode. So each group below is one
 * policy that covers the tests' components, with placeholder hosts. A group that fails or runs past its
 * budget fails the whole run with the group's name: never a test file whose setup "skipped" its tests.
 */
import path from 'node:path';
import type { CompiledPackage } from 'isolate-deps';
import isolateDepsVite from 'isolate-deps/vite';
import { build as viteBuild } from 'vite';
import { CORPUS } from '../compat/corpus.ts';
import { buildApp, CACHE_DIR, REPO } from '../support/app.ts';

type Entry = Record<string, unknown>;
interface Group {
  name: string;
  packages: Record<string, Entry>;
  /** Specifiers per package, when not just the package name. */
  specifiers?: Record<string, string[]>;
}

const none: Entry = { isolate: true };
const fsEnvNet: Entry = { isolate: true, allow: { fs: { read: ['./a/**'], write: ['./b/**'] }, env: ['A'], net: ['127.0.0.1:1'] } };

export const GROUPS: Group[] = [
  {
    name: 'attacks, denials, boundary, guest environment, resilience, round trip, net guard',
    packages: {
      'attack-event-stream': none,
      'attack-eslint-scope': none, // also violation-modes' "terminate": that mode is enforced by the host
      'attack-ua-parser-js': none,
      'attack-node-ipc': { isolate: true, allow: { fs: { read: ['./a/**'], write: ['./a/**'] } } },
      'attack-colors': { isolate: true, allow: { console: false } },
      'attack-solana-web3': { isolate: true, allow: { net: ['127.0.0.1:1'] } },
      'attack-chalk-debug': none,
      'attack-shai-hulud': { isolate: true, allow: { env: ['A'] } },
      'attack-classic-escapes': fsEnvNet,
      'evil-telemetry': none,
      'attack-net-abuse': { isolate: true, allow: { net: ['127.0.0.1:1'] } },
      'capability-probe': fsEnvNet,
      'guest-environment-probe': fsEnvNet,
      'boundary-probe': none,
      misbehaving: none,
      yaml: none,
      marked: none,
    },
  },
  {
    name: 'the same packages under other grants',
    packages: {
      'attack-colors': none,
      'capability-probe': { isolate: true, onViolation: 'log', allow: { fs: { read: ['./a/**'] }, net: ['127.0.0.1:1'] } },
      'guest-environment-probe': { isolate: true, allow: { random: false } },
      yaml: { isolate: true, allow: { env: ['A'] } }, // round-trip: a changed grant replaces the output's component folder
      misbehaving: { isolate: true, allow: { env: ['A'] } }, // boundary-limits: top-level code under timeoutMs
      'builtins-probe': none, // the built-ins conformance test
      minimist: none,
      qs: none,
      papaparse: none,
    },
    specifiers: { misbehaving: ['misbehaving/load-spin'], 'builtins-probe': ['builtins-probe', 'builtins-probe/esm'] },
  },
  {
    name: 'guests that call the host interfaces directly (hostInterfacesFromPackages)',
    packages: { misbehaving: none },
    specifiers: { misbehaving: ['misbehaving', 'misbehaving/boundary.mjs'] },
  },
  {
    name: 'the compatibility corpus',
    packages: Object.fromEntries(CORPUS.filter((p) => !p.unsupported).map((p) => [p.name, none])),
    specifiers: Object.fromEntries(CORPUS.map((p) => [p.name, p.specifiers])),
  },
];

/** A cold, busy 2-core machine: a componentize of ~10 s of CPU can take a minute when other work runs. */
const budgetMs = (components: number) => 5 * 60_000 + 60_000 * components;

/** Builds one group through the esbuild plugin, as the tests' apps do. */
async function buildGroup(group: Group, index: number): Promise<CompiledPackage[]> {
  const specifiers = Object.keys(group.packages).flatMap((name) => group.specifiers?.[name] ?? [name]);
  const source = specifiers.map((s, i) => `import * as m${i} from ${JSON.stringify(s)};\nconsole.log(typeof m${i});`).join('\n');
  return (await buildApp(`prebuild-${index}`, { policy: { packages: group.packages }, source })).compiled;
}

/** The browser test's page (examples/vite-app), through the vite plugin. */
async function buildVitePage(): Promise<CompiledPackage[]> {
  const compiled: CompiledPackage[] = [];
  const outDir = path.join(REPO, 'test/.work/prebuild-vite');
  await viteBuild({ root: path.join(REPO, 'examples/vite-app'), configFile: false, logLevel: 'warn', plugins: [isolateDepsVite({ cacheDir: CACHE_DIR, onCompiled: (c) => compiled.push(c) })], build: { outDir, emptyOutDir: true } });
  return compiled;
}

async function withinBudget(name: string, components: number, build: () => Promise<CompiledPackage[]>): Promise<void> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const overBudget = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`ran past its budget of ${budgetMs(components) / 1000} s`)), budgetMs(components));
  });
  try {
    const compiled = await Promise.race([build(), overBudget]);
    const fresh = compiled.filter((c) => !c.cacheHit).length;
    console.log(`prebuild: ${name}: ${compiled.length} components (${fresh} compiled) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    throw new Error(`prebuild: building the components for "${name}" failed: ${(error as Error).message}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

export default async function prebuild(): Promise<void> {
  const started = performance.now();
  for (const [index, group] of GROUPS.entries()) await withinBudget(group.name, Object.keys(group.packages).length, () => buildGroup(group, index));
  await withinBudget('the vite example page', 4, buildVitePage);
  console.log(`prebuild: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // Read by test/support/app.ts in the test workers, which inherit this environment.
  process.env.ISOLATE_DEPS_TEST_PREBUILT = '1';
}
