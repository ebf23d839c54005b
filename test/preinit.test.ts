import { describe, expect, it } from 'vitest';
import { buildApp, runApp } from './support/app.ts';

// The build loads a package while it builds its component when the package's top-level code reads nothing
// from the host, so the snapshot holds it loaded (guest/preinit.ts). Both outcomes must look, from outside,
// exactly like loading the package at its first call, which is what the runtime did before.

const PURE_APP = `
  import probe from 'preinit-probe';
  console.log('app: before the first call');
  console.log('sum', probe.sumOfSquares());
  console.log('counts', probe.count(), probe.count());
`;

describe('pre-initialisation: packages loaded at build time', () => {
  it('a package whose top-level code reads nothing from the host is loaded by the build; what it printed and was refused while loading reaches the host at its first call, in order', async () => {
    const app = await buildApp('preinit-pure', { policy: { packages: { 'preinit-probe': { isolate: true } } }, source: PURE_APP });
    expect(app.compiled.map((c) => [c.name, c.loadedAt])).toEqual([['preinit-probe', { when: 'build' }]]);
    const run = runApp(app, { HOME: '/home/someone' });
    expect(run.status, run.stderr).toBe(0);
    const out = run.stdout.trim().split('\n');
    expect(out).toEqual(['app: before the first call', '[preinit-probe] preinit-probe: loading', 'sum 332833500', 'counts 1 2']);
    // The refused read and the warning line, once each: a build-time refusal is reported as a run-time one.
    expect(run.stderr.match(/denied env "HOME" to "preinit-probe"/g)).toHaveLength(1);
    expect(run.stderr).toContain('preinit-probe: HOME is undefined');
    expect(run.stderr).not.toContain('/home/someone');
  });

  it('"per-call": every instance starts from the loaded snapshot, and reports its own load-time output', async () => {
    const app = await buildApp('preinit-per-call', { policy: { packages: { 'preinit-probe': { isolate: true, instance: 'per-call' } } }, source: PURE_APP });
    expect(app.compiled.map((c) => c.loadedAt)).toEqual([{ when: 'build' }]);
    const run = runApp(app);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([
      'app: before the first call',
      '[preinit-probe] preinit-probe: loading',
      'sum 332833500',
      '[preinit-probe] preinit-probe: loading',
      '[preinit-probe] preinit-probe: loading',
      'counts 1 1',
    ]);
  });

  it('a package whose top-level code reads the clock, randomness or a granted variable (even catching the refusal) is loaded at its first call, with the run\'s values', async () => {
    const source = `
      import probe from 'preinit-probe/reads-host';
      const before = Date.now();
      const got = probe.atLoad();
      console.log(JSON.stringify({ before, after: Date.now(), ...got }));
    `;
    const app = await buildApp('preinit-reads-host', { policy: { packages: { 'preinit-probe': { isolate: true, allow: { env: ['PREINIT_PROBE_VALUE'] } } } }, source });
    expect(app.compiled).toHaveLength(1);
    expect(app.compiled[0]!.loadedAt).toEqual({ when: 'first call', why: "the package's top-level code called clock.now" });
    const runs = ['first', 'second'].map((value) => runApp(app, { PREINIT_PROBE_VALUE: value }));
    for (const [i, run] of runs.entries()) {
      expect(run.status, run.stderr).toBe(0);
      const got = run.result as { before: number; after: number; loadedAt: number; random: number; bytes: number[]; variable: string };
      expect(got.variable).toBe(['first', 'second'][i]);
      expect(got.loadedAt).toBeGreaterThanOrEqual(got.before);
      expect(got.loadedAt).toBeLessThanOrEqual(got.after);
      expect(got.random).toBeGreaterThanOrEqual(0);
      expect(got.bytes).toHaveLength(8);
    }
    const [a, b] = runs.map((r) => r.result as { random: number; bytes: number[] });
    expect(a!.random).not.toBe(b!.random);
    expect(a!.bytes).not.toEqual(b!.bytes);
  });

  it('a package that reads the clock in a promise job its top-level code queued is loaded at its first call too', async () => {
    const source = `
      import probe from 'preinit-probe/reads-later';
      const before = Date.now();
      const first = probe.later();
      const second = probe.later();
      console.log(JSON.stringify({ before, after: Date.now(), first, second }));
    `;
    const app = await buildApp('preinit-reads-later', { policy: { packages: { 'preinit-probe': { isolate: true } } }, source });
    expect(app.compiled.map((c) => c.loadedAt)).toEqual([{ when: 'first call', why: "the package's top-level code called clock.now" }]);
    const run = runApp(app);
    expect(run.status, run.stderr).toBe(0);
    const got = run.result as { before: number; after: number; first: unknown; second: number };
    // Loaded by the first call, whose job queue runs when it returns: the second call sees the time it read.
    expect(got.first).toBe('pending');
    expect(got.second).toBeGreaterThanOrEqual(got.before);
    expect(got.second).toBeLessThanOrEqual(got.after);
  });
});
