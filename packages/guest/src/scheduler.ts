/**
 * setTimeout/setInterval/setImmediate for the guest, with Node's timing. The component has no event loop of its
 * own: the host keeps one timer per instance that mirrors the guest's earliest timer (reported through
 * `isolate:guest/boundary`'s setTimer), and when it fires it calls in with Op.timers, which runs ONE callback.
 * One callback per call means the promise jobs (and process.nextTick) a callback queues run before the next
 * callback, as in Node, because the engine drains its job queue at the end of every call.
 *
 * Order as in Node's event loop: a "phase" is the timers due at its start (by due time, then creation order), then
 * the immediates queued until the timers are done (as Node's check phase); timers added meanwhile, and immediates
 * queued by immediates, wait for the next phase.
 * A Timeout with ref() (the default) keeps the host process alive until it fires; unref() lets it exit.
 */
import { setTimer } from 'isolate:guest/boundary';
import { monotonic } from 'isolate:guest/clock';

type Callback = (...args: any[]) => unknown;

/** Timers and immediates one instance may have pending at once: past this, setTimeout throws. */
export const MAX_TIMERS = 10_000;
// Node: a delay outside [1, TIMEOUT_MAX] becomes 1 ms.
const TIMEOUT_MAX = 2 ** 31 - 1;

// ---- time -----------------------------------------------------------------------------------------------
// With the clock granted, timers use the host's monotonic clock. Without it (the denied stand-in answers 0n),
// time is virtual: it stands still between timers and jumps to a timer's due time when the host fires it,
// so timers still run in order at the right moment without the package learning the time from anything else.
// Read lazily: the guest environment initialises at build time, when no import may be called.
let clockGranted: boolean | undefined;
let virtualNow = 0;
/** Node caches the loop's time per turn: timers started in the same turn share their start time. */
let turnNow: number | undefined;

function freshNow(): number {
  if (clockGranted === undefined) clockGranted = monotonic() !== 0n;
  return clockGranted ? Number(monotonic() / 1000n) / 1000 : virtualNow;
}

function now(): number {
  return (turnNow ??= freshNow());
}

/** A new call into the guest is a new turn of the (host's) event loop. */
export function beginTurn(): void {
  turnNow = undefined;
}

// ---- bookkeeping ----------------------------------------------------------------------------------------
interface Entry {
  timer: Timeout;
  due: number;
  seq: number;
}

/** Min-heap of pending timers by (due, seq); cleared or re-armed timers leave stale entries, skipped on the way. */
const heap: Entry[] = [];
/** Queued immediates, FIFO from `immediateHead`. */
let immediates: (Immediate | undefined)[] = [];
let immediateHead = 0;
/** The current phase (see the header): timers due by `phaseNow` created before `phaseSeq`, then `phaseImmediates` immediates (-1: timers still running). */
let phaseActive = false;
let phaseNow = 0;
let phaseSeq = 0;
let phaseImmediates = 0;
let nextSeq = 1;
let nextId = 1;
let pending = 0;
let refed = 0;
/** Timeouts turned into numbers (`+timeout`): clearTimeout accepts the number, as in Node. */
const byId = new Map<number, Timeout>();

const kEntry = Symbol('entry');
const kRefed = Symbol('refed');
const kActive = Symbol('active');
const kId = Symbol('id');

function before(a: Entry, b: Entry): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

// Plain moves, no destructuring swaps: guest code is interpreted, and those go through the iterator protocol.
function push(entry: Entry): void {
  let i = heap.length;
  heap.push(entry);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const above = heap[parent]!;
    if (!before(entry, above)) break;
    heap[i] = above;
    i = parent;
  }
  heap[i] = entry;
}

function pop(): Entry | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length === 0 || !last) return top;
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= heap.length) break;
    const right = left + 1;
    const child = right < heap.length && before(heap[right]!, heap[left]!) ? right : left;
    if (!before(heap[child]!, last)) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = last;
  return top;
}

const isLive = (entry: Entry): boolean => entry.timer[kEntry] === entry;

/** The earliest live heap entry, dropping stale ones from the top. */
function peek(): Entry | undefined {
  while (heap.length > 0 && !isLive(heap[0]!)) pop();
  return heap[0];
}

/** Drops stale entries when they outnumber live ones (refresh() in a loop must not grow the heap for ever). */
function compact(): void {
  if (heap.length < 64 || heap.length < 2 * pending) return;
  const live = heap.filter(isLive);
  heap.length = 0;
  for (const entry of live) push(entry);
}

function checkCapacity(): void {
  if (pending >= MAX_TIMERS) {
    throw Object.assign(new RangeError(`isolate-deps: this package has ${MAX_TIMERS} timers and immediates pending, the most an isolated package may have; clear some before adding more`), { code: 'ERR_ISOLATE_TOO_MANY_TIMERS' });
  }
}

