/**
 * The harmless part of node:worker_threads: a component is one thread, the main one. Marking objects as
 * uncloneable (undici does it while loading), the environment data and in-thread message channels work;
 * starting a worker and the other exports stay refused (see PARTLY_IMPLEMENTED_BUILTINS in the compiler).
 */
import { MessageChannel, MessagePort } from '../message-channel.ts';

export const isMainThread = true;
export const parentPort = null;
export const workerData = null;
export const threadId = 0;
export const resourceLimits = {};
export const SHARE_ENV = Symbol.for('nodejs.worker_threads.SHARE_ENV');

const untransferable = new WeakSet<object>();
const environmentData = new Map<unknown, unknown>();
export const markAsUncloneable = (_value: object): void => {};
export const markAsUntransferable = (value: object): void => void untransferable.add(value);
export const isMarkedAsUntransferable = (value: object): boolean => untransferable.has(value);
export const getEnvironmentData = (key: unknown): unknown => environmentData.get(key);
export function setEnvironmentData(key: unknown, value: unknown): void {
  if (value === undefined) environmentData.delete(key);
  else environmentData.set(key, value);
}
export { MessageChannel, MessagePort };

export default {
  isMainThread, parentPort, workerData, threadId, resourceLimits, SHARE_ENV, markAsUncloneable, markAsUntransferable, isMarkedAsUntransferable,
  getEnvironmentData, setEnvironmentData, MessageChannel, MessagePort,
};
