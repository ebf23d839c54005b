/**
 * The guest's side of handles.
 * - Guest values the host may not copy (functions, classes, class instances, promises) get an id here and
 *   cross as {"$t":"h"}. The host sends them back by id; they stay alive until the host reports that it
 *   dropped every copy it was sent (each send is counted, so a late release never frees a value re-sent since).
 * - Host callbacks arrive as {"$t":"cb"} and become guest functions that call the host through
 *   `invoke-callback`; when such a function is garbage collected the host is told to drop its entry.
 */
import { applyWriteBack, decodeMarked, encode, isDataObject, splitWriteBack, type Encoded, type Handles, type HandleKind } from '@isolate-deps/boundary';
import { invokeCallback, releaseCallbacks, settle } from 'isolate:guest/boundary';
import { hostObjectProxy, syncStoredObjects } from './host-object-proxy.ts';

type AnyFunction = (...args: unknown[]) => unknown;

const BUILT_IN_ERROR_PROTOTYPES = new Set<unknown>([Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError].map((c) => c.prototype));

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
  /** Whether flushDroppedCallbacks has anything to do: read on every call, where a method call costs more. */
  flushDue = false;
  private readonly callbackRegistry =
    typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<number>((id) => this.callbackCollected(id)) : undefined;

  /** `resolvePath` finds a member of a root module ("0:parse") for a host facade sent back by reference. */
  constructor(private readonly resolvePath: (path: string) => unknown) {}

  send(value: object): Encoded | undefined {
    const callbackId = this.callbackIds.get(value);
    if (callbackId !== undefined) return { $t: 'cb', id: callbackId };
    if (typeof value !== 'function' && isDataObject(value)) return undefined;
    if (value instanceof Promise) return this.sendPromise(value);
    if (typeof value !== 'function') return this.register(value, 'object', '');
    return { ...this.register(value, isClass(value) ? 'class' : 'function', String((value as AnyFunction).name ?? '')), l: functionLength(value) };
  }

  /** Gives a value an id (once) and counts one more send of it. */
  private register(value: object, kind: HandleKind, name: string): { [key: string]: Encoded } {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(value, id);
      this.values.set(id, value);
    }
    this.sent.set(id, (this.sent.get(id) ?? 0) + 1);
    return { $t: 'h', id, k: kind, n: name };
  }

  sendError(error: Error): Encoded | undefined {
    // Errors of the built-in classes are matched by class on the host already; only the package's own go by handle.
    if (BUILT_IN_ERROR_PROTOTYPES.has(Object.getPrototypeOf(error))) return undefined;
    return this.register(error, 'object', '');
  }

  receive(record: Readonly<Record<string, unknown>>): unknown {
    if (record.$t === 'h') {
      if (typeof record.p === 'string') return this.resolvePath(record.p);
      const value = typeof record.id === 'number' ? this.values.get(record.id) : undefined;
      if (value === undefined) throw new ReferenceError(`isolate-deps: handle ${String(record.id)} was released`);
      return value;
    }
    if (typeof record.id !== 'number') throw new TypeError('isolate-deps: bad callback reference');
    return this.callback(record.id, typeof record.n === 'string' ? record.n : '', typeof record.l === 'number' ? record.l : 0, typeof record.o === 'string' ? record.o : undefined);
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
    // A sweep leaves fewer callbacks than sweepAt; what it dropped goes now.
    this.flushDue = false;
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
    this.flushDue = true;
  }

  /** A host function's stand-in, or with `liveObject` (its kind) a live host object's. */
  private callback(id: number, name: string, length: number, liveObject: string | undefined): object {
    const entry = this.callbacks.get(id);
    const existing = entry?.fn.deref();
    if (entry && existing) {
      entry.received += 1;
      return existing;
    }
    const handles = this;
    let fn: object;
    if (liveObject !== undefined) {
      fn = hostObjectProxy(liveObject, (request) => handles.settleReply(invokeCallback(id, encode(request, handles)), request));
    } else {
      fn = {
        [name](this: unknown, ...args: unknown[]): unknown {
          syncStoredObjects(false);
          const list = [this, ...args];
          return handles.settleReply(invokeCallback(id, encode(list, handles)), list);
        },
      }[name]!;
      // Curry and compose helpers read `length`: the stand-in declares as many parameters as the host function.
      Object.defineProperty(fn, 'length', { value: length });
    }
    this.callbacks.set(id, { fn: new WeakRef(fn), received: (entry?.received ?? 0) + 1 });
    if (this.callbacks.size >= this.sweepAt) this.flushDue = true;
    this.callbackIds.set(fn, id);
    this.callbackRegistry?.register(fn, id);
    return fn;
  }

  private settleReply(framed: string, list: unknown[]): unknown {
    // The host callback changed the guest objects it was passed: apply that first, as if it had run here.
    const { reply, writeBack } = splitWriteBack(framed);
    if (writeBack !== undefined) applyWriteBack(list, decodeMarked(writeBack, this));
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

/** A function's declared parameter count, read without trusting a getter. */
export function functionLength(fn: object): number {
  const descriptor = Object.getOwnPropertyDescriptor(fn, 'length');
  return descriptor && typeof descriptor.value === 'number' ? descriptor.value : 0;
}

function isClass(fn: object): boolean {
  try {
    return Function.prototype.toString.call(fn).startsWith('class');
  } catch {
    return false;
  }
}