function validateCallback(callback: unknown): asserts callback is Callback {
  if (typeof callback !== 'function') {
    throw Object.assign(new TypeError(`The "callback" argument must be of type function. Received ${callback === null ? 'null' : typeof callback}`), { code: 'ERR_INVALID_ARG_TYPE' });
  }
}

/** Node's coercion: anything that is not a number in [1, TIMEOUT_MAX] is 1 ms. */
function delayOf(ms: unknown): number {
  const after = Number(ms);
  return after >= 1 && after <= TIMEOUT_MAX ? after : 1;
}

// ---- telling the host -----------------------------------------------------------------------------------
let reportQueued = false;

/** Something changed: tell the host once the current turn's jobs have run (one import call per turn, not per timer). */
function changed(): void {
  if (reportQueued) return;
  reportQueued = true;
  queueMicrotask(report);
}

function report(): void {
  reportQueued = false;
  let delay: number | undefined;
  if (phaseActive || immediateHead < immediates.length) delay = 0;
  else {
    const next = peek();
    if (next) delay = Math.max(0, Math.ceil(next.due - freshNow()));
  }
  setTimer(delay, refed > 0);
}

function setActive(timer: Timeout, active: boolean): void {
  if (timer[kActive] === active) return;
  timer[kActive] = active;
  pending += active ? 1 : -1;
  if (timer[kRefed]) refed += active ? 1 : -1;
  if (!active) timer[kEntry] = undefined;
}

function arm(timer: Timeout, start: number): void {
  if (!timer[kActive]) checkCapacity();
  setActive(timer, true);
  timer._idleStart = start;
  const entry: Entry = { timer, due: start + timer._idleTimeout, seq: nextSeq++ };
  timer[kEntry] = entry;
  push(entry);
  compact();
  changed();
}

function disarm(timer: Timeout): void {
  if (!timer[kActive]) return;
  setActive(timer, false);
  byId.delete(timer[kId]);
  changed();
}

// ---- the public objects ---------------------------------------------------------------------------------
/** Node's Timeout: what setTimeout and setInterval return. */
export class Timeout {
  // Node's own fields, in Node's order (some packages read _idleTimeout or _onTimeout).
  _idleTimeout: number;
  _idlePrev: null = null;
  _idleNext: null = null;
  _idleStart = 0;
  _onTimeout: Callback | null;
  _timerArgs: unknown[] | undefined;
  _repeat: number | null;
  _destroyed = false;
  [kEntry]: Entry | undefined;
  [kRefed] = true;
  [kActive] = false;
  readonly [kId] = nextId++;

  constructor(callback: Callback, after: unknown, args: unknown[] | undefined, repeat: boolean) {
    this._idleTimeout = delayOf(after);
    this._onTimeout = callback;
    this._timerArgs = args;
    this._repeat = repeat ? this._idleTimeout : null;
  }

  ref(): this {
    if (!this[kRefed]) {
      this[kRefed] = true;
      if (this[kActive]) refed += 1;
      changed();
    }
    return this;
  }

  unref(): this {
    if (this[kRefed]) {
      this[kRefed] = false;
      if (this[kActive]) refed -= 1;
      changed();
    }
    return this;
  }

  hasRef(): boolean {
    return this[kRefed];
  }

  /** Restarts the countdown from now; as in Node, this also re-arms a timer that has already fired (not a cleared one). */
  refresh(): this {
    if (!this._destroyed && this._onTimeout) arm(this, now());
    return this;
  }

  close(): this {
    clearTimeout(this);
    return this;
  }

  [Symbol.toPrimitive](): number {
    if (this[kActive]) byId.set(this[kId], this);
    return this[kId];
  }
}

/** Node's Immediate: what setImmediate returns. */
export class Immediate {
  _onImmediate: Callback | null;
  _argv: unknown[] | undefined;
  _destroyed = false;
  [kRefed] = true;

  constructor(callback: Callback, args: unknown[] | undefined) {
    this._onImmediate = callback;
    this._argv = args;
  }

  ref(): this {
    if (!this[kRefed]) {
      this[kRefed] = true;
      if (!this._destroyed) refed += 1;
      changed();
    }
    return this;
  }

  unref(): this {
    if (this[kRefed]) {
      this[kRefed] = false;
      if (!this._destroyed) refed -= 1;
      changed();
    }
    return this;
  }

  hasRef(): boolean {
    return this[kRefed];
  }
}

/** Extra arguments past `skip`, as Node collects them (its functions declare three, which sets their length). */
function extraArguments(list: IArguments, skip: number): unknown[] | undefined {
  return list.length > skip ? Array.prototype.slice.call(list, skip) : undefined;
}

export function setTimeout(callback: Callback, after?: unknown, _arg1?: unknown, _arg2?: unknown, _arg3?: unknown): Timeout {
  validateCallback(callback);
  const timer = new Timeout(callback, after, extraArguments(arguments, 2), false);
  arm(timer, now());
  return timer;
}

