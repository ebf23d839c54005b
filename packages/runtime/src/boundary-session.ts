/**
 * The host's side of handles for one component instance.
 * - Guest handles ({"$t":"h"}) become host proxies: calling, constructing, reading or writing one is a call into
 *   the instance that owns it. A proxy keeps its identity while alive; when it is garbage collected, a
 *   FinalizationRegistry tells the guest (with the number of times the id was received) to drop the value.
 * - Host functions passed in become callbacks ({"$t":"cb"}) that the guest calls through `invoke-callback`.
 * - A guest promise becomes a host Promise, settled when the guest calls `settle`.
 * - The guest's timers fire on the host's event loop through one host timer (guest-timer.ts).
 */
import { ArgumentWatch, BoundaryDecodeError, DEFAULT_MAX_DECODE_LENGTH, decode, encodeMarked, frameWriteBack, handleRef, mayChange, Op, type Encoded, type Handles, type HandleKind } from '@isolate-deps/boundary';
import { guestProxy } from './guest-proxy.ts';
import { GuestTimer } from './guest-timer.ts';
import { isLiveHostObject, kindOf, performOnHostObject, type HostObjectKind } from './host-object-membrane.ts';

/** What a session needs from its package: a call into this very instance. */
export interface SessionOwner {
  readonly packageName: string;
  callIn(session: BoundarySession | undefined, target: string, args: unknown[]): unknown;
  /** Maps a guest error record to the host's typed error (capability denials, re-entrancy). */
  hostError(value: unknown): Error;
}

type AnyFunction = (...args: unknown[]) => unknown;

interface ProxyRecord {
  session: BoundarySession;
  id: number;
  /** How many times the guest sent this id while the proxy lived: all are released together. */
  received: number;
}

interface CallbackEntry {
  fn: AnyFunction;
  sent: number;
  /** Set for a live host object (see host-object-membrane.ts): the guest's calls are operations on it. */
  kind?: HostObjectKind;
}

/** Host values that stand for guest values, with the session and id they belong to. */
const proxyRecords = new WeakMap<object, ProxyRecord>();
/**
 * Facade members (module functions and objects): sent back by path, so the guest gets its own value.
 * Kept on a global symbol: an app may bundle two copies of the runtime (the facade's and its own import).
 */
const FACADES = Symbol.for('isolate-deps.facade-members');
const facadeRecords: WeakMap<object, { owner: SessionOwner; path: string }> = ((globalThis as Record<symbol, unknown>)[FACADES] ??= new WeakMap()) as WeakMap<object, { owner: SessionOwner; path: string }>;

/** A host proxy of a guest value or a facade member: reading one would call into the guest. */
export const isStandIn = (value: object): boolean => proxyRecords.has(value) || facadeRecords.has(value);

/** Marks a facade member so that passing it back into its own package hands over the original. */
export function registerFacadeMember(value: object, owner: SessionOwner, path: string): void {
  facadeRecords.set(value, { owner, path });
}

/** The package behind a facade member, for boundaryStats. */
export function facadeOwner(value: object): SessionOwner | undefined {
  return facadeRecords.get(value)?.owner;
}

// Settlements that arrive during a call for promises its reply has not announced yet: kept for that call only.
const MAX_EARLY_SETTLEMENTS = 1_000;
const MAX_EARLY_CHARS = DEFAULT_MAX_DECODE_LENGTH;
// Guest promises the host waits on at once; past this a new one is refused (each holds its resolvers).
const MAX_PENDING_PROMISES = 10_000;
const RELEASE_DELAY_MS = 10;
const MAX_CALLBACKS = 10_000;

export class BoundarySession implements Handles {
  private owner: SessionOwner | undefined;
  private readonly proxies = new Map<number, WeakRef<object>>();
  private readonly registry = new FinalizationRegistry<ProxyRecord>((record) => this.proxyCollected(record));
  private readonly pendingRelease: number[] = [];
  private releaseTimer: NodeJS.Timeout | undefined;
  private nextCallbackId = 1;
  private readonly callbacks = new Map<number, CallbackEntry>();
  private readonly callbackIds = new WeakMap<object, number>();
  private readonly promises = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  // A guest promise can settle before the reply that announces it has been read (within the same call).
  private readonly early = new Map<number, string>();
  private earlyChars = 0;
  private disposed = false;
  private onSettled: (() => void) | undefined;
  private timer: GuestTimer | undefined;
  private timerReported = false;

