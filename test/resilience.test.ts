import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTrace, summarizeTrace } from '@isolate-deps/trace';
import { buildApp, REPO, runAppAsync, type BuiltApp } from './support/app.ts';

// One app per policy variant. They share one component: instance modes and limits are not part of it.
const SOURCE = `
  import misbehaving from 'misbehaving';
  const calls = JSON.parse(process.argv[2]);
  // An argument {"host": name} is passed as this host function: a callback the guest calls.
  const hostFunctions = { answer: () => 'host answered', spin: () => { for (;;) {} } };
  const results = [];
  for (const [fn, ...args] of calls) {
    if (fn === 'sleep') { const end = Date.now() + args[0]; while (Date.now() < end); results.push('slept'); continue; }
    const started = performance.now();
    try {
      const value = misbehaving[fn](...args.map((a) => hostFunctions[a?.host] ?? a));
      results.push({ value: value instanceof Promise ? await value : value, ms: Math.round(performance.now() - started) });
    } catch (e) {
      results.push({ error: e.name, code: e.code, ms: Math.round(performance.now() - started) });
    }
  }
  console.log(JSON.stringify(results));
`;

async function appWith(name: string, entry: Record<string, unknown>): Promise<BuiltApp> {
  return buildApp(`resilience-${name}`, { policy: { packages: { misbehaving: { isolate: true, ...entry } } }, source: SOURCE });
}

async function run(app: BuiltApp, calls: unknown[][], env: Record<string, string> = {}) {
  const { result, status, stderr } = await runAppAsync(app, env, [JSON.stringify(calls)]);
  expect(status, stderr).toBe(0);
  return result as { value?: unknown; error?: string; code?: string; ms: number }[];
}

describe('instance modes', () => {
  it('"shared" keeps module state across calls: a counter counts up', async () => {
    const app = await appWith('shared', { instance: 'shared' });
    const results = await run(app, [['counter'], ['counter'], ['counter']]);
    expect(results.map((r) => r.value)).toEqual([1, 2, 3]);
  });

  it('"per-call" gives every call a fresh instance: the counter is always 1', async () => {
    const app = await appWith('per-call', { instance: 'per-call' });
    const results = await run(app, [['counter'], ['counter'], ['counter'], ['counter']]);
    expect(results.map((r) => r.value)).toEqual([1, 1, 1, 1]);
  });

  it('"per-call" reuses memories but no state: module state, allocations and a memory bomb all end with their call', async () => {
    const app = await appWith('per-call-memory', { instance: 'per-call', limits: { memoryMb: 64 } });
    const results = await run(app, [['counter'], ['allocate', 1], ['allocate', 1], ['counter'], ['allocate', 200], ['counter'], ['allocate', 2], ['counter']]);
    expect(results.map((r) => r.value ?? r.code)).toEqual([1, 1, 1, 1, 'ERR_ISOLATE_MEMORY_LIMIT', 1, 2, 1]);
  });

  it('"pool" spreads calls over poolSize instances', async () => {
    const app = await appWith('pool', { instance: 'pool', poolSize: 2 });
    const results = await run(app, [['counter'], ['counter'], ['counter'], ['counter'], ['counter']]);
    expect(results.map((r) => r.value)).toEqual([1, 1, 2, 2, 3]);
  });
});

