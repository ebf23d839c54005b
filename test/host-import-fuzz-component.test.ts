import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { setUpOrFail } from './support/setup.ts';
import { buildApp, runAppAsync, type BuiltApp } from './support/app.ts';
import { startRecordingServer, type RecordingServer } from './support/canary.ts';
import { RANDOM_LIMIT, witCall, type HostCall } from './support/hostile-calls.ts';
import { assertTerminalSafe, isHostDenialLine } from './support/terminal-output.ts';

// The same hostile calls as host-import-fuzz.test.ts, sent by a real component: the hostile-guest fixture
// imports the raw isolate:guest/* interfaces (any package can) and calls them with what it is given. This is
// the route a hostile package really has: arguments are lowered by the component model, a host failure becomes
// a result's error or a trap of the package's own instance, and the boundary session is the real one.
// FUZZ_RUNS=10000 sends more distinct calls; FUZZ_SEED replays a run.
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const SEED = Number(process.env.FUZZ_SEED ?? 7);
const MEMORY_CALLS = 10_000;
const MEMORY_BOUND_MB = 256;
const CANARY_ENV = 'CANARY-FUZZ-COMPONENT-ENV-a61f03';
const CANARY_FILE = 'CANARY-FUZZ-COMPONENT-FILE-29dd5e';

// Runs every case once (outcomes reported), then MEMORY_CALLS more calls cycling through them, and reports RSS over those.
const SOURCE = `
  import { readFileSync } from 'node:fs';
  import v8 from 'node:v8';
  import vm from 'node:vm';
  import { raw } from 'hostile-guest';
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const [casesFile, memoryCalls] = process.argv.slice(2);
  const cases = JSON.parse(readFileSync(casesFile, 'utf8'));
  const canaries = [process.env.AWS_SECRET_ACCESS_KEY, readFileSync('secret.txt', 'utf8')];
  const summary = { calls: 0, ok: 0, errors: {}, traps: [], hostErrors: [], leaks: [] };
  const callOne = (c, index) => {
    summary.calls++;
    try {
      const result = raw(c.iface, c.fn, c.args);
      const text = JSON.stringify(result);
      if (canaries.some((canary) => text.includes(canary))) summary.leaks.push(index);
      if (result.ok) summary.ok++;
      else {
        const code = result.payload ? JSON.parse(result.payload).code : result.code ?? result.name;
        summary.errors[code] = (summary.errors[code] ?? 0) + 1;
      }
    } catch (e) {
      if (e.code === 'ERR_ISOLATE_TRAP') summary.traps.push(index);
      else summary.hostErrors.push({ index, name: e.name, code: e.code, message: String(e.message).slice(0, 300) });
    }
  };
  cases.forEach(callOne);
  // The cycle leaves out the calls that trapped: each trap costs a fresh instance, and they were checked once.
  const cycle = cases.map((c, index) => index).filter((index) => !summary.traps.includes(index));
  gc();
  const before = process.memoryUsage().rss;
  for (let i = 0; i < Number(memoryCalls); i++) callOne(cases[cycle[i % cycle.length]], cycle[i % cycle.length]);
  gc();
  summary.rssGrowthMb = (process.memoryUsage().rss - before) / 2 ** 20;
  setTimeout(() => process.stdout.write('\\n' + JSON.stringify(summary) + '\\n'), 300);
`;

/** A call as JSON for the fixture: typed arrays become tagged values it turns back into the WIT's types. */
function encodeCall(call: HostCall): { iface: string; fn: string; args: string } {
  const args = JSON.stringify(call.args, (_key, value) => {
    if (value instanceof Uint32Array) return { $u32: [...value] };
    if (value instanceof Uint8Array) return value.length > 64 ? { $zeros: value.length } : { $bytes: [...value] };
    return value;
  });
  return { iface: call.iface, fn: call.fn, args };
}

describe('the host imports, called by a real component with hostile arguments', () => {
  let app: BuiltApp;
  let server: RecordingServer;
  let calls: HostCall[];
  let run: Awaited<ReturnType<typeof runAppAsync>>;

  setUpOrFail(async () => {
    server = await startRecordingServer();
    app = await buildApp('fuzz-component', {
      policy: {
        packages: {
          // The circuit breaker is kept out of the way: every call should reach the host, trapped instance or not.
          'hostile-guest': { isolate: true, circuitBreaker: { failures: 1_000_000 }, allow: { console: true, clock: true, random: true, env: ['FUZZ_*', '*_URL'], fs: { read: ['./data/**'], write: ['./out/**'] }, net: ['127.0.0.1:*'] } },
        },
      },
      source: SOURCE,
      files: { 'data/ok.txt': 'granted', 'secret.txt': CANARY_FILE },
    });
    mkdirSync(path.join(app.dir, 'out'), { recursive: true });
    symlinkSync(path.join(app.dir, 'secret.txt'), path.join(app.dir, 'data/link-out'));
    // Megabyte strings are covered on the direct route; here they would mostly time the guest's interpreter.
    calls = fc.sample(witCall(server.port, { knownCapabilities: true, hugeString: 100_000 }), { numRuns: RUNS, seed: SEED });
    const casesFile = path.join(app.dir, 'cases.json');
    writeFileSync(casesFile, JSON.stringify(calls.map(encodeCall)));
    run = await runAppAsync(app, { AWS_SECRET_ACCESS_KEY: CANARY_ENV, FUZZ_NAME: 'fuzz value' }, [casesFile, String(MEMORY_CALLS)]);
  });
  afterAll(() => server.close());

  it(`survives ${RUNS} distinct calls and ${RUNS + MEMORY_CALLS} in all: the only traps are the documented ones, no host error escapes`, () => {
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    const summary = run.result;
    expect(summary.calls).toBe(RUNS + MEMORY_CALLS);
    expect(summary.hostErrors).toEqual([]);
    // A host import without a result channel fails by trapping the caller's own instance: only random.fill past its limit does.
    const unexpected = [...new Set<number>(summary.traps)].map((i) => calls[i]!).filter((c) => !(c.iface === 'random' && (c.args[0] as number) > RANDOM_LIMIT));
    expect(unexpected.map((c) => `${c.iface}.${c.fn} ${JSON.stringify(c.args).slice(0, 200)}`)).toEqual([]);
  });

  it('leaks no canary and writes only escaped, prefixed lines', () => {
    expect(run.result.leaks).toEqual([]);
    for (const text of [run.stdout, run.stderr]) {
      expect(text).not.toContain(CANARY_ENV);
      expect(text).not.toContain(CANARY_FILE);
    }
    const resultLine = run.stdout.trimEnd().split('\n').at(-1);
    assertTerminalSafe(run.stdout, { prefix: '[hostile-guest] ', except: (line) => line === resultLine });
    assertTerminalSafe(run.stderr, { prefix: '[hostile-guest] ', except: isHostDenialLine });
  });

  it(`stays within ${MEMORY_BOUND_MB} MB of RSS growth over ${MEMORY_CALLS} calls`, () => {
    console.log(`component route: RSS grew ${run.result.rssGrowthMb.toFixed(1)} MB over ${MEMORY_CALLS} calls; outcomes ${JSON.stringify({ ok: run.result.ok, errors: run.result.errors, traps: run.result.traps.length })}`);
    expect(run.result.rssGrowthMb).toBeLessThan(MEMORY_BOUND_MB);
  });
});
