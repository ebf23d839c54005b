import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { createHostImports } from 'isolate-deps/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { setUpOrFail } from './support/setup.ts';
import { RANDOM_LIMIT, SIGNATURES, witCall, wrongTypeCall, type HostCall } from './support/hostile-calls.ts';
import { assertTerminalSafe, isHostDenialLine } from './support/terminal-output.ts';

// The host imports are the code that handles a guest's input, so they are fuzzed from both sides:
// here, the imports object the runtime builds for an instance, called directly with anything at all
// (the whole surface, at a few µs per call); in host-import-fuzz-component.test.ts, the same calls sent
// by a real component, which is what a hostile package can actually do.
// FUZZ_RUNS=10000 runs longer; FUZZ_SEED replays a run.
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const MEMORY_CALLS = 10_000;
const MEMORY_BOUND_MB = { rss: 256, live: 64 };
const CANARY_ENV = 'CANARY-FUZZ-ENV-3b8e11';
const CANARY_FILE = 'CANARY-FUZZ-FILE-77c0d4';
const PACKAGE = 'fuzzed-package';

/** A small HTTP server on its own thread: the net import blocks this thread while a request runs. */
async function startServerThread(): Promise<{ port: number; stop: () => Promise<number> }> {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const server = require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')); });
     server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));`,
    { eval: true },
  );
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  return { port, stop: () => worker.terminate() };
}

/** A project folder with granted ./data and ./out, a secret beside them and a symlink from data to it. */
function plantProject(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'isolate-fuzz-'));
  mkdirSync(path.join(root, 'data'));
  mkdirSync(path.join(root, 'out'));
  writeFileSync(path.join(root, 'data/ok.txt'), 'granted');
  writeFileSync(path.join(root, 'secret.txt'), CANARY_FILE);
  symlinkSync(path.join(root, 'secret.txt'), path.join(root, 'data/link-out'));
  return root;
}

/** Drops what the host writes to stdout and stderr while `fn` runs. */
function silencingOutput(fn: () => void): void {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write);
  for (const stream of streams) stream.write = (() => true) as typeof stream.write;
  try {
    fn();
  } finally {
    streams.forEach((s, i) => (s.write = originals[i]!));
  }
}

type Outcome = { returned: unknown } | { threw: unknown };

/** Captures what the host writes to stdout and stderr while `fn` runs. */
function capturingOutput<T>(fn: () => T): { value: T; output: string } {
  let output = '';
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write);
  for (const stream of streams) stream.write = ((chunk: string | Uint8Array) => ((output += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()), true)) as typeof stream.write;
  try {
    return { value: fn(), output };
  } finally {
    streams.forEach((s, i) => (s.write = originals[i]!));
  }
}

/** What the component model accepts back: a trap is acceptable only where it is documented. */
function checkOutcome(call: HostCall, outcome: Outcome): void {
  const where = `${call.iface}.${call.fn}`;
  const text = JSON.stringify(outcome, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : typeof v === 'bigint' ? String(v) : v)) ?? '';
  expect(text.includes(CANARY_ENV) || text.includes(CANARY_FILE), `${where} leaked a canary`).toBe(false);
  if (call.wrongTypes) return; // a caller in the host process may get any synchronous error
  if ('threw' in outcome) {
    const error = outcome.threw;
    if (SIGNATURES[call.iface][call.fn]!.result) {
      // jco turns a thrown string into the result's error; anything else traps the instance.
      expect(typeof error, `${where} threw ${String(error)} instead of an error payload`).toBe('string');
      expect(typeof JSON.parse(error as string).code, `${where} payload without a code: ${error}`).toBe('string');
    } else {
      expect(call.iface === 'random' && (call.args[0] as number) > RANDOM_LIMIT, `${where} threw ${String((error as Error)?.stack ?? error)}`).toBe(true);
    }
    return;
  }
  const value = outcome.returned;
  const returns: Record<string, (v: unknown) => boolean> = {
    'env.get': (v) => v === undefined || typeof v === 'string',
    'env.names': (v) => Array.isArray(v) && v.every((n) => typeof n === 'string'),
    'random.fill': (v) => v instanceof Uint8Array && v.length === call.args[0],
    'clock.now': (v) => typeof v === 'number',
    'clock.monotonic': (v) => typeof v === 'bigint',
    'boundary.invokeCallback': (v) => typeof v === 'string',
    'fs.readFile': (v) => v instanceof Uint8Array,
    'fs.stat': (v) => typeof v === 'string',
    'fs.readdir': (v) => Array.isArray(v) && v.every((n) => typeof n === 'string'),
    'net.request': (v) => typeof v === 'string',
    // Every Intl failure is data: a JSON reply with the value or the error.
    'intl.call': (v) => typeof v === 'string' && (Object.hasOwn(JSON.parse(v), 'ok') || typeof JSON.parse(v).error?.message === 'string' || JSON.stringify(JSON.parse(v)) === '{}'),
  };
  expect(returns[where]?.(value) ?? value === undefined, `${where} returned ${String(value)}`).toBe(true);
}

function invoke(imports: Record<string, Record<string, unknown>>, call: HostCall): Outcome | undefined {
  const fn = imports[`isolate:guest/${call.iface}`]?.[call.fn];
  if (typeof fn !== 'function' || !Object.hasOwn(imports[`isolate:guest/${call.iface}`]!, call.fn)) return undefined;
  try {
    return { returned: fn(...call.args) };
  } catch (error) {
    return { threw: error };
  }
}

describe('the host imports of an instance, called directly with hostile arguments', () => {
  let server: Awaited<ReturnType<typeof startServerThread>>;
  let imports: Record<string, Record<string, unknown>>;
  const asyncErrors: unknown[] = [];
  const onAsyncError = (error: unknown) => asyncErrors.push(error);

  setUpOrFail(async () => {
    server = await startServerThread();
    process.env.AWS_SECRET_ACCESS_KEY = CANARY_ENV;
    process.env.FUZZ_NAME = 'fuzz value';
    process.on('uncaughtException', onAsyncError);
    process.on('unhandledRejection', onAsyncError);
    imports = createHostImports({
      packageName: PACKAGE,
      root: plantProject(),
      policyFile: 'isolate-deps.policy.json',
      grant: { console: true, clock: true, random: true, env: ['FUZZ_*', '*_URL'], fs: { read: ['./data/**'], write: ['./out/**'] }, net: [`127.0.0.1:${server.port}`] },
    });
  });
  afterAll(async () => {
    delete process.env.AWS_SECRET_ACCESS_KEY;
    delete process.env.FUZZ_NAME;
    process.off('uncaughtException', onAsyncError);
    process.off('unhandledRejection', onAsyncError);
    await server.stop();
  });

  it(`keeps to the component model's contract, leaks no canary and writes only escaped, prefixed lines (${RUNS} calls of every import)`, async () => {
    const { output } = capturingOutput(() =>
      fc.assert(
        fc.property(fc.oneof({ weight: 4, arbitrary: witCall(server.port) }, { weight: 1, arbitrary: wrongTypeCall }), (call) => {
          const outcome = invoke(imports, call);
          if (outcome) checkOutcome(call, outcome);
        }),
        { numRuns: RUNS, seed: SEED },
      ),
    );
    // Anything that went wrong after a call returned (a worker's error, a rejected promise) shows up here.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(asyncErrors).toEqual([]);
    assertTerminalSafe(output, { prefix: `[${PACKAGE}] `, except: isHostDenialLine });
    expect(output).not.toContain(CANARY_ENV);
    expect(output).not.toContain(CANARY_FILE);
  });

  it(`stays within a memory bound over ${MEMORY_CALLS} calls: RSS bounded, nothing retained`, () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    // Calls are generated batch by batch (holding 10,000 calls with megabyte strings would be the test's own
    // memory) and the output is dropped. Report-denial keeps to the runtime's capability names: a distinct
    // name per call grows the stderr de-duplication set in violations.ts, whose bound is handled elsewhere.
    let batch = 0;
    const memoryAfter = (count: number) => {
      for (const end = batch + count; batch < end; batch++) {
        const calls = fc.sample(witCall(server.port, { knownCapabilities: true }), { numRuns: 1000, seed: (SEED ?? 42) + batch });
        silencingOutput(() => calls.forEach((call) => invoke(imports, call)));
      }
      gc();
      const { rss, heapUsed, external } = process.memoryUsage();
      return { rss: rss / 2 ** 20, live: (heapUsed + external) / 2 ** 20 };
    };
    // Warm-up: lazy compilation, the net thread, the first megabyte buffers.
    const before = memoryAfter(3);
    const after = memoryAfter(MEMORY_CALLS / 1000);
    console.log(`host imports over ${MEMORY_CALLS} calls: RSS ${before.rss.toFixed(0)} → ${after.rss.toFixed(0)} MB, live heap + external ${before.live.toFixed(0)} → ${after.live.toFixed(0)} MB`);
    // RSS keeps the allocator's high-water mark for megabyte strings and buffers (it moved by -40 to +120 MB
    // between runs of the same calls), so it gets a loose bound; what is still reachable after a collection
    // gets a tight one. Retaining the hostile payloads (about 25 KB a call on average) would break both.
    expect(after.rss - before.rss).toBeLessThan(MEMORY_BOUND_MB.rss);
    expect(after.live - before.live).toBeLessThan(MEMORY_BOUND_MB.live);
  });
});
