/**
 * The harmless part of node:worker_threads: a component is one thread, the main one. Starting a worker and
 * the other exports stay refused (see PARTLY_IMPLEMENTED_BUILTINS in the compiler).
 */
export const isMainThread = true;
export const parentPort = null;
export const workerData = null;
export const threadId = 0;
export const resourceLimits = {};
export const SHARE_ENV = Symbol.for('nodejs.worker_threads.SHARE_ENV');
export default { isMainThread, parentPort, workerData, threadId, resourceLimits, SHARE_ENV };