export function setInterval(callback: Callback, repeat?: unknown, _arg1?: unknown, _arg2?: unknown, _arg3?: unknown): Timeout {
  validateCallback(callback);
  const timer = new Timeout(callback, repeat, extraArguments(arguments, 2), true);
  arm(timer, now());
  return timer;
}

export function clearTimeout(timer: unknown): void {
  if (timer instanceof Timeout) {
    timer._onTimeout = null;
    timer._destroyed = true;
    timer._idleTimeout = -1;
    disarm(timer);
  } else if (typeof timer === 'number' || typeof timer === 'string') {
    const known = byId.get(Number(timer));
    if (known) clearTimeout(known);
  }
}

export function clearInterval(timer: unknown): void {
  clearTimeout(timer);
}

export function setImmediate(callback: Callback, _arg1?: unknown, _arg2?: unknown, _arg3?: unknown): Immediate {
  validateCallback(callback);
  checkCapacity();
  const immediate = new Immediate(callback, extraArguments(arguments, 1));
  immediates.push(immediate);
  pending += 1;
  refed += 1;
  changed();
  return immediate;
}

export function clearImmediate(immediate: unknown): void {
  if (!(immediate instanceof Immediate) || immediate._destroyed) return;
  immediate._destroyed = true;
  immediate._onImmediate = null;
  pending -= 1;
  if (immediate[kRefed]) refed -= 1;
  changed();
}

// ---- running --------------------------------------------------------------------------------------------
/** Starts a phase: the timers due now, then the immediates queued so far. */
function startPhase(): void {
  const first = peek();
  // Virtual time: the host fired because the earliest timer is due, so that is what time it is now.
  if (clockGranted === false && first && immediateHead === immediates.length && first.due > virtualNow) {
    virtualNow = first.due;
    turnNow = undefined;
  }
  phaseActive = true;
  phaseNow = now();
  phaseSeq = nextSeq;
  phaseImmediates = -1;
}

/** The phase's next timer entry or immediate, taken one at a time (a phase may hold thousands). */
function nextInPhase(): Entry | Immediate | undefined {
  const top = peek();
  if (phaseImmediates < 0) {
    if (top && top.due <= phaseNow && top.seq < phaseSeq) return pop();
    // As Node's check phase: the immediates queued so far, including by this phase's timers; not those they queue.
    phaseImmediates = immediates.length - immediateHead;
  }
  while (phaseImmediates > 0) {
    phaseImmediates -= 1;
    const immediate = immediates[immediateHead]!;
    immediates[immediateHead++] = undefined;
    if (immediateHead > 1024 && immediateHead * 2 > immediates.length) {
      immediates = immediates.slice(immediateHead);
      immediateHead = 0;
    }
    if (!immediate._destroyed) return immediate;
  }
  phaseActive = false;
  return undefined;
}

/**
 * Op.timers: runs the next callback that is due (at most one), with `this` the Timeout or Immediate, as Node
 * does. An exception it throws is rethrown to the host after the bookkeeping is done, so the other timers
 * are not affected.
 */
export function runNextTimer(): void {
  changed(); // the host learns what is due next, whatever the callback does
  // A phase that ends with nothing left to run (cleared timers) is followed by the next one in the same call.
  for (let phases = 0; phases < 2; phases++) {
    if (!phaseActive) startPhase();
    for (let item = nextInPhase(); item; item = nextInPhase()) {
      if (item instanceof Immediate) {
        const callback = item._onImmediate!;
        clearImmediate(item);
        Reflect.apply(callback, item, item._argv ?? []);
        return;
      }
      if (!isLive(item) || !item.timer._onTimeout) continue; // cleared, or re-armed since
      const timer = item.timer;
      const callback = timer._onTimeout!;
      const start = now();
      if (timer._repeat === null) disarm(timer);
      else setActive(timer, false);
      try {
        Reflect.apply(callback, timer, timer._timerArgs ?? []);
      } finally {
        // An interval goes on from the time it was due to run, unless its callback cleared or refreshed it.
        if (timer._repeat !== null && !timer._destroyed && !timer[kActive]) {
          timer._idleTimeout = timer._repeat;
          arm(timer, start);
        }
      }
      return;
    }
  }
}

/** Milliseconds until the next callback is due (0: now), or null without any: for boundaryStats. */
export function nextTimerDelay(): number | null {
  if (phaseActive || immediateHead < immediates.length) return 0;
  const next = peek();
  return next ? Math.max(0, Math.ceil(next.due - freshNow())) : null;
}

export function installTimers(): void {
  const globals = globalThis as unknown as Record<string, unknown>;
  Object.assign(globals, { setTimeout, setInterval, setImmediate, clearTimeout, clearInterval, clearImmediate });
}
