/**
 * Runs inside the worker thread of a package with `limits.timeoutMs`: one component instance, its host
 * bindings (built here from the same grant), and a synchronous reply channel to the caller.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { workerData, type MessagePort } from 'node:worker_threads';
import { decode, Op, rebuildError } from '@isolate-deps/boundary';
import { coreModule } from './core-modules.ts';
import { onEvent, type IsolateEvent } from './events.ts';
import { GuestTimer } from './guest-timer.ts';
import { createHostImports } from './host-bindings.ts';
import type { GuestExports, Instantiate } from './isolated-package.ts';
import { observeCapabilities } from './thread-instance.ts';
import { onViolation, setViolationLogging, type Violation } from './violations.ts';

const { port, flag, componentDir, modules, manifest, observe, instance } = workerData as {
  port: MessagePort;
  flag: Int32Array;
  componentDir: string;
  modules: Record<string, WebAssembly.Module>;
  observe: boolean;
  instance: number;
  manifest: { name: string; version: string; grant: never; policyFile: string; root: string; memoryMb?: number; timeoutMs?: number };
};

// What one reply forwards to the caller's thread; a guest that reports more in one call is not let grow them.
const MAX_FORWARDED = 1_000;
const violations: Violation[] = [];
const events: IsolateEvent[] = [];
setViolationLogging(false); // the caller's thread reports them, once per package and capability
onViolation((v) => violations.length < MAX_FORWARDED && violations.push(v));
if (observe) onEvent((e) => events.length < MAX_FORWARDED && events.push(e));

let guest: GuestExports | undefined;
const memories: WebAssembly.Memory[] = [];

/**
 * Guest timers in a worker: the worker's own event loop fires them between requests. A callback that runs
 * long holds up the next request, which then fails at timeoutMs and stops the worker, as any call would.
 * The worker is unref'd, so a pending guest timer never keeps the process alive in this mode.
 */
const timer = new GuestTimer(manifest.name, runNextTimer, () => false);

function runNextTimer(): void {
  let reply: string;
  try {
    reply = guest!.call(Op.timers, '[]');
  } catch (error) {
    timer.dispose(); // a trap: the instance refuses every later call, the next request reports it
    throw error;
  }
  if (reply[0] === '0') return;
  let error: unknown;
  try {
    error = rebuildError(decode(reply.slice(1)));
  } catch {
    error = new Error('a timer callback threw a value that could not be read');
  }
  throw error;
}

async function boot(): Promise<void> {
  const { instantiate } = (await import(pathToFileURL(path.join(componentDir, 'guest.mjs')).href)) as { instantiate: Instantiate };
  const hostImports = createHostImports({ packageName: manifest.name, grant: manifest.grant, root: manifest.root, policyFile: manifest.policyFile, limits: { memoryMb: manifest.memoryMb, timeoutMs: manifest.timeoutMs } });
  hostImports['isolate:guest/boundary']!.setTimer = (delayMs: unknown, keepAlive: unknown) => timer.update(delayMs, keepAlive);
  const imports = observeCapabilities(hostImports, manifest.name, instance);
  guest = instantiate(
    (file) => modules[file] ?? coreModule(componentDir, file, manifest.memoryMb),
    imports,
    (module, importObject) => {
      const created = new WebAssembly.Instance(module, importObject);
      for (const value of Object.values(created.exports)) if (value instanceof WebAssembly.Memory) memories.push(value);
      return created;
    },
  );
}

function reply(seq: number, message: Record<string, unknown>): void {
  port.postMessage({ ...message, seq, memoryBytes: memories.reduce((n, m) => n + m.buffer.byteLength, 0), violations: violations.splice(0), events: events.splice(0) });
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

port.on('message', async (message: { op: 'boot' | 'load' | 'call' | 'describe'; seq: number; target?: string; args?: string }) => {
  const { seq } = message;
  if (message.op === 'boot') {
    try {
      await boot();
      // Warm up the call path (V8 compiles the engine's wasm lazily) without running any of the package.
      guest!.call(Op.ping, '[]');
      reply(seq, {});
    } catch (error) {
      reply(seq, { error: `isolate-deps: the worker for "${manifest.name}" failed to start: ${(error as Error).message}` });
    }
    return;
  }
  try {
    // "load" runs the package's top-level code (describe loads every root), under the caller's time limit.
    const answer = message.op === 'call' ? guest!.call(message.target!, message.args!) : guest!.describe();
    reply(seq, { reply: answer });
  } catch (error) {
    reply(seq, { trap: (error as Error).message });
  }
});
