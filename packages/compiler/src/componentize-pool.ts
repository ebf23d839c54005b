import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { componentizeAndTranspile, type BuiltComponent } from './componentize.ts';
import type { ComponentizeReply, ComponentizeRequest } from './componentize-worker.ts';
import { descendantsOf, treeRssBytes } from './tree-memory.ts';
import type { WorldTemplate } from './world-template.ts';

/**
 * componentize-js blocks its thread (it runs Wizer with spawnSync), so components built on one thread are
 * built one after another whatever the async API suggests. The pool runs them in build processes, up to the
 * core count (not worker threads: componentize-js hands Wizer `process.stdout`, which a worker cannot pass
 * on), and starts another only while the whole process tree stays within a memory budget.
 *
 * Per world (world-template.ts): one process prepares it (the splicer's passes), then its first build runs all
 * of componentize-js and jco but those passes, and the builds after it run Wizer only. Each job has a process of
 * its own, which exits after it: memory a process grew is not given back.
 */
const MB = 1024 ** 2;
// Peak RSS of each kind of job (its process and Wizer's), measured on Linux x64 (docs/development.md, "Build memory").
const PEAK = { prepare: 650 * MB, first: 500 * MB, fromTemplate: 450 * MB };
// ISOLATE_DEPS_BUILD_MEMORY_MB=<n>: the budget for this process and all its descendants (bundler, build processes).
const MEMORY_BUDGET = (Number(process.env.ISOLATE_DEPS_BUILD_MEMORY_MB) || 1024) * MB;
// ISOLATE_DEPS_BUILD_THREADS=<n> caps the number of build processes (a CI runner with fewer cores than it reports, or a benchmark).
const MAX_PROCESSES = Number(process.env.ISOLATE_DEPS_BUILD_THREADS) || availableParallelism();
// Templates kept for later builds (about 45 MB each): the least recently used goes first.
const KEPT_WORLDS = 3;
// A cold, busy 2-core machine takes about a minute for the longest job (a world's first build).
const DEFAULT_JOB_BUDGET_MS = 10 * 60_000;

// Built next to the bundled compiler (packages/isolate-deps/build.mjs); absent when running from workspace sources.
const WORKER_FILE = fileURLToPath(new URL('./componentize-worker.js', import.meta.url));

interface Task {
  guestCode: string;
  wit: string;
  resolve(built: BuiltComponent): void;
  reject(error: Error): void;
}

interface World {
  template?: WorldTemplate;
  /** Its preparation or first build is running: its other builds wait for the template. */
  busy: boolean;
}

const waiting: Task[] = [];
/** Running jobs' processes, and the peak each is expected to reach. */
const running = new Map<ChildProcess, number>();
const worlds = new Map<string, World>();
let inThread: Promise<unknown> = Promise.resolve();
let anyAnswered = false;

/** Guest JS + WIT → component → jco bindings, in a process of the build pool (one at a time on this thread without one). */
export function buildComponent(guestCode: string, wit: string): Promise<BuiltComponent> {
  if (!existsSync(WORKER_FILE)) {
    // Queue them: concurrent builds on one thread only compete for its memory.
    const built = inThread.then(async () => {
      const done = await componentizeAndTranspile(guestCode, wit, worlds.get(wit)?.template);
      keep(wit, done.template);
      return done.built;
    });
    inThread = built.catch(() => {});
    return built;
  }
  return new Promise((resolve, reject) => {
    waiting.push({ guestCode, wit, resolve, reject });
    schedule();
  });
}