  /** Binds the session to the package that runs its instance (done on the first call). */
  bind(owner: SessionOwner): void {
    this.owner ??= owner;
  }

  /** The host functions the component imports through `isolate:guest/boundary`. */
  imports(): Record<string, unknown> {
    return {
      invokeCallback: (id: number, args: string) => this.invokeCallback(id, args),
      settle: (id: number, outcome: string) => this.settle(id, outcome),
      releaseCallbacks: (pairs: Uint32Array) => this.releaseCallbacks(pairs),
      setTimer: (delayMs: unknown, keepAlive: unknown) => this.setTimer(delayMs, keepAlive),
    };
  }

  /** Runs `callback` once no promise of this instance is pending any more (settled, or rejected by dispose). */
  whenSettled(callback: () => void): void {
    this.onSettled = callback;
  }

  private settledAll(): void {
    const callback = this.onSettled;
    this.onSettled = undefined;
    callback?.();
  }

  /** The instance is gone: its handles can no longer be used, pending promises fail. */
  dispose(reason: string): void {
    if (this.disposed) return;
    this.disposed = true;
    // Only built when a promise needs it: a per-call instance is disposed after every call.
    if (this.promises.size > 0) {
      const error = new IsolateHandleExpiredError(this.owner?.packageName ?? '?', reason);
      for (const { reject } of this.promises.values()) reject(error);
      this.promises.clear();
    }
    this.callbacks.clear();
    this.callEnded();
    this.timer?.dispose();
    this.settledAll();
  }

