/** node:timers over the guest scheduler (see ../scheduler.ts for when timers fire inside a component). */
type Callback = (...args: unknown[]) => void;
const globals = globalThis as unknown as Record<string, (...args: any[]) => any>;

export const setTimeout = (callback: Callback, ms?: number, ...args: unknown[]) => globals.setTimeout!(callback, ms, ...args);
export const clearTimeout = (handle: unknown) => globals.clearTimeout!(handle);
export const setInterval = (callback: Callback, ms?: number, ...args: unknown[]) => globals.setInterval!(callback, ms, ...args);
export const clearInterval = (handle: unknown) => globals.clearInterval!(handle);
export const setImmediate = (callback: Callback, ...args: unknown[]) => globals.setImmediate!(callback, ...args);
export const clearImmediate = (handle: unknown) => globals.clearImmediate!(handle);
export const queueMicrotask = (callback: () => void) => globalThis.queueMicrotask(callback);

/** node:timers/promises */
export const promises = {
  setTimeout: <T>(ms = 1, value?: T): Promise<T | undefined> => new Promise((resolve) => setTimeout(() => resolve(value), ms)),
  setImmediate: <T>(value?: T): Promise<T | undefined> => new Promise((resolve) => setImmediate(() => resolve(value))),
};

export default { setTimeout, clearTimeout, setInterval, clearInterval, setImmediate, clearImmediate, queueMicrotask, promises };
