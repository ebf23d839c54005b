export { formatTraceText, readTrace, summarizeTrace, TraceFileError, type PackageTraceSummary, type TraceEvent } from './summary.ts';