  /**
   * A reply of this instance has been read: settlements no announced promise claimed are dropped (a guest
   * settling ids it never sent must not make the host hold them), and a timer run that found it busy goes now.
   */
  callEnded(): void {
    if (this.early.size > 0) {
      this.early.clear();
      this.earlyChars = 0;
    }
    this.timer?.callEnded();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  stats(): { proxies: number; callbacks: number; pendingPromises: number } {
    return { proxies: this.proxies.size, callbacks: this.callbacks.size, pendingPromises: this.promises.size };
  }

  send(value: object): Encoded | undefined {
    const proxy = proxyRecords.get(value);
    if (proxy && proxy.session === this) return { $t: 'h', id: proxy.id };
    const facade = facadeRecords.get(value);
    if (facade && facade.owner === this.owner) return { $t: 'h', p: facade.path };
    if (typeof value === 'function') return this.sendCallback(value as AnyFunction);
    if (isLiveHostObject(value)) return this.sendCallback(value as AnyFunction, kindOf(value));
    return undefined;
  }

  receive(record: Readonly<Record<string, unknown>>): unknown {
    if (typeof record.id !== 'number' || !Number.isInteger(record.id) || record.id < 0) throw new BoundaryDecodeError('bad handle id');
    const id = record.id;
    if (record.$t === 'cb') {
      const entry = this.callbacks.get(id);
      if (!entry) throw new BoundaryDecodeError(`unknown callback ${id}`);
      return entry.fn;
    }
    const kind = record.k;
    if (kind === 'promise') return this.receivePromise(id);
    if (kind !== 'function' && kind !== 'class' && kind !== 'object') throw new BoundaryDecodeError(`bad handle kind ${JSON.stringify(kind)}`);
    const alive = this.proxies.get(id)?.deref();
    if (alive) {
      proxyRecords.get(alive)!.received += 1;
      return alive;
    }
    const proxy = this.createProxy(id, kind, typeof record.n === 'string' ? record.n : '', parameterCount(record.l));
    const proxyRecord: ProxyRecord = { session: this, id, received: 1 };
    proxyRecords.set(proxy, proxyRecord);
    this.proxies.set(id, new WeakRef(proxy));
    this.registry.register(proxy, proxyRecord);
    return proxy;
  }

  /**
   * A guest error of the package's own class was rebuilt as a host error: the host error stands for the guest's
   * original from now on, so `instanceof` (which asks the guest) and passing it back in reach the original.
   * Its prototype stays the host's built-in error class: nothing the guest sends picks a host prototype.
   */
  adoptError(record: Readonly<Record<string, unknown>>, error: Error): void {
    if (record.$t !== 'h' || typeof record.id !== 'number' || !Number.isInteger(record.id) || record.id < 0) throw new BoundaryDecodeError('bad error handle');
    const proxyRecord: ProxyRecord = { session: this, id: record.id, received: 1 };
    proxyRecords.set(error, proxyRecord);
    this.proxies.set(record.id, new WeakRef(error));
    this.registry.register(error, proxyRecord);
  }

  private call(op: string, ref: string, args: unknown[]): unknown {
    if (!this.owner) throw new Error('isolate-deps: handle used before its instance was bound');
    return this.owner.callIn(this, op + ref, args);
  }

  private createProxy(id: number, kind: HandleKind, name: string, length: number): object {
    const ref = handleRef(id);
    return guestProxy(kind, name, (op, args) => this.call(op, ref, args), length);
  }

  private proxyCollected(record: ProxyRecord): void {
    const current = this.proxies.get(record.id);
    if (current && current.deref() === undefined) this.proxies.delete(record.id);
    if (this.disposed) return;
    this.pendingRelease.push(record.id, record.received);
    this.releaseTimer ??= setTimeout(() => this.flushReleases(), RELEASE_DELAY_MS).unref();
  }

  /** Tells the guest which handles the host dropped; retried later if the instance is busy. */
  flushReleases(): void {
    this.releaseTimer = undefined;
    if (this.disposed || this.pendingRelease.length === 0 || !this.owner) return;
    const pairs = this.pendingRelease.splice(0);
    try {
      this.owner.callIn(this, Op.release, pairs);
    } catch {
      // The instance was busy or is gone; a gone instance took its handles with it.
      if (!this.disposed) {
        this.pendingRelease.push(...pairs);
        this.releaseTimer ??= setTimeout(() => this.flushReleases(), RELEASE_DELAY_MS).unref();
      }
    }
  }

  private sendCallback(fn: AnyFunction, kind?: HostObjectKind): Encoded {
    let id = this.callbackIds.get(fn);
    let entry = id === undefined ? undefined : this.callbacks.get(id);
    if (id === undefined || !entry) {
      id = this.nextCallbackId++;
      entry = kind === undefined ? { fn, sent: 0 } : { fn, sent: 0, kind };
      this.callbackIds.set(fn, id);
      this.callbacks.set(id, entry);
      // The guest engine never clears its weak references, so it rarely reports a callback dropped: bound the
      // table by evicting the least recently used entry (calling it from the guest then throws a clear error).
      if (this.callbacks.size > MAX_CALLBACKS) {
        const [oldest, evicted] = this.callbacks.entries().next().value as [number, CallbackEntry];
        this.callbacks.delete(oldest);
        this.callbackIds.delete(evicted.fn);
      }
    }
    entry.sent += 1;
    if (kind !== undefined) return { $t: 'cb', id, o: kind };
    return { $t: 'cb', id, n: typeof fn.name === 'string' ? fn.name : '', l: parameterCount(Object.getOwnPropertyDescriptor(fn, 'length')?.value) };
  }

  private invokeCallback(id: number, args: string): string {
    const entry = this.callbacks.get(id);
    let watched: { list: unknown[]; watch: ArgumentWatch } | undefined;
    try {
      if (!entry) throw Object.assign(new ReferenceError(`isolate-deps: host callback ${id} was released (more than ${MAX_CALLBACKS} callbacks were passed in since it was last used)`), { code: 'ERR_ISOLATE_CALLBACK_RELEASED' });
      // Most recently used last: eviction takes from the front.
      this.callbacks.delete(id);
      this.callbacks.set(id, entry);
      const list = decode(args, this, { from: this.from() });
      if (!Array.isArray(list)) throw new BoundaryDecodeError('callback arguments must be a list');
      if (entry.kind !== undefined) return `0${encodeMarked(performOnHostObject(entry.fn, list), this)}`;
      const [thisArg, ...rest] = list;
      if (mayChange(list)) watched = { list, watch: new ArgumentWatch(list, args, !args.includes('"$t"'), isStandIn) };
      return this.withWriteBack(`0${encodeMarked(Reflect.apply(entry.fn, thisArg, rest), this)}`, watched);
    } catch (error) {
      return this.withWriteBack(`1${encodeHostError(error)}`, watched);
    }
  }

  /** The callback changed guest objects it was passed: the reply carries them, and the guest applies the change. */
  private withWriteBack(reply: string, watched: { list: unknown[]; watch: ArgumentWatch } | undefined): string {
    if (!watched?.watch.changed()) return reply;
    try {
      return frameWriteBack(reply, encodeMarked(watched.list, this));
    } catch {
      return reply;
    }
  }

  private releaseCallbacks(pairs: Uint32Array): void {
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      const entry = this.callbacks.get(pairs[i]!);
      if (!entry) continue;
      entry.sent -= pairs[i + 1]!;
      if (entry.sent <= 0) this.callbacks.delete(pairs[i]!);
    }
  }

