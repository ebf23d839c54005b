/**
 * node:diagnostics_channel: named channels that a library publishes to (express's router, undici, pino) and
 * that tools subscribe to. Written for the guest after Node's documented API (v20): channels, stores bound
 * with an AsyncLocalStorage, and tracing channels over sync, callback and promise calls.
 */
import type { AsyncLocalStorage } from './async-hooks.ts';

type Subscriber = (message: unknown, name: string | symbol) => void;
type Transform = (message: unknown) => unknown;

function invalidArgument(name: string, expected: string, actual: unknown): TypeError {
  return Object.assign(new TypeError(`The "${name}" argument must be of type ${expected}. Received ${actual === null ? 'null' : typeof actual}`), { code: 'ERR_INVALID_ARG_TYPE' });
}

export class Channel {
  readonly name: string | symbol;
  #subscribers: Subscriber[] = [];
  #stores = new Map<AsyncLocalStorage<unknown>, Transform | undefined>();

  constructor(name: string | symbol) {
    this.name = name;
  }

  get hasSubscribers(): boolean {
    return this.#subscribers.length > 0 || this.#stores.size > 0;
  }

  subscribe(subscription: Subscriber): void {
    if (typeof subscription !== 'function') throw invalidArgument('subscription', 'function', subscription);
    this.#subscribers = [...this.#subscribers, subscription];
  }

  unsubscribe(subscription: Subscriber): boolean {
    const index = this.#subscribers.indexOf(subscription);
    if (index === -1) return false;
    this.#subscribers = this.#subscribers.filter((_, i) => i !== index);
    return true;
  }

  publish(message: unknown): void {
    for (const onMessage of this.#subscribers) {
      try {
        onMessage(message, this.name);
      } catch (error) {
        // As in Node: a failing subscriber does not break the publisher; its error surfaces on its own.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  bindStore(store: AsyncLocalStorage<unknown>, transform?: Transform): void {
    this.#stores.set(store, transform);
  }

  unbindStore(store: AsyncLocalStorage<unknown>): boolean {
    return this.#stores.delete(store);
  }

  runStores<R>(message: unknown, fn: (...args: any[]) => R, thisArg?: unknown, ...args: unknown[]): R {
    let run = () => {
      this.publish(message);
      return Reflect.apply(fn, thisArg, args) as R;
    };
    for (const [store, transform] of this.#stores) {
      const inner = run;
      run = () => store.run(transform ? transform(message) : message, inner);
    }
    return run();
  }
}

const channels = new Map<string | symbol, Channel>();

export function channel(name: string | symbol): Channel {
  if (typeof name !== 'string' && typeof name !== 'symbol') throw invalidArgument('channel', 'string or symbol', name);
  let found = channels.get(name);
  if (!found) channels.set(name, (found = new Channel(name)));
  return found;
}

export function hasSubscribers(name: string | symbol): boolean {
  return channels.get(name)?.hasSubscribers ?? false;
}

export function subscribe(name: string | symbol, subscription: Subscriber): void {
  channel(name).subscribe(subscription);
}

export function unsubscribe(name: string | symbol, subscription: Subscriber): boolean {
  return channels.get(name)?.unsubscribe(subscription) ?? false;
}

const EVENTS = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as const;
type TraceEvent = (typeof EVENTS)[number];
type Handlers = Partial<Record<TraceEvent, Subscriber>>;
type Context = Record<string, unknown>;

class TracingChannel {
  declare start: Channel;
  declare end: Channel;
  declare asyncStart: Channel;
  declare asyncEnd: Channel;
  declare error: Channel;

  constructor(nameOrChannels: string | Partial<Record<TraceEvent, Channel>>) {
    for (const event of EVENTS) {
      if (typeof nameOrChannels === 'string') this[event] = channel(`tracing:${nameOrChannels}:${event}`);
      else if (nameOrChannels !== null && typeof nameOrChannels === 'object' && nameOrChannels[event] instanceof Channel) this[event] = nameOrChannels[event]!;
      else throw invalidArgument('nameOrChannels', 'string or object', nameOrChannels);
    }
  }

  get hasSubscribers(): boolean {
    return EVENTS.some((event) => this[event].hasSubscribers);
  }

  subscribe(handlers: Handlers): void {
    for (const event of EVENTS) if (handlers[event]) this[event].subscribe(handlers[event]!);
  }

  unsubscribe(handlers: Handlers): boolean {
    let done = true;
    for (const event of EVENTS) if (handlers[event] && !this[event].unsubscribe(handlers[event]!)) done = false;
    return done;
  }

  traceSync<R>(fn: (...args: any[]) => R, context: Context = {}, thisArg?: unknown, ...args: unknown[]): R {
    if (!this.hasSubscribers) return Reflect.apply(fn, thisArg, args) as R;
    return this.traced(context, () => {
      const result = Reflect.apply(fn, thisArg, args) as R;
      context.result = result;
      return result;
    });
  }

  tracePromise<R>(fn: (...args: any[]) => Promise<R>, context: Context = {}, thisArg?: unknown, ...args: unknown[]): Promise<R> {
    if (!this.hasSubscribers) return Reflect.apply(fn, thisArg, args) as Promise<R>;
    const resolved = (result: R) => {
      context.result = result;
      this.asyncStart.publish(context);
      this.asyncEnd.publish(context);
      return result;
    };
    const rejected = (error: unknown) => {
      context.error = error;
      this.error.publish(context);
      this.asyncStart.publish(context);
      this.asyncEnd.publish(context);
      throw error;
    };
    return this.traced(context, () => Promise.resolve(Reflect.apply(fn, thisArg, args) as Promise<R>).then(resolved, rejected));
  }

  traceCallback<R>(fn: (...args: any[]) => R, position = -1, context: Context = {}, thisArg?: unknown, ...args: unknown[]): R {
    if (!this.hasSubscribers) return Reflect.apply(fn, thisArg, args) as R;
    const index = position < 0 ? args.length + position : position;
    const callback = args[index];
    if (typeof callback !== 'function') throw invalidArgument('callback', 'function', callback);
    const { error, asyncStart, asyncEnd } = this;
    args[index] = function wrappedCallback(this: unknown, failure: unknown, result: unknown) {
      if (failure) {
        context.error = failure;
        error.publish(context);
      } else {
        context.result = result;
      }
      return asyncStart.runStores(context, () => {
        try {
          return Reflect.apply(callback, this, [failure, result]);
        } finally {
          asyncEnd.publish(context);
        }
      });
    };
    return this.traced(context, () => Reflect.apply(fn, thisArg, args) as R);
  }

  /** The synchronous part every trace shares: `call` runs in the start event's stores; a throw publishes error; end is published either way. */
  private traced<T>(context: Context, call: () => T): T {
    return this.start.runStores(context, () => {
      try {
        return call();
      } catch (error) {
        context.error = error;
        this.error.publish(context);
        throw error;
      } finally {
        this.end.publish(context);
      }
    });
  }
}

export function tracingChannel(nameOrChannels: string | Partial<Record<TraceEvent, Channel>>): TracingChannel {
  return new TracingChannel(nameOrChannels);
}

export default { channel, hasSubscribers, subscribe, tracingChannel, unsubscribe, Channel };