describe('limits and the airlock', () => {
  // How close to the limit it stops is measured by bench/resilience.mjs (the target is +50 ms); the bound here
  // leaves room for a loaded machine.
  it('stops an infinite loop at timeoutMs (+100 ms at most) on the calling thread, and the next call works', async () => {
    const app = await appWith('timeout', { limits: { timeoutMs: 1000 } });
    const results = await run(app, [['counter'], ['spin'], ['counter'], ['busy', 50]]);
    expect(results[0]).toMatchObject({ value: 1 });
    expect(results[1]).toMatchObject({ error: 'IsolateTimeoutError', code: 'ERR_ISOLATE_TIMEOUT' });
    expect(results[1]!.ms).toBeGreaterThanOrEqual(1000);
    expect(results[1]!.ms).toBeLessThanOrEqual(1100);
    // A fresh instance answers (its counter starts again), and work within the limit completes.
    expect(results[2]).toMatchObject({ value: 1 });
    expect(results[3]).toMatchObject({ value: true });
  });

  it('under a time limit, callbacks and promises still cross; a callback that never returns is stopped too', async () => {
    const app = await appWith('timeout-callbacks', { limits: { timeoutMs: 1000 } });
    const results = await run(app, [['counter'], ['callAndReport', { host: 'answer' }], ['after', 20, 'settled'], ['counter'], ['callAndReport', { host: 'spin' }], ['counter']]);
    expect(results.slice(0, 4).map((r) => r.value)).toEqual([1, 'no error', 'settled', 2]);
    // The host callback ran inside the guest's call: the call's limit covers it, and the instance is replaced.
    expect(results[4]).toMatchObject({ code: 'ERR_ISOLATE_TIMEOUT' });
    expect(results[4]!.ms).toBeLessThanOrEqual(1100);
    expect(results[5]).toMatchObject({ value: 1 });
  });

  it('"thread": "worker" runs the instance in a worker thread, which the time limit terminates', async () => {
    const app = await appWith('timeout-worker', { thread: 'worker', limits: { timeoutMs: 1000 } });
    const results = await run(app, [['counter'], ['spin'], ['counter'], ['callAndReport', { host: 'answer' }]]);
    expect(results[0]).toMatchObject({ value: 1 });
    expect(results[1]).toMatchObject({ code: 'ERR_ISOLATE_TIMEOUT' });
    expect(results[1]!.ms).toBeLessThanOrEqual(1100);
    expect(results[2]).toMatchObject({ value: 1 });
    // A worker cannot receive a host function: this is what the calling thread's mode keeps.
    expect(results[3]).toMatchObject({ error: expect.any(String) });
  });

  it('stops the colors/faker (2022) sabotage: americanFlag() times out, red() keeps working', async () => {
    const app = await buildApp('resilience-colors', {
      // console off: the flood of "LIBERTY" lines would interleave with the result line.
      policy: { packages: { 'attack-colors': { isolate: true, allow: { console: false }, limits: { timeoutMs: 500 } } } },
      source: `
        import colors from 'attack-colors';
        const out = { before: colors.red('x') }; // the first call also starts the instance's worker
        const started = performance.now();
        try { colors.americanFlag(); } catch (e) { out.flag = { name: e.name, code: e.code, ms: Math.round(performance.now() - started) }; }
        out.red = colors.red('ok');
        console.log(JSON.stringify(out));
      `,
    });
    const { result, status, stderr } = await runAppAsync(app);
    expect(status, stderr).toBe(0);
    expect(result.flag).toMatchObject({ name: 'IsolateTimeoutError', code: 'ERR_ISOLATE_TIMEOUT' });
    expect(result.flag.ms).toBeLessThanOrEqual(600);
    expect(result.red).toBe('\u001b[31mok\u001b[39m');
  });

  it("a timeout that ends inside another package's call (from a callback) replaces that package's instance too", async () => {
    const app = await buildApp('resilience-timeout-nested', {
      policy: { packages: { misbehaving: { isolate: true, limits: { timeoutMs: 500 } }, 'attack-colors': { isolate: true, allow: { console: false } } } },
      source: `
        import misbehaving from 'misbehaving';
        import colors from 'attack-colors';
        const out = { before: [colors.red('x'), misbehaving.counter()] }; // both instances start before the clock does
        const started = performance.now();
        // colors has no limit of its own; its endless loop runs inside misbehaving's call, under that call's limit.
        try { misbehaving.callAndReport(() => colors.americanFlag()); } catch (e) { out.outer = { code: e.code, ms: Math.round(performance.now() - started) }; }
        try { out.after = colors.red('ok'); } catch (e) { out.after = e.code; }
        out.misbehaving = misbehaving.counter();
        console.log(JSON.stringify(out));
      `,
    });
    const { result, status, stderr } = await runAppAsync(app);
    expect(status, stderr).toBe(0);
    expect(result.outer).toMatchObject({ code: 'ERR_ISOLATE_TIMEOUT' });
    expect(result.outer.ms).toBeLessThanOrEqual(600);
    // The abandoned colors call left no instance marked busy (that would be ERR_ISOLATE_REENTRANT).
    expect(result.after).toBe('\u001b[31mok\u001b[39m');
    expect(result.misbehaving).toBe(1);
  });

  it('caps memory at memoryMb; the bomb fails with IsolateMemoryLimitError and its instance is replaced', async () => {
    const app = await appWith('memory', { limits: { memoryMb: 64 } });
    const results = await run(app, [['counter'], ['counter'], ['allocate', 200], ['counter'], ['allocate', 8]]);
    expect(results.slice(0, 2).map((r) => r.value)).toEqual([1, 2]);
    expect(results[2]).toMatchObject({ error: 'IsolateMemoryLimitError', code: 'ERR_ISOLATE_MEMORY_LIMIT' });
    expect(results[3]).toMatchObject({ value: 1 });
    expect(results[4]).toMatchObject({ value: 8 });
  });

  it('a trapped instance is replaced and the app keeps running, in the worker path too', async () => {
    const app = await appWith('memory-worker', { thread: 'worker', limits: { memoryMb: 64, timeoutMs: 5000 } });
    const results = await run(app, [['counter'], ['allocate', 200], ['counter']]);
    expect(results[0]).toMatchObject({ value: 1 });
    expect(results[1]).toMatchObject({ code: 'ERR_ISOLATE_MEMORY_LIMIT' });
    expect(results[2]).toMatchObject({ value: 1 });
  });

  it('opens the circuit breaker after repeated failures, fails fast, and closes after the cool-down', async () => {
    const app = await appWith('breaker', { limits: { memoryMb: 64 }, circuitBreaker: { failures: 2, windowMs: 60000, cooldownMs: 400 } });
    const results = await run(app, [['allocate', 200], ['allocate', 200], ['counter'], ['sleep', 450], ['counter'], ['counter']]);
    expect(results[0]).toMatchObject({ code: 'ERR_ISOLATE_MEMORY_LIMIT' });
    expect(results[1]).toMatchObject({ code: 'ERR_ISOLATE_MEMORY_LIMIT' });
    expect(results[2]).toMatchObject({ error: 'IsolateCircuitOpenError', code: 'ERR_ISOLATE_CIRCUIT_OPEN' });
    expect(results[2]!.ms).toBeLessThan(20);
    expect(results[4]).toMatchObject({ value: 1 });
    expect(results[5]).toMatchObject({ value: 2 });
  });
});

