/** node:timers/promises, as Node's lib/timers/promises.js: promises and an async iterator over the guest scheduler. */
import { clearImmediate, clearInterval, clearTimeout, setImmediate as immediate, setInterval as interval, setTimeout as timeout, type Immediate, type Timeout } from '../scheduler.ts';

interface Options {
  signal?: AbortSignal;
  ref?: boolean;
}

class AbortError extends Error {
  readonly code = 'ABORT_ERR';
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}

function validateOptions(options: unknown): Options {
  if (typeof options !== 'object' || options === null) throw Object.assign(new TypeError('The "options" argument must be of type object.'), { code: 'ERR_INVALID_ARG_TYPE' });
  const { signal, ref } = options as Options;
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || !('aborted' in signal))) {
    throw Object.assign(new TypeError('The "options.signal" property must be an instance of AbortSignal.'), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  if (ref !== undefined && typeof ref !== 'boolean') throw Object.assign(new TypeError('The "options.ref" property must be of type boolean.'), { code: 'ERR_INVALID_ARG_TYPE' });
  return { signal, ref };
}

/** Settles with `value` after `delay` ms; an abort rejects with an AbortError and clears the timer. */
function later<T>(start: (resolve: (value: T) => void) => Timeout | Immediate, cancel: (handle: unknown) => void, options: unknown): Promise<T> {
  let signal: AbortSignal | undefined;
  let ref: boolean | undefined;
  try {
    ({ signal, ref } = validateOptions(options));
  } catch (error) {
    return Promise.reject(error);
  }
  if (signal?.aborted) return Promise.reject(new AbortError(undefined, { cause: signal.reason }));
  let onAbort: (() => void) | undefined;
  const promise = new Promise<T>((resolve, reject) => {
    const handle = start(resolve);
    if (ref === false) handle.unref();
    if (signal) {
      onAbort = () => {
        cancel(handle);
        reject(new AbortError(undefined, { cause: signal!.reason }));
      };
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  return onAbort === undefined ? promise : promise.finally(() => signal!.removeEventListener('abort', onAbort!));
}

export function setTimeout<T = void>(delay?: number, value?: T, options: Options = {}): Promise<T> {
  return later<T>((resolve) => timeout(resolve, delay, value), clearTimeout, options);
}

export function setImmediate<T = void>(value?: T, options: Options = {}): Promise<T> {
  return later<T>((resolve) => immediate(resolve, value), clearImmediate, options);
}

/** Yields `value` every `delay` ms; ticks that pass while the consumer is busy are yielded afterwards, as in Node. */
export async function* setInterval<T = void>(delay?: number, value?: T, options: Options = {}): AsyncGenerator<T> {
  const { signal, ref } = validateOptions(options);
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
  let notYielded = 0;
  let wake: ((value?: Promise<never>) => void) | undefined;
  const timer = interval(() => {
    notYielded++;
    wake?.();
    wake = undefined;
  }, delay);
  if (ref === false) timer.unref();
  const onAbort = () => {
    clearInterval(timer);
    wake?.(Promise.reject(new AbortError(undefined, { cause: signal!.reason })));
    wake = undefined;
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    while (!signal?.aborted) {
      if (notYielded === 0) await new Promise<void>((resolve) => (wake = resolve as (value?: Promise<never>) => void));
      for (; notYielded > 0; notYielded--) yield value as T;
    }
    throw new AbortError(undefined, { cause: signal?.reason });
  } finally {
    clearInterval(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Node's experimental scheduler: wait() is setTimeout without a value, yield() is setImmediate. */
class Scheduler {
  yield(): Promise<void> {
    return setImmediate();
  }
  wait(delay?: number, options?: Options): Promise<void> {
    return setTimeout(delay, undefined, options);
  }
}

export const scheduler = new Scheduler();

export default { setTimeout, setImmediate, setInterval, scheduler };
