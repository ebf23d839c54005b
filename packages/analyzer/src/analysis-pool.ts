import os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { analyzePackage, type listPackageFiles } from './analyze-package.ts';
import type { PackageAnalysis } from './types.ts';

const WORKER_FLAG = 'isolateDepsAnalysisWorker';

/** One package to analyse: its folder and, when already listed, its files. */
export interface AnalysisJob {
  dir: string;
  files?: ReturnType<typeof listPackageFiles>;
}

/** True inside a worker started by `analyzeInWorkers` (the CLI then serves analyses instead of running a command). */
export function isAnalysisWorker(): boolean {
  return !isMainThread && (workerData as Record<string, unknown> | null)?.[WORKER_FLAG] === true;
}

/** Answers analysis requests from the parent thread until it terminates this worker. */
export function serveAnalysisWorker(): void {
  parentPort?.on('message', (job: AnalysisJob & { index: number }) => {
    try {
      parentPort?.postMessage({ index: job.index, analysis: analyzePackage(job.dir, job.files) });
    } catch (error) {
      parentPort?.postMessage({ index: job.index, error: (error as Error).stack ?? String(error) });
    }
  });
}

/** How many worker threads a cold audit uses: one per core, at most four. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/**
 * Analyses packages on worker threads running `script` (a module that calls serveAnalysisWorker when
 * isAnalysisWorker() is true, like the bundled CLI). Why threads: parsing dominates a cold audit and
 * each package is independent.
 */
export async function analyzeInWorkers(jobs: AnalysisJob[], script: string | URL, threads: number, onDone: (index: number) => void): Promise<PackageAnalysis[]> {
  const results: PackageAnalysis[] = new Array(jobs.length);
  const workers = Array.from({ length: Math.min(threads, jobs.length) }, () => new Worker(script, { workerData: { [WORKER_FLAG]: true }, argv: [], stdout: false }));
  let next = 0;
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = (): void => {
              if (next >= jobs.length) return resolve();
              const index = next++;
              worker.postMessage({ ...jobs[index], index });
            };
            worker.on('message', (message: { index: number; analysis?: PackageAnalysis; error?: string }) => {
              if (message.error !== undefined || !message.analysis) return reject(new Error(`analysis of ${jobs[message.index]?.dir} failed: ${message.error}`));
              results[message.index] = message.analysis;
              onDone(message.index);
              send();
            });
            worker.on('error', reject);
            worker.on('exit', (code) => (next < jobs.length || code !== 0 ? reject(new Error(`analysis worker exited with code ${code}`)) : undefined));
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