// Under "per-call" an instance that returned a promise lives until the promise settles, then goes; promises
// nothing settles hold at most MAX_WAITING_PER_CALL (16) instances: the oldest is then disposed, rejecting its promise.
const ASYNC_PER_CALL = `
  import misbehaving from 'misbehaving';
  const settled = await Promise.all([misbehaving.after(30, 'late'), misbehaving.after(5, 'soon')]);
  const counters = [misbehaving.counter(), misbehaving.counter()];
  const nevers = Array.from({ length: 20 }, () => misbehaving.never().then(() => 'settled', (e) => e.code));
  const evicted = await Promise.all(nevers.slice(0, 4));
  console.log(JSON.stringify({ settled, counters, evicted }));
`;

describe('async results in "per-call" mode', () => {
  it('an instance lives until the promise it returned settles, then is disposed; waiting instances are bounded, and the process exits', async () => {
    const app = await buildApp('resilience-per-call-async', { policy: { packages: { misbehaving: { isolate: true, instance: 'per-call' } } }, source: ASYNC_PER_CALL });
    const trace = path.join(app.dir, 'trace.jsonl');
    rmSync(trace, { force: true });
    const { result, status, stderr } = await runAppAsync(app, { ISOLATE_DEPS_TRACE: trace });
    expect(status, stderr).toBe(0);
    expect(result).toEqual({ settled: ['late', 'soon'], counters: [1, 1], evicted: Array(4).fill('ERR_ISOLATE_HANDLE_EXPIRED') });
    const instances = readTrace(trace).filter((e) => e.type === 'instance');
    const disposed = instances.filter((e) => e.action === 'dispose');
    // 2 settled + 2 counters + 4 evicted; the 16 never-settled ones are still waiting when the process exits.
    expect(instances.filter((e) => e.action === 'create').length).toBe(24);
    expect(disposed.length).toBe(8);
    expect(disposed.filter((e) => e.reason === 'too many per-call instances waiting on promises').length).toBe(4);
  });
});

