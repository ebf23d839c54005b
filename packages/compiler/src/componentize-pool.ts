import { existsSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { componentizeAndTranspile, type BuiltComponent } from './componentize.ts';
import type { ComponentizeRequest } from './componentize-worker.ts';

/**
 * componentize-js blocks its thread (it runs Wizer with spawnSync), so components built on one thread are
 * built one after another whatever the async API suggests. The pool runs them in worker threads, up to the
 * core count. Each build peaks at about 1 GB across its worker and its Wizer process (measured with
 * bench/scale.mjs): the pool is also bounded so that they fit in half the machine's memory.
 */
const BUILD_PEAK_BYTES = 1024 ** 3;
// ISOLATE_DEPS_BUILD_THREADS=<n> sets the size (a CI runner with less memory than it reports, or a benchmark).
const POOL_SIZE = Number(process.env.ISOLATE_DEPS_BUILD_THREADS) || Math.max(1, Math.min(availableParallelism(), Math.floor(totalmem() / 2 / BUILD_PEAK_BYTES)));

// Built next to the bundled compiler (packages/isolate-deps/build.mjs); absent when running from workspace sources.
const WORKER_FILE = fileURLToPath(new URL('./componentize-worker.js', import.meta.url));

interface Task extends Omit<ComponentizeRequest, 'id'> {
  resolve(built: BuiltComponent): void;
  reject(error: Error): void;
}

const waiting: Task[] = [];
let running = 0;
let inThread: Promise<unknown> = Promise.resolve();

/** Guest JS + WIT → component → jco bindings, in a worker of the build pool (one at a time on this thread without one). */
export function buildComponent(guestCode: string, wit: string): Promise<BuiltComponent> {
  if (!existsSync(WORKER_FILE)) {
    // Queue them: concurrent builds on one thread only compete for its memory.
    const built = inThread.then(() => componentizeAndTranspile(guestCode, wit));
    inThread = built.catch(() => {});
    return built;
  }
  return new Promise((resolve, reject) => {
    waiting.push({ guestCode, wit, resolve, reject });
    if (running < POOL_SIZE) startWorker();
  });
}

/** A worker takes tasks until none wait, then exits: an idle build worker holds a few hundred MB. */
function startWorker(): void {
  running++;
  const worker = new Worker(WORKER_FILE);
  let current: Task | undefined;
  const next = () => {
    current = waiting.shift();
    if (!current) {
      running--;
      void worker.terminate();
      return;
    }
    worker.postMessage({ id: 0, guestCode: current.guestCode, wit: current.wit } satisfies ComponentizeRequest);
  };
  worker.on('message', (reply: { built?: BuiltComponent; error?: { message: string; stack: string } }) => {
    if (reply.error) current?.reject(Object.assign(new Error(reply.error.message), { stack: reply.error.stack }));
    else current?.resolve(reply.built!);
    next();
  });
  let failure: Error | undefined;
  worker.on('error', (error) => (failure = error));
  worker.on('exit', (code) => {
    if (!current) return; // terminated while idle
    // The worker itself died (not one build failing): fail its task, and let a fresh worker take the rest.
    current.reject(failure ?? new Error(`isolate-deps: a build worker exited with code ${code}`));
    current = undefined;
    running--;
    if (waiting.length > 0) startWorker();
  });
  next();
}
