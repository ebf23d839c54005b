/** node:timers over the guest scheduler (see ../scheduler.ts for how timers fire inside a component). */
import { clearImmediate, clearInterval, clearTimeout, setImmediate, setInterval, setTimeout, Timeout } from '../scheduler.ts';
import promises from './timers-promises.ts';

/** Node wraps its legacy timer functions in util.deprecate: named "deprecated", length 0. */
const wrapDeprecated = (fn: (item: unknown, msecs?: unknown) => void) =>
  function deprecated(...args: unknown[]): void {
    fn(args[0], args[1]);
  };

/** Legacy: restarts a timer object's countdown. */
export const active = wrapDeprecated((timer) => {
  if (timer instanceof Timeout) timer.refresh();
});
export const _unrefActive = active;
/** Legacy: clears a timer object. */
export const unenroll = wrapDeprecated((timer) => clearTimeout(timer));
/** Legacy: makes any object a timer; not supported in an isolated package. */
export const enroll = wrapDeprecated(() => {
  throw Object.assign(new Error('isolate-deps: timers.enroll() (deprecated in Node) is not supported in an isolated package; use setTimeout'), { code: 'ERR_METHOD_NOT_IMPLEMENTED' });
});

export { clearImmediate, clearInterval, clearTimeout, setImmediate, setInterval, setTimeout, promises };

export default { setTimeout, clearTimeout, setImmediate, clearImmediate, setInterval, clearInterval, _unrefActive, active, unenroll, enroll, promises };