  private receivePromise(id: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.disposed) {
        reject(new IsolateHandleExpiredError(this.owner?.packageName ?? '?', 'the instance was disposed before the promise settled'));
        return;
      }
      const early = this.early.get(id);
      if (early !== undefined) {
        this.early.delete(id);
        this.earlyChars -= early.length;
        this.resolveWith(early, resolve, reject);
      } else if (this.promises.size >= MAX_PENDING_PROMISES) {
        reject(Object.assign(new RangeError(`isolate-deps: "${this.owner?.packageName ?? '?'}" returned more than ${MAX_PENDING_PROMISES} promises that are still pending; this one is refused`), { code: 'ERR_ISOLATE_TOO_MANY_PROMISES' }));
      } else {
        this.promises.set(id, { resolve, reject });
      }
    });
  }

  private from(): string {
    return `"${this.owner?.packageName ?? '?'}"`;
  }

  /** The guest's next timer is due in `delayMs` (none: undefined); an unbound (build-time) instance runs no timers. */
  private setTimer(delayMs: unknown, keepAlive: unknown): void {
    const owner = this.owner;
    if (!owner || this.disposed) return;
    this.timerReported = true;
    // Busy: the instance refused the run without entering it (the guest reports its timers on every run). A
    // re-entrancy error from inside the run is a callback's own error (it called back into this package).
    this.timer ??= new GuestTimer(
      owner.packageName,
      () => {
        this.timerReported = false;
        owner.callIn(this, Op.timers, []);
      },
      (error) => (error as { code?: unknown } | null)?.code === 'ERR_ISOLATE_REENTRANT' && !this.timerReported,
    );
    this.timer.update(delayMs, keepAlive);
  }

  private settle(id: number, outcome: string): void {
    const pending = this.promises.get(id);
    if (!pending) {
      // Bounded and dropped when the call's reply has been read (callEnded): ids nothing announces go nowhere.
      if (this.early.size < MAX_EARLY_SETTLEMENTS && this.earlyChars + outcome.length <= MAX_EARLY_CHARS) {
        this.early.set(id, outcome);
        this.earlyChars += outcome.length;
      }
      return;
    }
    this.promises.delete(id);
    this.resolveWith(outcome, pending.resolve, pending.reject);
    // Settled during a call of this instance: the instance is released after it (see InstancePool.release).
    if (this.promises.size === 0 && this.onSettled) queueMicrotask(() => this.promises.size === 0 && this.settledAll());
  }

  private resolveWith(outcome: string, resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
    try {
      const value = outcome.length > 1 ? decode(outcome.slice(1), this, { from: this.from() }) : undefined;
      if (outcome[0] === '0') {
        // Resolving with an object reads its `then`: for a guest value that is a call into the guest, which must
        // wait until the call that settled the promise (still running: the guest settles from inside it) is over.
        if ((typeof value === 'object' && value !== null) || typeof value === 'function') queueMicrotask(() => resolve(value));
        else resolve(value);
      } else reject(this.owner ? this.owner.hostError(value) : value);
    } catch (error) {
      reject(error);
    }
  }
}

