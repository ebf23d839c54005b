import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp, runAppAsync, type BuiltApp } from './support/app.ts';

// Everything a guest can make the host hold or do is bounded, and released with its instance.
// The apps share the `misbehaving` component (limits and breaker settings are not part of it).

// Runs one call after the instance is up and reports how much the host's heap grew across it (after a GC).
const MEASURED_CALL = `
  import misbehaving from 'misbehaving';
  import * as hostile from 'misbehaving/boundary.mjs';
  const heap = () => { globalThis.gc(); return process.memoryUsage().heapUsed; };
  const [fn, ...args] = JSON.parse(process.argv[2]);
  const call = misbehaving[fn] ?? hostile[fn];
  misbehaving.counter(); // the instance exists before the measurement
  const before = heap();
  let outcome;
  try {
    outcome = { value: call(...args) };
  } catch (e) {
    outcome = { error: e.name, code: e.code, message: String(e.message).slice(0, 300), ownFields: Object.getOwnPropertyNames(e).length, enumerableFields: Object.keys(e).length };
  }
  if (typeof outcome.value === 'string') outcome.value = outcome.value.length;
  const grewMb = (heap() - before) / 2 ** 20;
  console.log(JSON.stringify({ ...outcome, grewMb, next: misbehaving.counter() }));
`;

// A flood is slow for the guest itself (its bindings encode every string in interpreted JS): more time than runAppAsync gives by default.
const runLong = (app: BuiltApp, args: string[]) => runAppAsync(app, {}, args, { timeoutMs: 400_000, nodeArgs: ['--expose-gc'] });

async function measured(name: string, call: unknown[]) {
  const app = await buildApp(`boundary-limits-${name}`, { policy: { packages: { misbehaving: { isolate: true } } }, source: MEASURED_CALL });
  const run = await runLong(app, [JSON.stringify(call)]);
  expect(run.status, run.stderr.slice(0, 2000)).toBe(0);
  return { ...run, result: run.result as { value?: unknown; error?: string; code?: string; message?: string; ownFields?: number; enumerableFields?: number; grewMb: number; next: number } };
}

describe('what a guest can make the host hold', () => {
  it('100,000 denials with ever-new capability names leave stderr and the host heap bounded', async () => {
    const { result, stderr } = await measured('denial-flood', ['floodDenials', 100_000, 20]);
    expect(result.value).toBe(100_000);
    const lines = stderr.split('\n').filter(Boolean);
    expect(lines.length).toBeLessThanOrEqual(20);
    expect(lines.some((line) => line.includes('further denials of "misbehaving" are not printed'))).toBe(true);
    // The guest's text is quoted: no raw escape sequence or forged line reaches the terminal.
    expect(stderr).not.toContain('\u001b');
    expect(lines.some((line) => line.startsWith('forged line'))).toBe(false);
    // 100,000 kept names of 40+ characters would be about 10 MB.
    expect(result.grewMb).toBeLessThan(4);
    expect(result.next).toBe(2);
  });

  it('settlements of promise ids the host was never sent do not accumulate on the host', async () => {
    // 1,000 × 10,000 characters: 10 MB if the host kept them.
    const { result } = await measured('settle-flood', ['floodSettlements', 1_000, 10_000]);
    expect(result.value).toBe(1_000);
    expect(result.grewMb).toBeLessThan(4);
    expect(result.next).toBe(2);
  });
});

describe('replies the host decodes', () => {
  it('decodes an error with 60,000 non-enumerable fields, keeping them non-enumerable', async () => {
    const { result } = await measured('hidden-fields', ['hiddenProps', 60_000]);
    expect(result).toMatchObject({ error: 'Error', message: 'many hidden fields', enumerableFields: 0, next: 2 });
    expect(result.ownFields).toBeGreaterThanOrEqual(60_000);
  });

  it('refuses a reply over the size limit with ERR_ISOLATE_REPLY_TOO_LARGE, and the package keeps working', async () => {
    const { result } = await measured('huge-reply', ['largeReply', 80 * 2 ** 20]);
    expect(result).toMatchObject({ error: 'BoundaryLimitError', code: 'ERR_ISOLATE_REPLY_TOO_LARGE', next: 2 });
    expect(result.message).toContain('"misbehaving"');
  });
});

