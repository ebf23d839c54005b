/**
 * The guest's side of handles.
 * - Guest values the host may not copy (functions, classes, class instances, promises) get an id here and
 *   cross as {"$t":"h"}. The host sends them back by id; they stay alive until the host reports that it
 *   dropped every copy it was sent (each send is counted, so a late release never frees a value re-sent since).
 * - Host callbacks arrive as {"$t":"cb"} and become guest functions that call the host through
 *   `invoke-callback`; when such a function is garbage collected the host is told to drop its entry.
 */
import { decodeMarked, encode, isDataObject, type Encoded, type Handles, type HandleKind } from '@isolate-deps/boundary';
import { invokeCallback, releaseCallbacks, settle } from 'isolate:guest/boundary';
import { hostObjectProxy, syncStoredObjects } from './host-object-proxy.ts';

type AnyFunction = (...args: unknown[]) => unknown;

// Host callbacks held before the guest checks which of its stand-ins were collected.
const SWEEP_MIN = 64;

interface CallbackEntry {
  /** A host function's stand-in, or a live host object's (host-object-proxy.ts). */
  fn: WeakRef<object>;
  received: number;
}

export class GuestHandles implements Handles {
  private nextId = 1;
  private readonly values = new Map<number, object>();
  private readonly ids = new Map<object, number>();
  private readonly sent = new Map<number, number>();
  private readonly callbacks = new Map<number, CallbackEntry>();
  private readonly callbackIds = new WeakMap<object, number>();
  private readonly droppedCallbacks: number[] = [];
  private sweepAt = SWEEP_MIN;
  private readonly callbackRegistry =
    typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<number>((id) => this.callbackCollected(id)) : undefined;

  /** `resolvePath` finds a member of a root module ("0:parse") for a host facade sent back by reference. */
  constructor(private readonly resolvePath: (path: string) => unknown) {}

  send(value: object): Encoded | undefined {
    const callbackId = this.callbackIds.get(value);
    if (callbackId !== undefined) return { $t: 'cb', id: callbackId };
    if (typeof value !== 'function' && isDataObject(value)) return undefined;
    if (value instanceof Promise) return this.sendPromise(value);
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(value, id);
      this.values.set(id, value);
    }
    this.sent.set(id, (this.sent.get(id) ?? 0) + 1);
    const kind: HandleKind = typeof value !== 'function' ? 'object' : isClass(value) ? 'class' : 'function';
    return { $t: 'h', id, k: kind, n: typeof value === 'function' ? String((value as AnyFunction).name ?? '') : '' };
  }

  receive(record: Readonly<Record<string, unknown>>): unknown {
    if (record.$t === 'h') {
      if (typeof record.p === 'string') return this.resolvePath(record.p);
      const value = typeof record.id === 'number' ? this.values.get(record.id) : undefined;
      if (value === undefined) throw new ReferenceError(`isolate-deps: handle ${String(record.id)} was released`);
      return value;
    }
    if (typeof record.id !== 'number') throw new TypeError('isolate-deps: bad callback reference');
    return this.callback(record.id, typeof record.n === 'string' ? record.n : '', typeof record.o === 'string' ? record.o : undefined);
  }

  /** The guest value a handle id stands for. */
  valueOf(id: number): object {
    const value = this.values.get(id);
    if (value === undefined) throw new ReferenceError(`isolate-deps: handle ${id} was released`);
    return value;
  }

  /** The host dropped `count` copies of each id. */
  release(pairs: unknown[]): void {
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      const id = pairs[i] as number;
      const left = (this.sent.get(id) ?? 0) - (pairs[i + 1] as number);
      if (left > 0) {
        this.sent.set(id, left);
        continue;
      }
      const value = this.values.get(id);
      if (value !== undefined) this.ids.delete(value);
      this.values.delete(id);
      this.sent.delete(id);
    }
  }

  stats(): { handles: number; callbacks: number } {
    return { handles: this.values.size, callbacks: this.callbacks.size };
  }

  /** Tells the host which of its callbacks the guest no longer holds (called at the start of each call). */
  flushDroppedCallbacks(): void {
    // The engine may never run FinalizationRegistry jobs (no event loop); its GC still clears WeakRefs.
    if (this.callbacks.size >= this.sweepAt) this.sweepCallbacks();
    if (this.droppedCallbacks.length === 0) return;
    releaseCallbacks(new Uint32Array(this.droppedCallbacks.splice(0)));
  }

  private sweepCallbacks(): void {
    for (const id of [...this.callbacks.keys()]) this.callbackCollected(id);
    this.sweepAt = Math.max(SWEEP_MIN, this.callbacks.size * 2);
  }

  private callbackCollected(id: number): void {
    const entry = this.callbacks.get(id);
    if (!entry || entry.fn.deref() !== undefined) return;
    this.callbacks.delete(id);
    this.droppedCallbacks.push(id, entry.received);
  }

  /** A host function's stand-in, or with `liveObject` (its kind) a live host object's. */
  private callback(id: number, name: string, liveObject: string | undefined): object {
    const entry = this.callbacks.get(id);
    const existing = entry?.fn.deref();
    if (entry && existing) {
      entry.received += 1;
      return existing;
    }
    const handles = this;
    const fn = liveObject !== undefined
      ? hostObjectProxy(liveObject, (request) => handles.settleReply(invokeCallback(id, encode(request, handles))))
      : {
          [name](this: unknown, ...args: unknown[]): unknown {
            syncStoredObjects(false);
            return handles.settleReply(invokeCallback(id, encode([this, ...args], handles)));
          },
        }[name]!;
    this.callbacks.set(id, { fn: new WeakRef(fn), received: (entry?.received ?? 0) + 1 });
    this.callbackIds.set(fn, id);
    this.callbackRegistry?.register(fn, id);
    return fn;
  }

  private settleReply(reply: string): unknown {
    const value = reply.length > 1 ? decodeMarked(reply.slice(1), this) : undefined;
    if (reply[0] === '0') return value;
    throw value;
  }

  private sendPromise(promise: Promise<unknown>): Encoded {
    const id = this.nextId++;
    promise.then(
      (value) => settle(id, `0${safeEncode(value, this)}`),
      (error: unknown) => settle(id, `1${encodeThrown(error, this)}`),
    );
    return { $t: 'h', id, k: 'promise', n: '' };
  }
}

function safeEncode(value: unknown, handles: Handles): string {
  try {
    return encode(value, handles);
  } catch (error) {
    return encode(new TypeError(`isolate-deps: the result could not be sent to the host: ${(error as Error)?.message}`));
  }
}

/** Encodes a thrown value as an Error for the host; never throws itself. */
export function encodeThrown(error: unknown, handles?: Handles): string {
  try {
    if (error instanceof Error) return encode(error, handles);
    return encode(Object.assign(new Error(`non-Error thrown: ${describeThrown(error)}`), { thrown: error }), handles);
  } catch {
    return encode(new Error('isolate-deps: the guest threw a value that could not be sent'));
  }
}

function describeThrown(value: unknown): string {
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}

function isClass(fn: object): boolean {
  try {
    return Function.prototype.toString.call(fn).startsWith('class');
  } catch {
    return false;
  }
}