/**
 * Encodes an error thrown by host code for the guest; never throws. Only its name, message and a primitive
 * `code` cross: the host's stack (with the app's file paths) and its other fields stay on the host.
 */
export function encodeHostError(error: unknown): string {
  try {
    const source = (error instanceof Error ? error : new Error(`non-Error thrown: ${String(error)}`)) as Error & { code?: unknown };
    const copy = newErrorOfClass(String(source.name), String(source.message));
    const code = source.code;
    if (typeof code === 'string' || typeof code === 'number') (copy as Error & { code?: unknown }).code = code;
    return encodeMarked(copy);
  } catch {
    return encodeMarked(newErrorOfClass('Error', 'isolate-deps: a host callback threw a value that could not be sent'));
  }
}

const ERROR_CLASSES: Record<string, ErrorConstructor> = { Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };

/** An error with the given name and message and no stack: the guest's decoder gives it a stack of its own. */
function newErrorOfClass(name: string, message: string): Error {
  const error = new (Object.hasOwn(ERROR_CLASSES, name) ? ERROR_CLASSES[name]! : Error)(message);
  if (error.name !== name) Object.defineProperty(error, 'name', { value: name, configurable: true, writable: true, enumerable: false });
  Object.defineProperty(error, 'stack', { value: undefined, configurable: true, writable: true, enumerable: false });
  return error;
}

/** A handle outlived the instance that owned it (the instance trapped or was replaced). */
export class IsolateHandleExpiredError extends Error {
  readonly code = 'ERR_ISOLATE_HANDLE_EXPIRED';
  constructor(readonly packageName: string, reason: string) {
    super(`isolate-deps: a value returned by "${packageName}" belongs to an instance that is gone (${reason}); get a new one by calling the package again`);
    this.name = 'IsolateHandleExpiredError';
  }
}

/**
 * Handles for an instance that has no session (one running in a worker thread): values still copy, but
 * functions cannot be passed in and guest handles cannot be used, each with a clear error.
 */
export class DetachedHandles implements Handles {
  constructor(private readonly packageName: string) {}

  send(value: object): Encoded | undefined {
    if (typeof value === 'function') throw new TypeError(`isolate-deps: "${this.packageName}" runs in a worker (limits.timeoutMs); functions cannot be passed into it`);
    return undefined;
  }

  receive(record: Readonly<Record<string, unknown>>): unknown {
    const error = new TypeError(`isolate-deps: "${this.packageName}" runs in a worker (limits.timeoutMs); the ${String(record.k ?? 'value')} it returned cannot be used from the host`);
    if (record.k === 'promise') return Promise.reject(error);
    return () => {
      throw error;
    };
  }
}

/** A function's `length` as sent by the other side: a small non-negative integer, else 0. */
export function parameterCount(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65_535 ? value : 0;
}

const sessions = new WeakMap<object, BoundarySession>();

/** The session of the instance whose exports these are; none for an instance in a worker. */
export function sessionOf(guest: object): BoundarySession | undefined {
  return sessions.get(guest);
}

/** Wires a session into an in-thread instance: its boundary imports before instantiation, then its exports. */
export function withBoundarySession(imports: Record<string, Record<string, unknown>>, session: BoundarySession): Record<string, Record<string, unknown>> {
  imports['isolate:guest/boundary'] = { ...imports['isolate:guest/boundary'], ...session.imports() };
  return imports;
}

export function attachSession<T extends object>(guest: T, session: BoundarySession): T {
  sessions.set(guest, session);
  return guest;
}

/** The boundary imports of an instance without a session (in a worker): callbacks are refused, settlements dropped. */
export function detachedBoundaryImports(): Record<string, unknown> {
  return {
    invokeCallback: () => `1${encodeHostError(new TypeError('isolate-deps: host callbacks are not available to an instance in a worker'))}`,
    settle: () => undefined,
    releaseCallbacks: () => undefined,
    setTimer: () => undefined,
  };
}
