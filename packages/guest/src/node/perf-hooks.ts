/** node:perf_hooks over the engine's performance object (whose now() reads the host's monotonic clock). */
import { unavailableFunction } from '../denial.ts';

export const performance = globalThis.performance;
export const constants = { NODE_PERFORMANCE_GC_MAJOR: 4, NODE_PERFORMANCE_GC_MINOR: 1, NODE_PERFORMANCE_GC_INCREMENTAL: 8, NODE_PERFORMANCE_GC_WEAKCB: 16, NODE_PERFORMANCE_GC_FLAGS_NO: 0, NODE_PERFORMANCE_GC_FLAGS_CONSTRUCT_RETAINED: 2, NODE_PERFORMANCE_GC_FLAGS_FORCED: 4, NODE_PERFORMANCE_GC_FLAGS_SYNCHRONOUS_PHANTOM_PROCESSING: 8, NODE_PERFORMANCE_GC_FLAGS_ALL_AVAILABLE_GARBAGE: 16, NODE_PERFORMANCE_GC_FLAGS_ALL_EXTERNAL_MEMORY: 32, NODE_PERFORMANCE_GC_FLAGS_SCHEDULE_IDLE: 64 };
// Nothing inside a component produces performance entries or event-loop figures: these refuse when used.
export const PerformanceObserver = unavailableFunction('unsupported', 'perf_hooks.PerformanceObserver');
export const PerformanceEntry = unavailableFunction('unsupported', 'perf_hooks.PerformanceEntry');
export const PerformanceMark = unavailableFunction('unsupported', 'perf_hooks.PerformanceMark');
export const PerformanceMeasure = unavailableFunction('unsupported', 'perf_hooks.PerformanceMeasure');
export const PerformanceObserverEntryList = unavailableFunction('unsupported', 'perf_hooks.PerformanceObserverEntryList');
export const PerformanceResourceTiming = unavailableFunction('unsupported', 'perf_hooks.PerformanceResourceTiming');
export const monitorEventLoopDelay = unavailableFunction('unsupported', 'perf_hooks.monitorEventLoopDelay');
export const createHistogram = unavailableFunction('unsupported', 'perf_hooks.createHistogram');

export default {
  Performance: performance.constructor, PerformanceEntry, PerformanceMark, PerformanceMeasure, PerformanceObserver, PerformanceObserverEntryList,
  PerformanceResourceTiming, monitorEventLoopDelay, createHistogram, performance, constants,
};
