// The script of the audit's worker threads in the published package (dist/analysis-worker.js): the
// analyser alone, so a worker does not load the whole CLI and its dependencies before its first package.
import { serveAnalysisWorker } from './analysis-pool.ts';

serveAnalysisWorker();