describe('observability', () => {
  it('writes every crossing, instance and denial to ISOLATE_DEPS_TRACE, and the summary adds up', async () => {
    const app = await appWith('trace', { instance: 'per-call' });
    const trace = path.join(app.dir, 'trace.jsonl');
    rmSync(trace, { force: true });
    await run(app, [['counter'], ['echo', 'x'.repeat(1000)], ['counter']], { ISOLATE_DEPS_TRACE: trace });
    const events = readTrace(trace);
    const calls = events.filter((e) => e.type === 'call');
    expect(calls.map((c) => c.export)).toEqual(['counter', 'echo', 'counter']);
    for (const c of calls) {
      expect(c).toMatchObject({ package: 'misbehaving', outcome: 'ok' });
      expect(c.durationUs).toBeGreaterThan(0);
      expect(c.bytesIn).toBeGreaterThan(0);
    }
    expect(calls[1]!.bytesIn).toBeGreaterThan(1000);
    expect(calls[1]!.bytesOut).toBeGreaterThan(1000);
    expect(new Set(calls.map((c) => c.instance)).size).toBe(3);
    const instances = events.filter((e) => e.type === 'instance');
    expect(instances.filter((e) => e.action === 'create').length).toBe(3);
    expect(instances.filter((e) => e.action === 'dispose').length).toBe(3);
    const [summary] = summarizeTrace(events);
    expect(summary).toMatchObject({ package: 'misbehaving', calls: 3, instancesCreated: 3, traps: 0, share: 1, outcomes: { ok: 3 } });
    expect(summary!.totalMs * 1000).toBeCloseTo(calls.reduce((s, c) => s + Number(c.durationUs), 0), 0);
    expect(readFileSync(trace, 'utf8').trim().split('\n').length).toBe(events.length);
    // The CLI prints the same summary.
    const cli = spawnSync(process.execPath, [path.join(REPO, 'packages/isolate-deps/dist/cli.js'), 'trace', trace, '--format', 'json'], { encoding: 'utf8' });
    expect(cli.status, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(summarizeTrace(events));
    const text = spawnSync(process.execPath, [path.join(REPO, 'packages/isolate-deps/dist/cli.js'), 'trace', trace], { encoding: 'utf8' });
    expect(text.stdout).toMatch(/^package\s+calls\s+total ms\s+p50 µs\s+p99 µs\s+share/);
    expect(text.stdout).toMatch(/misbehaving\s+3\s/);
  });

  it('records traps and denials in the trace', async () => {
    const app = await appWith('trace-failures', { limits: { memoryMb: 64 } });
    const trace = path.join(app.dir, 'trace.jsonl');
    rmSync(trace, { force: true });
    await run(app, [['allocate', 200], ['counter']], { ISOLATE_DEPS_TRACE: trace });
    const [summary] = summarizeTrace(readTrace(trace));
    expect(summary).toMatchObject({ calls: 2, traps: 1, instancesCreated: 2, outcomes: { 'memory-limit': 1, ok: 1 } });
  });
});
