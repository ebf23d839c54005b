/**
 * node:async_hooks for the guest. AsyncLocalStorage keeps its store for the synchronous extent of run() and
 * for callbacks bound with bind()/snapshot(); the engine has no async context hooks, so a store is not
 * carried across await or timers by itself (a documented gap). createHook's hooks never fire, as nothing
 * reports async resources inside a component.
 */
let nextId = 1;
let currentId = 1;

export class AsyncLocalStorage<T> {
  #store: T | undefined;
  #enabled = false;

  static bind<F extends (...args: any[]) => unknown>(fn: F): F {
    return AsyncResource.bind(fn);
  }

  static snapshot(): <R>(fn: (...args: any[]) => R, ...args: unknown[]) => R {
    const stores = [...active].map((storage) => [storage, storage.#store] as const);
    return (fn, ...args) => {
      const saved = stores.map(([storage]) => [storage, storage.#store, storage.#enabled] as const);
      for (const [storage, store] of stores) storage.#set(store);
      try {
        return fn(...args);
      } finally {
        for (const [storage, store, enabled] of saved) (enabled ? storage.#set(store) : storage.disable());
      }
    };
  }

  #set(store: T | undefined): void {
    this.#store = store;
    this.#enabled = true;
    active.add(this as AsyncLocalStorage<unknown>);
  }

  getStore(): T | undefined {
    return this.#enabled ? this.#store : undefined;
  }

  run<R>(store: T, callback: (...args: any[]) => R, ...args: unknown[]): R {
    const [previous, wasEnabled] = [this.#store, this.#enabled];
    this.#set(store);
    try {
      return callback(...args);
    } finally {
      if (wasEnabled) this.#store = previous;
      else this.disable();
    }
  }

  exit<R>(callback: (...args: any[]) => R, ...args: unknown[]): R {
    const [previous, wasEnabled] = [this.#store, this.#enabled];
    this.disable();
    try {
      return callback(...args);
    } finally {
      if (wasEnabled) this.#set(previous);
    }
  }

  enterWith(store: T): void {
    this.#set(store);
  }

  disable(): void {
    this.#store = undefined;
    this.#enabled = false;
    active.delete(this as AsyncLocalStorage<unknown>);
  }
}

const active = new Set<AsyncLocalStorage<unknown>>();

export class AsyncResource {
  readonly type: string;
  readonly #asyncId = nextId++;
  readonly #triggerId: number;
  readonly #snapshot = AsyncLocalStorage.snapshot();

  constructor(type: string, options?: number | { triggerAsyncId?: number }) {
    if (typeof type !== 'string') throw new TypeError('The "type" argument must be of type string');
    this.type = type;
    this.#triggerId = typeof options === 'number' ? options : (options?.triggerAsyncId ?? currentId);
  }

  static bind<F extends (...args: any[]) => unknown>(fn: F, type?: string, thisArg?: unknown): F {
    return new AsyncResource(type ?? (fn.name || 'bound-anonymous-fn')).bind(fn, thisArg);
  }

  bind<F extends (...args: any[]) => unknown>(fn: F, thisArg?: unknown): F {
    const resource = this;
    const bound = function (this: unknown, ...args: unknown[]) {
      return resource.runInAsyncScope(fn, thisArg === undefined ? this : thisArg, ...args);
    };
    Object.defineProperties(bound, { length: { value: fn.length, configurable: true }, asyncResource: { value: this, configurable: true, writable: true } });
    return bound as unknown as F;
  }

  runInAsyncScope<R>(fn: (...args: any[]) => R, thisArg?: unknown, ...args: unknown[]): R {
    const previous = currentId;
    currentId = this.#asyncId;
    try {
      return this.#snapshot(() => Reflect.apply(fn, thisArg, args) as R);
    } finally {
      currentId = previous;
    }
  }

  emitDestroy(): this {
    return this;
  }

  asyncId(): number {
    return this.#asyncId;
  }

  triggerAsyncId(): number {
    return this.#triggerId;
  }
}

export const executionAsyncId = (): number => currentId;
export const triggerAsyncId = (): number => 0;
export const executionAsyncResource = (): object => ({});
export function createHook(_callbacks: object): { enable(): unknown; disable(): unknown } {
  const hook = { enable: () => hook, disable: () => hook };
  return hook;
}
export const asyncWrapProviders = Object.freeze(Object.create(null) as Record<string, number>);

export default { AsyncLocalStorage, createHook, executionAsyncId, triggerAsyncId, executionAsyncResource, asyncWrapProviders, AsyncResource };