describe('limits that cannot be sidestepped', () => {
  const LOAD_SOURCE = `
    import { ok } from 'misbehaving/load-spin';
    const results = [];
    for (let i = 0; i < 3; i++) {
      try { results.push(ok()); } catch (e) { results.push(e.code); }
    }
    console.log(JSON.stringify(results));
  `;
  const loadPolicy = {
    packages: {
      misbehaving: { isolate: true, allow: { env: ['MISBEHAVING_SPIN_AT_LOAD'] }, limits: { timeoutMs: 1000 }, circuitBreaker: { failures: 2, windowMs: 600_000, cooldownMs: 600_000 } },
    },
  };

  it("stops a package whose top-level code never ends at limits.timeoutMs, and the circuit breaker counts it", async () => {
    const app = await buildApp('boundary-limits-load-spin', { policy: loadPolicy, source: LOAD_SOURCE });
    const spinning = await runAppAsync(app, { MISBEHAVING_SPIN_AT_LOAD: '1' });
    expect(spinning.status, spinning.stderr).toBe(0);
    expect(spinning.result).toEqual(['ERR_ISOLATE_TIMEOUT', 'ERR_ISOLATE_TIMEOUT', 'ERR_ISOLATE_CIRCUIT_OPEN']);
    // Control: the same build loads and answers when its top-level code ends.
    const loading = await runAppAsync(app);
    expect(loading.result).toEqual([true, true, true]);
  });

  it('a late worker reply is never read as the answer of the next call', async () => {
    const app = await buildApp('boundary-limits-late-reply', {
      policy: { packages: { misbehaving: { isolate: true, thread: 'worker', limits: { timeoutMs: 1000 } } } },
      source: `
        import misbehaving from 'misbehaving';
        const results = [];
        for (const [fn, ...args] of [['busy', 1300], ['counter'], ['busy', 1300], ['counter'], ['counter']]) {
          try { results.push(misbehaving[fn](...args)); } catch (e) { results.push(e.code); }
        }
        console.log(JSON.stringify(results));
      `,
    });
    const run = await runAppAsync(app);
    expect(run.status, run.stderr).toBe(0);
    expect(run.result).toEqual(['ERR_ISOLATE_TIMEOUT', 1, 'ERR_ISOLATE_TIMEOUT', 1, 2]);
  });
});

describe('background work', () => {
  const pumps = (trace: string) =>
    readFileSync(trace, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { type: string; export?: string }).filter((e) => e.type === 'call' && (e.export === 'z' || e.export === 't')).length; // stats and timer runs: calls the host made on its own

  it('a promise nothing will settle neither keeps the process alive nor keeps the host calling the guest', async () => {
    const app = await buildApp('boundary-limits-never', {
      policy: { packages: { misbehaving: { isolate: true } } },
      source: `
        import misbehaving from 'misbehaving';
        misbehaving.never().then(() => console.log('settled?'));
        console.log(JSON.stringify('returned'));
      `,
    });
    const trace = path.join(app.dir, 'trace.jsonl');
    rmSync(trace, { force: true });
    const run = await runAppAsync(app, { ISOLATE_DEPS_TRACE: trace });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('settled?');
    expect(pumps(trace)).toBeLessThanOrEqual(2);
  });

  it('a promise waiting on a guest timer still settles', async () => {
    const app = await buildApp('boundary-limits-after', {
      policy: { packages: { misbehaving: { isolate: true } } },
      source: `
        import misbehaving from 'misbehaving';
        console.log(JSON.stringify(await misbehaving.after(300, 'later')));
      `,
    });
    const run = await runAppAsync(app);
    expect(run.status, run.stderr).toBe(0);
    expect(run.result).toBe('later');
  });
});

describe('host errors sent into the guest', () => {
  it('carry name, message and code, and no host stack or file path', async () => {
    // The canary is a directory in the app's path: any host stack frame would carry it.
    const canary = `canary${randomBytes(6).toString('hex')}`;
    const app: BuiltApp = await buildApp(`boundary-limits-${canary}`, {
      policy: { packages: { misbehaving: { isolate: true } } },
      source: `
        import misbehaving from 'misbehaving';
        console.log(misbehaving.callAndReport(function refuse() {
          throw Object.assign(new RangeError('host refused'), { code: 'E_HOST_REFUSED', where: import.meta.url });
        }));
      `,
    });
    expect(app.outfile).toContain(canary);
    const run = await runAppAsync(app);
    expect(run.status, run.stderr).toBe(0);
    expect(run.result).toMatchObject({ name: 'RangeError', message: 'host refused', code: 'E_HOST_REFUSED' });
    expect(run.stdout).not.toContain(canary);
    expect(run.stdout).not.toContain('app.mjs');
    expect((run.result as { own: [string, string][] }).own.map(([key]) => key)).not.toContain('where');
  });
});

