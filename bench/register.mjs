// Start-up cost of isolate-deps/register (npm run bench:register, after npm run build).
// - the unbundled examples/node-app packages imported, no isolated call, with components built: with vs without the hook,
//   on this Node and on Node 22 (module.registerHooks: the hooks run in-thread; fetched from the npm registry once);
// - the whole examples/node-app (ESM) with the hook, for reference;
// - an app whose policy isolates nothing: with vs without the hook;
// - ISOLATE_DEPS_FROZEN=1 with an empty cache: how long until the error.
// Each figure is the median wall time of BENCH_RUNS (default 15) fresh processes, with and without alternating.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureNodeRelease } from '../scripts/node-release.mjs';

const repo = new URL('..', import.meta.url).pathname;
const example = path.join(repo, 'examples/node-app');
const cacheDir = path.join(repo, 'test/.cache/components');
const hook = pathToFileURL(path.join(repo, 'packages/isolate-deps/dist/register.js')).href;
const cli = path.join(repo, 'packages/isolate-deps/dist/cli.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
// The hijacked fixture must not see real secrets when it runs natively (the "without the hook" side).
const home = mkdtempSync(path.join(tmpdir(), 'isolate-bench-home-'));
const env = { PATH: process.env.PATH ?? '', HOME: home, ISOLATE_DEPS_CACHE_DIR: cacheDir };

/** Wall time, and CPU time (user + sys, from GNU time: steadier than wall time on a shared machine). */
function timeOnce(args, cwd, extraEnv = {}, node = process.execPath) {
  const started = performance.now();
  const child = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', node, ...args], { cwd, env: { ...env, ...extraEnv }, encoding: 'utf8' });
  const ms = performance.now() - started;
  const cpu = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(child.stderr);
  return { ms, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN, status: child.status, stderr: child.stderr };
}

const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];

/** Medians (wall, CPU) of each variant, run alternately so that load changes hit all of them alike. */
function compare(variants, cwd, node = process.execPath) {
  const times = variants.map(() => ({ wall: [], cpu: [] }));
  for (let i = 0; i < RUNS; i++) {
    variants.forEach((args, v) => {
      const run = timeOnce(args, cwd, {}, node);
      if (run.status !== 0) throw new Error(`${args.join(' ')} failed:\n${run.stderr}`);
      times[v].wall.push(run.ms);
      times[v].cpu.push(run.cpuMs);
    });
  }
  return times.map((t) => ({ wall: median(t.wall), cpu: median(t.cpu) }));
}

const work = path.join(repo, 'test/.work/bench-register');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

// Components built ahead, as in CI.
execFileSync(process.execPath, [cli, 'build', '--quiet'], { cwd: example, env, stdio: 'inherit' });
const importsOnly = path.join(example, 'src/.bench-imports-only.mjs');
writeFileSync(importsOnly, `import { parse } from 'yaml';\nimport { marked } from 'marked';\nimport { formatReport } from 'evil-telemetry';\nconsole.log(typeof parse, typeof marked, typeof formatReport);\n`);
const NODE_22 = '22.23.5';
const node22 = ensureNodeRelease(NODE_22, path.join(repo, 'test/.cache/node'));
// The floor of Node 20's only ESM hook API: module.register with hooks that do nothing but pass on. Its hooks
// thread starts a second V8 isolate that the main thread waits on.
const emptyHooks = path.join(work, 'empty-hooks.mjs');
writeFileSync(emptyHooks, 'export async function resolve(specifier, context, next) { return next(specifier, context); }\n');
const emptyRegister = path.join(work, 'empty-register.mjs');
writeFileSync(emptyRegister, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(emptyHooks).href)});\n`);
let imports;
let imports22;
let full;
try {
  imports = compare([[importsOnly], ['--import', hook, importsOnly], ['--import', emptyRegister, importsOnly]], example);
  imports22 = compare([[importsOnly], ['--import', hook, importsOnly]], example, node22);
  full = compare([['--import', hook, 'src/app.mjs']], example);
} finally {
  rmSync(importsOnly, { force: true });
}

// Nothing isolated: the policy only records a review.
const nothing = path.join(work, 'nothing');
mkdirSync(nothing, { recursive: true });
writeFileSync(path.join(nothing, 'isolate-deps.policy.json'), JSON.stringify({ packages: { yaml: { reviewed: ['env'] } } }));
writeFileSync(path.join(nothing, 'app.mjs'), `import { parse } from 'yaml';\nconsole.log(parse('a: 1').a);\n`);
const idle = compare([['app.mjs'], ['--import', hook, 'app.mjs']], nothing);

// Frozen with an empty cache.
const emptyCache = mkdtempSync(path.join(tmpdir(), 'isolate-bench-empty-'));
const frozenTimes = [];
for (let i = 0; i < RUNS; i++) {
  const run = timeOnce(['--import', hook, 'src/app.mjs'], example, { ISOLATE_DEPS_FROZEN: '1', ISOLATE_DEPS_CACHE_DIR: emptyCache });
  if (run.status === 0 || !run.stderr.includes('npx isolate-deps build')) throw new Error(`frozen run did not fail as expected:\n${run.stderr}`);
  frozenTimes.push(run.ms);
}
const frozen = median(frozenTimes);

const ms = (x) => `${x.toFixed(0)} ms`;
const pair = (x) => `${ms(x.wall)} (CPU ${ms(x.cpu)})`;
console.log(`load average at the end: ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(', ')}

| Start-up (median of ${RUNS} processes) | Without hook | With hook | Ratio (wall / CPU) or difference |
| --- | ---: | ---: | ---: |
| node-app packages imported, no isolated call, components built (Node ${process.versions.node}: module.register) | ${pair(imports[0])} | ${pair(imports[1])} | ${(imports[1].wall / imports[0].wall).toFixed(2)}x / ${(imports[1].cpu / imports[0].cpu).toFixed(2)}x |
| floor on Node ${process.versions.node}: an empty module.register hook, same app | ${pair(imports[0])} | ${pair(imports[2])} | ${(imports[2].wall / imports[0].wall).toFixed(2)}x / ${(imports[2].cpu / imports[0].cpu).toFixed(2)}x |
| the same on Node ${NODE_22} (module.registerHooks, in-thread) | ${pair(imports22[0])} | ${pair(imports22[1])} | ${(imports22[1].wall / imports22[0].wall).toFixed(2)}x / ${(imports22[1].cpu / imports22[0].cpu).toFixed(2)}x |
| policy isolates nothing | ${pair(idle[0])} | ${pair(idle[1])} | +${ms(idle[1].wall - idle[0].wall)} / +${ms(idle[1].cpu - idle[0].cpu)} CPU |
| examples/node-app (ESM), whole run with isolated calls | | ${pair(full[0])} | |
| ISOLATE_DEPS_FROZEN=1, empty cache, until the error | | ${ms(frozen)} | |`);
