/**
 * The `events` package is Node's own EventEmitter (v3, of Node 11), published for bundlers. The module-level
 * helpers Node added since are added to it here, so `require('events')` has Node's members.
 */
import events from 'events';
import { AsyncResource } from './async-hooks.ts';

type Emitter = InstanceType<typeof events.EventEmitter>;
type Target = Emitter | EventTarget;
const EventEmitter = events.EventEmitter;
const statics = EventEmitter as unknown as Record<string, unknown>;

const errorMonitor = Symbol('events.errorMonitor');
const maxListeners = new WeakMap<EventTarget, number>();

function getEventListeners(target: Target, name: string | symbol): Function[] {
  if (typeof (target as Emitter).listeners === 'function') return (target as Emitter).listeners(name);
  return [];
}

function getMaxListeners(target: Target): number {
  if (typeof (target as Emitter).getMaxListeners === 'function') return (target as Emitter).getMaxListeners();
  return maxListeners.get(target as EventTarget) ?? (statics.defaultMaxListeners as number);
}

function setMaxListeners(n = statics.defaultMaxListeners as number, ...targets: Target[]): void {
  if (targets.length === 0) statics.defaultMaxListeners = n;
  for (const target of targets) {
    if (typeof (target as Emitter).setMaxListeners === 'function') (target as Emitter).setMaxListeners(n);
    else maxListeners.set(target as EventTarget, n);
  }
}

function addAbortListener(signal: AbortSignal, listener: (event: Event) => void): Disposable {
  if (signal.aborted) queueMicrotask(() => listener(new Event('abort')));
  else signal.addEventListener('abort', listener, { once: true });
  return { [Symbol.dispose ?? Symbol.for('nodejs.dispose')]: () => signal.removeEventListener('abort', listener) } as Disposable;
}

/** events.on(emitter, name): an async iterator over the arguments of each event; an 'error' event rejects it. */
function on(emitter: Emitter, name: string | symbol, options: { signal?: AbortSignal } = {}): AsyncIterableIterator<unknown[]> {
  const queued: unknown[][] = [];
  const waiting: { resolve: (r: IteratorResult<unknown[]>) => void; reject: (e: unknown) => void }[] = [];
  let failure: unknown;
  let done = false;
  const onEvent = (...args: unknown[]) => (waiting.length ? waiting.shift()!.resolve({ value: args, done: false }) : queued.push(args));
  const onError = (error: unknown) => {
    if (waiting.length) waiting.shift()!.reject(error);
    else failure = error;
    close();
  };
  const close = () => {
    done = true;
    emitter.removeListener(name, onEvent);
    emitter.removeListener('error', onError);
    for (const w of waiting.splice(0)) w.resolve({ value: undefined, done: true } as IteratorResult<unknown[]>);
  };
  emitter.on(name, onEvent);
  if (name !== 'error') emitter.on('error', onError);
  options.signal?.addEventListener('abort', () => onError(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' })), { once: true });
  return {
    next(): Promise<IteratorResult<unknown[]>> {
      if (queued.length) return Promise.resolve({ value: queued.shift()!, done: false });
      if (failure !== undefined) {
        const error = failure;
        failure = undefined;
        return Promise.reject(error);
      }
      if (done) return Promise.resolve({ value: undefined, done: true } as IteratorResult<unknown[]>);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    return(): Promise<IteratorResult<unknown[]>> {
      close();
      return Promise.resolve({ value: undefined, done: true } as IteratorResult<unknown[]>);
    },
    throw(error: unknown): Promise<IteratorResult<unknown[]>> {
      close();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** An EventEmitter that is also an AsyncResource (listeners run in the scope it was created in). */
class EventEmitterAsyncResource extends EventEmitter {
  readonly asyncResource: AsyncResource;
  constructor(options: { name?: string; captureRejections?: boolean } = {}) {
    super(options);
    this.asyncResource = new AsyncResource(options.name ?? new.target.name);
  }
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    return this.asyncResource.runInAsyncScope(() => super.emit(event, ...args));
  }
}

Object.assign(statics, {
  addAbortListener, on, getEventListeners, getMaxListeners, setMaxListeners, EventEmitterAsyncResource, errorMonitor,
  usingDomains: false,
  captureRejectionSymbol: Symbol.for('nodejs.rejection'),
  captureRejections: false,
  kMaxEventTargetListeners: Symbol('events.maxEventTargetListeners'),
  kMaxEventTargetListenersWarned: Symbol('events.maxEventTargetListenersWarned'),
});
// Listeners of errorMonitor see every 'error' event before the 'error' listeners do (Node 13+).
const emit = EventEmitter.prototype.emit;
EventEmitter.prototype.emit = function emitWithMonitor(this: Emitter, type: string | symbol, ...args: unknown[]): boolean {
  if (type === 'error' && this.listenerCount(errorMonitor) > 0) emit.call(this, errorMonitor, ...args);
  return emit.call(this, type, ...args);
};
Object.defineProperty(EventEmitter.prototype.emit, 'name', { value: 'emit' });
// `function EventEmitter(opts)` and `EventEmitter.init(opts)` in Node; its setMaxListeners is anonymous.
Object.defineProperty(EventEmitter, 'length', { value: 1 });
if (typeof statics.init === 'function') Object.defineProperty(statics.init, 'length', { value: 1 });
Object.defineProperty(setMaxListeners, 'name', { value: '' });

export const once = events.once;
export { EventEmitter, on, getEventListeners, getMaxListeners, setMaxListeners, addAbortListener, EventEmitterAsyncResource, errorMonitor };
export default EventEmitter;