/** Starts what can run now: preparations and builds whose world is not busy, while they fit in the budget and process count. */
function schedule(): void {
  for (let i = 0; i < waiting.length; ) {
    const task = waiting[i]!;
    const world = worlds.get(task.wit);
    if (world?.busy) {
      i++;
      continue;
    }
    const template = world?.template;
    const kind = !template ? 'prepare' : template.built ? 'fromTemplate' : 'first';
    if (running.size >= MAX_PROCESSES || !fits(PEAK[kind])) return;
    if (kind === 'prepare') {
      worlds.set(task.wit, { busy: true });
      run({ prepare: true, wit: task.wit }, PEAK[kind], (reply) => {
        worlds.get(task.wit)!.busy = false;
        if (reply.template) keep(task.wit, reply.template);
        else {
          // A world that cannot be prepared fails its builds.
          worlds.delete(task.wit);
          for (const other of waiting.filter((t) => t.wit === task.wit)) {
            waiting.splice(waiting.indexOf(other), 1);
            fail(other, reply.error);
          }
        }
      });
      continue;
    }
    waiting.splice(i, 1);
    if (kind === 'first') world!.busy = true;
    run({ guestCode: task.guestCode, wit: task.wit, template }, PEAK[kind], (reply) => {
      if (kind === 'first') world!.busy = false;
      if (reply.template) keep(task.wit, reply.template);
      if (reply.built) task.resolve(reply.built);
      else fail(task, reply.error);
    });
  }
}

function fail(task: Task, error: ComponentizeReply['error']): void {
  task.reject(Object.assign(new Error(error?.message ?? 'isolate-deps: the build failed'), { stack: error?.stack }));
}

/** Whether a job expected to peak at `peak` fits beside the rest of the tree and the jobs running (each counted at its peak). */
function fits(peak: number): boolean {
  if (running.size === 0) return true; // one job at least, however small the budget
  const committed = [...running.values()].reduce((sum, p) => sum + p, 0);
  const pids = new Set([...running.keys()].flatMap((child) => (child.pid === undefined ? [] : [child.pid])));
  return treeRssBytes(pids) + committed + peak <= MEMORY_BUDGET;
}

function keep(wit: string, template: WorldTemplate): void {
  const world = worlds.get(wit) ?? { busy: false };
  world.template = template;
  worlds.delete(wit); // moved to the end
  worlds.set(wit, world);
  for (const [other, { busy }] of worlds) {
    if (worlds.size <= KEPT_WORLDS) break;
    if (!busy) worlds.delete(other);
  }
}

/** One job in a process of its own; `done` gets its reply, or an error reply if the process died. */
function run(request: ComponentizeRequest, peak: number, done: (reply: ComponentizeReply) => void): void {
  const child = fork(WORKER_FILE, [], {
    serialization: 'advanced', // the wasm files cross as bytes, not as JSON arrays
    // None of this process's flags: `-e <code>` would run that code again instead of the build file, --import its preloads.
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  running.set(child, peak);
  child.send(request);
  // A job runs package code (its top-level code, inside Wizer): one that never ends must fail the build, not hang it.
  const budgetMs = Number(process.env.ISOLATE_DEPS_BUILD_TIMEOUT_MS) || DEFAULT_JOB_BUDGET_MS;
  let overBudget = false;
  const budget = setTimeout(() => {
    overBudget = true;
    // Its Wizer process too, found before the job's own process dies (Wizer would then belong to no one).
    for (const pid of [...descendantsOf(child.pid!), child.pid!]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
  }, budgetMs);
  let answered = false;
  child.on('message', (reply: ComponentizeReply) => {
    answered = anyAnswered = true;
    done(reply);
    child.disconnect();
  });
  let failure: Error | undefined;
  child.on('error', (error) => (failure = error));
  child.on('exit', (code, signal) => {
    clearTimeout(budget);
    running.delete(child);
    if (!answered) {
      // The process itself died (not one build failing).
      const error = overBudget
        ? new Error(`isolate-deps: a build job was stopped after ${Math.round(budgetMs / 1000)} s (a package whose top-level code never finishes loading does this; ISOLATE_DEPS_BUILD_TIMEOUT_MS sets the limit)`)
        : (failure ?? new Error(`isolate-deps: a build process exited with ${signal ?? `code ${code}`}`));
      done({ error: { message: error.message, stack: String(error.stack) } });
      // While none has ever answered, they may not start at all: fail the queue rather than start process after process.
      if (!anyAnswered) for (const task of waiting.splice(0)) task.reject(error);
    }
    schedule();
  });
}
