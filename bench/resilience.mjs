// Resilience costs: a "per-call" call, a time limit in-thread and in a worker against no limit, and tracing on/off.
// Run: npm run bench:resilience (after npm run build). Prints a markdown table of medians.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import isolateDeps from 'isolate-deps/esbuild';

const repo = new URL('..', import.meta.url).pathname;
const cacheDir = path.join(repo, 'test/.cache/components');
const N = Number(process.env.BENCH_CALLS ?? 2000);

const source = `
import misbehaving from 'misbehaving';
const n = Number(process.argv[2]);
for (let i = 0; i < Math.min(200, n); i++) misbehaving.echo('x');
const times = [];
for (let i = 0; i < n; i++) { const s = performance.now(); misbehaving.echo('x'); times.push(performance.now() - s); }
times.sort((a, b) => a - b);
console.log(JSON.stringify({ medianMs: times[times.length >> 1] }));
`;

async function app(name, entry, appSource = source) {
  const dir = path.join(repo, 'test/.work', `bench-resilience-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  writeFileSync(path.join(dir, 'isolate-deps.policy.json'), JSON.stringify({ packages: { misbehaving: { isolate: true, ...entry } } }));
  writeFileSync(path.join(dir, 'src/app.js'), appSource);
  await build({ absWorkingDir: dir, entryPoints: ['src/app.js'], bundle: true, platform: 'node', format: 'esm', outfile: path.join(dir, 'dist/app.mjs'), logLevel: 'silent', plugins: [isolateDeps({ cacheDir, hostInterfacesFromPackages: ['misbehaving'] })] });
  return path.join(dir, 'dist/app.mjs');
}

// An endless loop under limits.timeoutMs on the calling thread: how long after the limit the call ends.
const SPIN_SOURCE = `
import misbehaving from 'misbehaving';
misbehaving.counter(); // the instance exists before the clock starts
const started = performance.now();
try { misbehaving.spin(); } catch (e) { console.log(JSON.stringify({ ms: performance.now() - started, code: e.code })); }
`;

/** Median over 5 processes of (time the endless call took - the limit). */
function measureTimeout(file, limitMs) {
  const runs = [];
  for (let i = 0; i < 5; i++) runs.push(JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8' })).ms - limitMs);
  return runs.sort((a, b) => a - b)[2];
}

/** Median over 3 processes of each process's median call time. */
function measure(file, calls, env = {}) {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(JSON.parse(execFileSync(process.execPath, [file, String(calls)], { encoding: 'utf8', env: { ...process.env, ...env } })).medianMs);
  return runs.sort((a, b) => a - b)[1];
}

const shared = await app('shared', {});
const perCall = await app('per-call', { instance: 'per-call' });
const timed = await app('timed', { limits: { timeoutMs: 5000 } });
const worker = await app('worker', { thread: 'worker', limits: { timeoutMs: 5000 } });
const traceFile = path.join(repo, 'test/.work/bench-resilience-trace.jsonl');

const inThread = measure(shared, N);
const perCallMs = measure(perCall, Math.min(N, 300));
const timedMs = measure(timed, N);
const workerMs = measure(worker, N);
rmSync(traceFile, { force: true });
const spinLimitMs = 200;
const overshoot = measureTimeout(await app('spin', { limits: { timeoutMs: spinLimitMs } }, SPIN_SOURCE), spinLimitMs);
const traced = measure(shared, N, { ISOLATE_DEPS_TRACE: traceFile });

const us = (ms) => `${(ms * 1000).toFixed(1)} µs`;
console.log('| call (echo of a short string) | median | vs in-thread shared |\n|---|---|---|');
console.log(`| shared instance, in-thread (baseline) | ${us(inThread)} | 1.0x |`);
console.log(`| "per-call": fresh instance + call (compiled modules reused) | ${(perCallMs).toFixed(2)} ms | ${(perCallMs / inThread).toFixed(0)}x |`);
console.log(`| in-thread with limits.timeoutMs (a V8 watchdog per call) | ${us(timedMs)} | ${(timedMs / inThread).toFixed(1)}x |`);
console.log(`| worker thread ("thread": "worker", limits.timeoutMs set) | ${us(workerMs)} | ${(workerMs / inThread).toFixed(1)}x |`);
console.log(`| shared, in-thread, ISOLATE_DEPS_TRACE on | ${us(traced)} | ${(traced / inThread).toFixed(2)}x |`);
rmSync(traceFile, { force: true });
console.log(`\nAn endless loop under limits.timeoutMs = ${spinLimitMs} ms on the calling thread ends ${overshoot.toFixed(1)} ms after the limit (median of 5; target ≤ 50 ms).`);