// A guest that rewrites its JSON.stringify forges the write-back of a call's arguments (the host object it was
// passed comes back with what the guest chose): whatever it sends, the host object changes only by the
// write-back rules, or not at all when the write-back is refused.
const FORGED_WRITE_BACK = `
  import misbehaving from 'misbehaving';
  class Secret { constructor() { this.level = 1; } }
  const out = {};
  const forged = {
    accepted: '[{"forge":1,"keep":"changed","secret":{}},"x"]',
    proto: '[{"forge":1,"keep":"me","secret":{},"__proto__":{"polluted":"yes"}},"x"]',
    escapedProto: '[{"$t":"o","v":{"forge":1,"keep":"me","secret":{},"__proto__":{"polluted":"yes"}}},"x"]',
    unknownTag: '[{"forge":2,"keep":{"$t":"zz"}},"x"]',
    badReference: '[{"forge":2,"keep":{"$t":"r","i":99}},"x"]',
    notAList: '{"forge":2}',
    garbage: '[{"forge":2',
    intoInstance: '[{"forge":1,"keep":"me","secret":{"level":99,"constructor":{"prototype":{"polluted":"yes"}}}},"x"]',
  };
  for (const [name, text] of Object.entries(forged)) {
    const secret = new Secret();
    const target = { forge: 1, keep: 'me', secret };
    let outcome;
    try { outcome = misbehaving.forgeWriteBack(target, text); } catch (e) { outcome = { name: e.name, code: e.code }; }
    out[name] = {
      outcome,
      target: JSON.stringify(target),
      prototypeKept: Object.getPrototypeOf(target) === Object.prototype && Object.getPrototypeOf(secret) === Secret.prototype,
      secretKept: target.secret === secret && secret.level === 1,
      polluted: ({}).polluted ?? null,
    };
  }
  const target = { forge: 1 };
  try { out.huge = misbehaving.growArgument(target, 80 * 2 ** 20); } catch (e) { out.huge = { name: e.name, code: e.code }; }
  out.hugeTarget = Object.keys(target);
  out.next = misbehaving.counter();
  console.log(JSON.stringify(out));
`;

describe('write-backs the host applies', () => {
  it('a forged write-back never sets a prototype, never enters a host class instance, and a malformed or oversized one changes nothing', async () => {
    const app = await buildApp('boundary-limits-write-back', { policy: { packages: { misbehaving: { isolate: true } } }, source: FORGED_WRITE_BACK });
    const run = await runLong(app, []);
    expect(run.status, run.stderr.slice(0, 2000)).toBe(0);
    const result = run.result as Record<string, { outcome: unknown; target: string; prototypeKept: boolean; secretKept: boolean; polluted: unknown }> & { huge: unknown; hugeTarget: string[]; next: number };
    const untouched = { target: '{"forge":1,"keep":"me","secret":{"level":1}}', prototypeKept: true, secretKept: true, polluted: null };
    const refused = { name: 'BoundaryDecodeError', code: 'ERR_ISOLATE_BAD_ENCODING' };
    // The forgery reaches the host: a well-formed one is applied by the rules (the class instance stays as it is).
    expect(result.accepted).toEqual({ outcome: 'sent', ...untouched, target: '{"forge":1,"keep":"changed","secret":{"level":1}}' });
    expect(result.proto).toEqual({ outcome: 'sent', ...untouched });
    expect(result.escapedProto).toEqual({ outcome: 'sent', ...untouched });
    expect(result.intoInstance).toEqual({ outcome: 'sent', ...untouched });
    for (const name of ['unknownTag', 'badReference', 'notAList', 'garbage']) expect(result[name], name).toEqual({ outcome: refused, ...untouched });
    expect(result.huge).toEqual({ name: 'BoundaryLimitError', code: 'ERR_ISOLATE_REPLY_TOO_LARGE' });
    expect(result.hugeTarget).toEqual(['forge']);
    expect(result.next).toBe(1);
  }, 400_000);
});
