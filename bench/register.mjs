// Start-up cost of isolate-deps/register (npm run bench:register, after npm run build).
// - the unbundled examples/node-app packages imported, no isolated call, with components built: with vs without the hook;
// - the whole examples/node-app (ESM) with the hook, for reference;
// - an app whose policy isolates nothing: with vs without the hook;
// - ISOLATE_DEPS_FROZEN=1 with an empty cache: how long until the error.
// Each figure is the median wall time of BENCH_RUNS (default 15) fresh processes, with and without alternating.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const repo = new URL('..', import.meta.url).pathname;
const example = path.join(repo, 'examples/node-app');
const cacheDir = path.join(repo, 'test/.cache/components');
const hook = pathToFileURL(path.join(repo, 'packages/isolate-deps/dist/register.js')).href;
const cli = path.join(repo, 'packages/isolate-deps/dist/cli.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
// The hijacked fixture must not see real secrets when it runs natively (the "without the hook" side).
const home = mkdtempSync(path.join(tmpdir(), 'isolate-bench-home-'));
const env = { PATH: process.env.PATH ?? '', HOME: home, ISOLATE_DEPS_CACHE_DIR: cacheDir };

function timeOnce(args, cwd, extraEnv = {}) {
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { cwd, env: { ...env, ...extraEnv }, encoding: 'utf8' });
  const ms = performance.now() - started;
  return { ms, status: child.status, stderr: child.stderr };
}

/** Medians of each variant, run alternately so that load changes hit all of them alike. */
function compare(variants, cwd) {
  const times = variants.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    variants.forEach((args, v) => {
      const run = timeOnce(args, cwd);
      if (run.status !== 0) throw new Error(`${args.join(' ')} failed:\n${run.stderr}`);
      times[v].push(run.ms);
    });
  }
  return times.map((t) => t.sort((a, b) => a - b)[t.length >> 1]);
}

const work = path.join(repo, 'test/.work/bench-register');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

// Components built ahead, as in CI.
execFileSync(process.execPath, [cli, 'build', '--quiet'], { cwd: example, env, stdio: 'inherit' });
const importsOnly = path.join(example, 'src/.bench-imports-only.mjs');
writeFileSync(importsOnly, `import { parse } from 'yaml';\nimport { marked } from 'marked';\nimport { formatReport } from 'evil-telemetry';\nconsole.log(typeof parse, typeof marked, typeof formatReport);\n`);
let imports;
let full;
try {
  imports = compare([[importsOnly], ['--import', hook, importsOnly]], example);
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
const frozen = frozenTimes.sort((a, b) => a - b)[frozenTimes.length >> 1];

const ms = (x) => `${x.toFixed(0)} ms`;
console.log(`| Start-up (median of ${RUNS} processes) | Without hook | With hook | Ratio / difference |
| --- | ---: | ---: | ---: |
| node-app packages imported, no isolated call, components built | ${ms(imports[0])} | ${ms(imports[1])} | ${(imports[1] / imports[0]).toFixed(2)}x |
| policy isolates nothing | ${ms(idle[0])} | ${ms(idle[1])} | +${ms(idle[1] - idle[0])} |
| examples/node-app (ESM), whole run with isolated calls | | ${ms(full[0])} | |
| ISOLATE_DEPS_FROZEN=1, empty cache, until the error | | ${ms(frozen)} | |`);
