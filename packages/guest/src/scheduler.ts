/**
 * setTimeout/setInterval/setImmediate for the guest. The engine's own timers need WASI clocks, which a pure
 * component does not import (calling them traps), so timers are kept here and run:
 * - once the current call's promise jobs have settled, for every timer that is due (so a 0 ms timer
 *   behaves as a macrotask, as packages expect);
 * - at the start of each later call into the package, for timers that fell due in between.
 * A timer never fires while the package is idle: there is no event loop in the component between calls.
 */
import { monotonic } from 'isolate:guest/clock';

type Callback = (...args: unknown[]) => void;

interface Timer {
  id: number;
  deadline: bigint;
  callback: Callback;
  args: unknown[];
  /** Milliseconds between runs of an interval; undefined for a one-shot timer. */
  interval: number | undefined;
}

const timers = new Map<number, Timer>();
let nextId = 1;
let drainQueued = false;

const MS = 1_000_000n;
const delayOf = (ms: unknown) => BigInt(Math.max(0, Math.floor(Number(ms) || 0))) * MS;

/** Node's Timeout object: also usable as a number (`+timeout`), as browser-style code expects. */
class Timeout {
  constructor(readonly id: number) {}
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  hasRef(): boolean {
    return true;
  }
  refresh(): this {
    const timer = timers.get(this.id);
    if (timer) timer.deadline = monotonic() + delayOf(timer.interval ?? 0);
    return this;
  }
  close(): this {
    timers.delete(this.id);
    return this;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

function queueDrain(): void {
  if (drainQueued) return;
  drainQueued = true;
  // Two hops: promise jobs queued by the caller in the same turn run first, as before a macrotask.
  Promise.resolve()
    .then(() => undefined)
    .then(() => {
      drainQueued = false;
      runDueTimers();
    });
}

function schedule(callback: Callback, ms: unknown, args: unknown[], repeat: boolean): Timeout {
  if (typeof callback !== 'function') throw Object.assign(new TypeError('The "callback" argument must be of type function'), { code: 'ERR_INVALID_ARG_TYPE' });
  const id = nextId++;
  const interval = repeat ? Math.max(1, Number(ms) || 0) : undefined;
  timers.set(id, { id, deadline: monotonic() + delayOf(ms), callback, args, interval });
  queueDrain();
  return new Timeout(id);
}

function cancel(handle: unknown): void {
  if (handle === undefined || handle === null) return;
  timers.delete(typeof handle === 'object' ? Number(handle) : Number(handle));
}

/** Runs every timer that is due, in deadline order; an interval runs at most once per pass. */
export function runDueTimers(): void {
  if (timers.size === 0) return;
  const now = monotonic();
  const due = [...timers.values()].filter((t) => t.deadline <= now).sort((a, b) => (a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : a.id - b.id));
  for (const timer of due) {
    if (!timers.has(timer.id)) continue; // cleared by an earlier callback
    if (timer.interval === undefined) timers.delete(timer.id);
    else timer.deadline = now + delayOf(timer.interval);
    try {
      timer.callback(...timer.args);
    } catch (error) {
      console.error('Uncaught exception in a timer:', error);
    }
  }
}

/** Milliseconds until the earliest timer is due (0 when one is due now), or null without timers: the host's pump sleeps that long. */
export function nextTimerDelay(): number | null {
  if (timers.size === 0) return null;
  let earliest: bigint | undefined;
  for (const timer of timers.values()) if (earliest === undefined || timer.deadline < earliest) earliest = timer.deadline;
  const left = earliest! - monotonic();
  return left <= 0n ? 0 : Number(left / MS);
}

export function installTimers(): void {
  const globals = globalThis as unknown as Record<string, unknown>;
  globals.setTimeout = (callback: Callback, ms?: number, ...args: unknown[]) => schedule(callback, ms, args, false);
  globals.setInterval = (callback: Callback, ms?: number, ...args: unknown[]) => schedule(callback, ms, args, true);
  globals.setImmediate = (callback: Callback, ...args: unknown[]) => schedule(callback, 0, args, false);
  globals.clearTimeout = cancel;
  globals.clearInterval = cancel;
  globals.clearImmediate = cancel;
}
