import { afterEach, describe, expect, it } from 'vitest';
import { GuestTimer } from './guest-timer.ts';

// What the guest reports through set-timer is guest input: whatever it says, the host holds one timer, never
// a Node overflow (which would fire in 1 ms), and is ref'd only when told `true`. Runs on the real event loop.

const timersHeld = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout' || kind === 'Immediate').length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const created: GuestTimer[] = [];
function guestTimer(runNext: () => void = () => {}): GuestTimer {
  const timer = new GuestTimer('hostile', runNext, () => false);
  created.push(timer);
  return timer;
}

afterEach(() => {
  for (const timer of created.splice(0)) timer.dispose();
});

describe('the host timer that mirrors a guest\'s timers', () => {
  it('holds one timer per instance, ref\'d only for keep-alive === true, whatever the guest reports', () => {
    const baseline = timersHeld();
    const timer = guestTimer();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      for (const delay of [2 ** 40, 0xffffffff, Number.NaN, -5, Infinity, '10', null, {}, 1.5]) {
        timer.update(delay, true);
        expect(timersHeld() - baseline).toBeLessThanOrEqual(1);
      }
      timer.update(2 ** 40, true);
      expect(timersHeld()).toBe(baseline + 1);
      for (const keepAlive of [false, 1, 'true', {}, undefined]) {
        timer.update(50, keepAlive);
        expect(timersHeld()).toBe(baseline); // unref'd: not an active resource
      }
      timer.update(undefined, true);
      expect(timersHeld()).toBe(baseline);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  });

  it('a guest that is always due yields to the host: host timers keep ticking, runs are batched', async () => {
    let runs = 0;
    const timer = guestTimer(() => {
      runs += 1;
      const end = performance.now() + 0.2; // each guest callback takes 0.2 ms
      while (performance.now() < end);
      timer.update(0, true);
    });
    timer.update(0, true);
    let ticks = 0;
    const tick = setInterval(() => (ticks += 1), 10);
    await sleep(300);
    clearInterval(tick);
    timer.dispose();
    // Many runs (hundreds on an idle machine; a loaded one gives this process a fraction of a core).
    expect(runs).toBeGreaterThan(20);
    // About 30 ticks in 300 ms: a host stalled by the guest would not tick at all.
    expect(ticks).toBeGreaterThan(10);
  });

  it('reports a throwing callback and goes on with the next one; a disposed timer never runs again', async () => {
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (line: unknown) => errors.push(line);
    let runs = 0;
    const timer = guestTimer(() => {
      runs += 1;
      timer.update(runs < 3 ? 0 : undefined, false);
      throw new Error(`callback ${runs} failed`);
    });
    try {
      timer.update(0, false);
      // Usually one host turn; a loaded machine can spread the runs over several (each turn is capped at 10 ms).
      for (const started = performance.now(); runs < 3 && performance.now() - started < 2_000; ) await sleep(5);
      await sleep(20);
      expect(runs).toBe(3);
      expect(errors).toHaveLength(3);
      expect(String(errors[0])).toMatch(/^\[hostile\] Uncaught exception in a timer callback: Error: callback 1 failed/);
      timer.update(1, true);
      timer.dispose();
      await sleep(20);
      expect(runs).toBe(3);
    } finally {
      console.error = original;
    }
  });
});
