/** node:timers over the guest scheduler (see ../scheduler.ts for how timers fire inside a component). */
import { clearImmediate, clearInterval, clearTimeout, setImmediate, setInterval, setTimeout, Timeout } from '../scheduler.ts';
import promises from './timers-promises.ts';

/** Deprecated in Node, kept for old code: restarts a timer object's countdown. (Rest parameters: Node's have length 0.) */
export function active(...[timer]: unknown[]): void {
  if (timer instanceof Timeout) timer.refresh();
}
export const _unrefActive = active;

/** Deprecated in Node: an object that later gets timer fields; here only clearing one is supported. */
export function unenroll(...[timer]: unknown[]): void {
  clearTimeout(timer);
}
export function enroll(): void {
  throw Object.assign(new Error('isolate-deps: timers.enroll() (deprecated in Node) is not supported in an isolated package; use setTimeout'), { code: 'ERR_METHOD_NOT_IMPLEMENTED' });
}

export { clearImmediate, clearInterval, clearTimeout, setImmediate, setInterval, setTimeout, promises };

export default { setTimeout, clearTimeout, setImmediate, clearImmediate, setInterval, clearInterval, _unrefActive, active, unenroll, enroll, promises };
