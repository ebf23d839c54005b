import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { componentizeAndTranspile, type BuiltComponent } from './componentize.ts';
import type { ComponentizeRequest } from './componentize-worker.ts';

/**
 * componentize-js blocks its thread (it runs Wizer with spawnSync), so components built on one thread are
 * built one after another whatever the async API suggests. The pool runs them in build processes, up to the
 * core count (not worker threads: componentize-js hands Wizer `process.stdout`, which a worker cannot pass
 * on). The pool is also bounded so that builds fit in half the machine's memory, counting about 1 GB for
 * each (a build process and its Wizer process together).
 */
const BUILD_PEAK_BYTES = 1024 ** 3;
// ISOLATE_DEPS_BUILD_THREADS=<n> sets the size (a CI runner with less memory than it reports, or a benchmark).
const POOL_SIZE = Number(process.env.ISOLATE_DEPS_BUILD_THREADS) || Math.max(1, Math.min(availableParallelism(), Math.floor(totalmem() / 2 / BUILD_PEAK_BYTES)));

// Built next to the bundled compiler (packages/isolate-deps/build.mjs); absent when running from workspace sources.
const WORKER_FILE = fileURLToPath(new URL('./componentize-worker.js', import.meta.url));

interface Task extends ComponentizeRequest {
  resolve(built: BuiltComponent): void;
  reject(error: Error): void;
}

const waiting: Task[] = [];
let running = 0;
let inThread: Promise<unknown> = Promise.resolve();

/** Guest JS + WIT → component → jco bindings, in a process of the build pool (one at a time on this thread without one). */
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

/** A build process takes tasks until none wait, then exits: an idle one holds a few hundred MB. */
function startWorker(): void {
  running++;
  const worker = fork(WORKER_FILE, [], {
    serialization: 'advanced', // the wasm files cross as bytes, not as JSON arrays
    // None of this process's flags: `-e <code>` would run that code again instead of the build file, --import its preloads.
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let current: Task | undefined;
  const next = () => {
    current = waiting.shift();
    if (!current) {
      running--;
      worker.disconnect();
      return;
    }
    worker.send({ guestCode: current.guestCode, wit: current.wit } satisfies ComponentizeRequest);
  };
  let answered = false;
  worker.on('message', (reply: { built?: BuiltComponent; error?: { message: string; stack: string } }) => {
    answered = true;
    if (reply.error) current?.reject(Object.assign(new Error(reply.error.message), { stack: reply.error.stack }));
    else current?.resolve(reply.built!);
    next();
  });
  let failure: Error | undefined;
  worker.on('error', (error) => (failure = error));
  worker.on('exit', (code, signal) => {
    if (!current) return; // sent away while idle
    // The process itself died (not one build failing): fail its task, and let a fresh one take the rest.
    const error = failure ?? new Error(`isolate-deps: a build process exited with ${signal ?? `code ${code}`}`);
    current.reject(error);
    current = undefined;
    running--;
    // One that never answered cannot start at all: fail the queue rather than start process after process.
    if (!answered) for (const task of waiting.splice(0)) task.reject(error);
    else if (waiting.length > 0) startWorker();
  });
  next();
}
