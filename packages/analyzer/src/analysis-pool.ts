import os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { analyzePackage, ScanMemo, type listPackageFiles } from './analyze-package.ts';
import type { PackageAnalysis } from './types.ts';

const WORKER_FLAG = 'isolateDepsAnalysisWorker';

/** One package to analyse: its folder, its files when already listed, and the deep imports of it that other packages make. */
export interface AnalysisJob {
  dir: string;
  files?: ReturnType<typeof listPackageFiles>;
  importedDeeply?: string[];
}

/** True inside a worker started by an AnalysisPool (the CLI then serves analyses instead of running a command). */
export function isAnalysisWorker(): boolean {
  return !isMainThread && (workerData as Record<string, unknown> | null)?.[WORKER_FLAG] === true;
}

/** Answers analysis requests from the parent thread until it terminates this worker. */
export function serveAnalysisWorker(): void {
  const memo = new ScanMemo();
  parentPort?.on('message', (job: AnalysisJob & { index: number }) => {
    try {
      parentPort?.postMessage({ index: job.index, analysis: analyzePackage(job.dir, job.files, job.importedDeeply, memo) });
    } catch (error) {
      parentPort?.postMessage({ index: job.index, error: (error as Error).stack ?? String(error) });
    }
  });
}

/** How many worker threads a cold audit uses: one per core, at most four. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

type Pending = { job: AnalysisJob; resolve: (analysis: PackageAnalysis) => void; reject: (error: Error) => void };

/**
 * Worker threads running `script` (a module that calls serveAnalysisWorker when isAnalysisWorker() is
 * true, like the bundled CLI). Why threads: parsing dominates a cold audit and each package is
 * independent. Jobs are taken as they come (an entry-scoped audit finds packages while it analyses),
 * one at a time per worker, except that a package analysed again goes to the worker that holds its scans.
 */
export class AnalysisPool {
  private readonly workers: Worker[];
  private readonly idle: Worker[];
  private readonly queue: Pending[] = [];
  private readonly running = new Map<Worker, Map<number, Pending>>();
  private readonly workerOf = new Map<string, Worker>();
  private failure: Error | undefined;
  private nextIndex = 0;

  constructor(script: string | URL, threads: number) {
    this.workers = Array.from({ length: threads }, () => new Worker(script, { workerData: { [WORKER_FLAG]: true }, argv: [], stdout: false }));
    this.idle = [...this.workers];
    for (const worker of this.workers) {
      this.running.set(worker, new Map());
      worker.on('message', (message: { index: number; analysis?: PackageAnalysis; error?: string }) => this.settle(worker, message));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => this.fail(new Error(`analysis worker exited with code ${code}`)));
    }
  }

  /** Analyses one package on a worker. */
  analyze(job: AnalysisJob): Promise<PackageAnalysis> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const pending = { job, resolve, reject };
      const holder = job.importedDeeply?.length ? this.workerOf.get(job.dir) : undefined;
      if (holder) this.send(holder, pending);
      else this.queue.push(pending), this.dispatch();
    });
  }

  /** Stops the workers (pending analyses are rejected). */
  async close(): Promise<void> {
    this.failure ??= new Error('analysis pool closed');
    for (const worker of this.workers) worker.removeAllListeners('exit');
    await Promise.all(this.workers.map((w) => w.terminate()));
    for (const pending of this.queue.splice(0)) pending.reject(this.failure);
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) this.send(this.idle.pop()!, this.queue.shift()!);
  }

  private send(worker: Worker, pending: Pending): void {
    const index = this.nextIndex++;
    this.running.get(worker)!.set(index, pending);
    this.workerOf.set(pending.job.dir, worker);
    const at = this.idle.indexOf(worker);
    if (at >= 0) this.idle.splice(at, 1);
    worker.postMessage({ ...pending.job, index });
  }

  private settle(worker: Worker, message: { index: number; analysis?: PackageAnalysis; error?: string }): void {
    const running = this.running.get(worker)!;
    const pending = running.get(message.index);
    running.delete(message.index);
    if (pending) {
      if (message.error !== undefined || !message.analysis) pending.reject(new Error(`analysis of ${pending.job.dir} failed: ${message.error}`));
      else pending.resolve(message.analysis);
    }
    if (running.size === 0) {
      this.idle.push(worker);
      this.dispatch();
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const running of this.running.values()) for (const pending of running.values()) pending.reject(error);
    for (const pending of this.queue.splice(0)) pending.reject(error);
  }
}
