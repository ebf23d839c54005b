import path from 'node:path';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { allCoreModules } from './core-modules.ts';
import { IsolateTimeoutError } from './errors.ts';
import { emitEvent, eventsEnabled, type IsolateEvent } from './events.ts';
import type { Slot } from './instance-pool.ts';
import type { PackageManifest } from './isolated-package.ts';
import { reportViolation, type Violation } from './violations.ts';

/** What the worker sends back after each request. */
export interface WorkerReply {
  /** The request this answers: a reply to an earlier request (one that timed out) is dropped, never read as this one's. */
  seq: number;
  reply?: string;
  trap?: string;
  error?: string;
  memoryBytes: number;
  violations: Violation[];
  events: IsolateEvent[];
}

// Compiling and instantiating the component: host work the package cannot stretch. Its top-level code runs
// after that, in the "load" step, under the package's own timeoutMs.
const BOOT_TIMEOUT_MS = 30_000;

/**
 * An instance in a worker thread behind a synchronous facade: the caller blocks on Atomics.wait with
 * the package's timeout. When it expires the worker is terminated, so even `for (;;) {}` is stopped.
 */
export function createWorkerSlot(id: number, manifest: PackageManifest, timeoutMs: number): Slot {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const workerFile = path.join(path.dirname(manifest.componentDir), 'runtime-worker.mjs');
  const worker = new Worker(workerFile, {
    workerData: {
      port: port2,
      flag,
      componentDir: manifest.componentDir,
      // Compiled once in this thread and shared: a worker per instance would otherwise compile the engine each time.
      modules: allCoreModules(manifest.componentDir, manifest.execution?.limits.memoryMb),
      observe: eventsEnabled,
      manifest: { name: manifest.name, version: manifest.version, grant: manifest.grant, policyFile: manifest.policyFile, root: manifest.root, memoryMb: manifest.execution?.limits.memoryMb, timeoutMs },
      instance: id,
    },
    transferList: [port2],
  });
  worker.unref();
  port1.unref();
  let memoryBytes = 0;
  let seq = 0;
  let gone = false;

  const request = (message: Record<string, unknown>, limitMs: number): WorkerReply => {
    if (gone) throw new Error(`isolate-deps: the worker of "${manifest.name}" was stopped`);
    const id = ++seq;
    Atomics.store(flag, 0, 0);
    port1.postMessage({ ...message, seq: id });
    const deadline = performance.now() + limitMs;
    let reply: WorkerReply | undefined;
    while (!reply) {
      const left = deadline - performance.now();
      if (left <= 0 || Atomics.wait(flag, 0, 0, left) === 'timed-out') {
        // The worker may still answer later: it is stopped, and this slot refuses every later request.
        gone = true;
        void worker.terminate();
        throw new IsolateTimeoutError(manifest.name, limitMs);
      }
      Atomics.store(flag, 0, 0);
      for (let next = receiveMessageOnPort(port1); next; next = receiveMessageOnPort(port1)) {
        const candidate = next.message as WorkerReply;
        if (candidate.seq === id) reply = candidate;
      }
    }
    memoryBytes = reply.memoryBytes;
    // Violations and events happened in the worker: deliver them to this thread's handlers and stderr.
    for (const v of reply.violations) reportViolation(v.package, v.capability, v.target, manifest.policyFile);
    for (const e of reply.events) emitEvent(e);
    if (reply.error) throw new Error(reply.error);
    if (reply.trap !== undefined) throw new Error(reply.trap);
    return reply;
  };

  try {
    request({ op: 'boot' }, BOOT_TIMEOUT_MS);
    request({ op: 'load' }, timeoutMs);
  } catch (error) {
    gone = true;
    void worker.terminate();
    throw error;
  }
  if (eventsEnabled) emitEvent({ type: 'instance', package: manifest.name, instance: id, action: 'create', time: new Date().toISOString() });
  return {
    id,
    busy: false,
    guest: {
      call: (target, args) => request({ op: 'call', target, args }, timeoutMs).reply!,
      describe: () => request({ op: 'describe' }, timeoutMs).reply!,
    },
    memoryBytes: () => memoryBytes,
    dispose(reason) {
      gone = true;
      void worker.terminate();
      if (eventsEnabled) emitEvent({ type: 'instance', package: manifest.name, instance: id, action: 'dispose', reason, time: new Date().toISOString() });
    },
  };
}
