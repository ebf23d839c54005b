import { decode, DEFAULT_MAX_DECODE_LENGTH, Op, rebuildError, STRING_REPLY, type ExportShape } from '@isolate-deps/boundary';
import type { Grant } from '@isolate-deps/policy';
import { BoundaryExchange } from './boundary-exchange.ts';
import { CallDeadlineExceeded, trackCall, withinDeadline } from './call-deadline.ts';
import type { BoundarySession } from './boundary-session.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { CapabilityDeniedError, IsolateTerminatedError, IsolateMemoryLimitError, IsolateTimeoutError, IsolateTrapError } from './errors.ts';
import { emitEvent, eventsEnabled, type CallEvent } from './events.ts';
import { DEFAULT_EXECUTION, type ExecutionPolicy } from './execution-policy.ts';
import { InstancePool, IsolateReentrancyError, type Slot } from './instance-pool.ts';
import { createThreadSlot } from './thread-instance.ts';
import { createWorkerSlot } from './worker-instance.ts';
import { onViolation, type Violation } from './violations.ts';

// Share of limits.memoryMb in use at a trap that marks it as the memory limit.
const MEMORY_NEAR_CAP = 0.75;

/** What jco's `--instantiation sync` output exports. */
export type Instantiate = (
  getCoreModule: (file: string) => WebAssembly.Module,
  imports: Record<string, Record<string, unknown>>,
  instantiateCore?: (module: WebAssembly.Module, imports?: WebAssembly.Imports) => WebAssembly.Instance,
) => GuestExports;

export interface GuestExports {
  call(target: string, args: string): string;
  describe(): string;
}

export interface PackageManifest {
  name: string;
  version: string;
  grant: Grant;
  policyFile: string;
  /** Project root for fs grants. */
  root: string;
  /** Folder holding the component's core wasm files. */
  componentDir: string;
  instantiate: Instantiate;
  /** Instance mode, limits and failure handling; default: one shared instance, no limits. */
  execution?: ExecutionPolicy;
}

/** One isolated package in this process: instances by the policy's mode, replaced after a failure. */
export class IsolatedPackage {
  private readonly pool: InstancePool;
  private readonly breaker: CircuitBreaker;
  /** limits.timeoutMs when this thread enforces it. */
  private readonly deadlineMs: number | undefined;
  private nextInstanceId = 1;
  /** Set by the first violation under "onViolation": "terminate"; from then on every call fails. */
  private terminatedBy: Violation | undefined;

  /** `inert`: no environment, files or network, for the build's describe; `deadlineMs` then bounds each call. */
  constructor(readonly manifest: PackageManifest, private readonly options: { inert?: boolean; deadlineMs?: number } = {}) {
    const execution = manifest.execution ?? DEFAULT_EXECUTION;
    const timeoutMs = execution.limits.timeoutMs;
    const inWorker = execution.thread === 'worker' && timeoutMs !== undefined && !options.inert;
    // In the calling thread a time limit is a V8 watchdog around each call (call-deadline.ts); a worker times its own calls.
    this.deadlineMs = inWorker ? undefined : options.inert ? options.deadlineMs : timeoutMs;
    this.pool = new InstancePool(manifest.name, execution.instance, execution.poolSize, () => {
      const id = this.nextInstanceId++;
      if (inWorker) return createWorkerSlot(id, manifest, timeoutMs!);
      const slot = createThreadSlot(id, manifest, options.inert === true);
      // As a worker does at boot: V8 compiles the engine's call path lazily, on first use; that is host work, kept
      // out of the package's time limit (the ping runs none of the package's code).
      if (this.deadlineMs !== undefined) slot.guest.call(Op.ping, '[]');
      return slot;
    });
    this.breaker = new CircuitBreaker(manifest.name, execution.circuitBreaker);
    if (execution.onViolation === 'terminate' && !options.inert) onViolation((v) => v.package === manifest.name && (this.terminatedBy ??= v));
  }

  /** One boundary operation, e.g. Op.apply + "0:parse" with [thisArg, ...args]; rethrows the guest's error on the host. */
  call(target: string, args: unknown[]): unknown {
    return this.callIn(undefined, target, args);
  }

  /** Like call, pinned to the instance of `session` when a handle is involved (handles live in one instance). */
  callIn(session: BoundarySession | undefined, target: string, args: unknown[]): unknown {
    const memoryMb = this.manifest.execution?.limits.memoryMb;
    // A reply cannot be longer than the instance's memory, nor than the host decodes at all.
    const exchange = new BoundaryExchange(this, session, memoryMb === undefined ? DEFAULT_MAX_DECODE_LENGTH : Math.min(memoryMb * 1024 * 1024, DEFAULT_MAX_DECODE_LENGTH));
    // A per-call instance is released after the reply is read: a promise in it keeps the instance (InstancePool.release).
    const held: { slot?: Slot } = {};
    try {
      return exchange.settle(this.enter(target, () => exchange.bytesIn, (guest) => exchange.run(guest, target, args), session, held));
    } finally {
      if (held.slot) this.pool.release(held.slot);
    }
  }

  get packageName(): string {
    return this.manifest.name;
  }

  /** The host error for an error record the guest sent (typed for denials and re-entrancy). */
  hostError(value: unknown): Error {
    return toHostError(value, this.manifest.name);
  }

  /** The export shapes of the package's roots (used at build time). */
  describe(): ExportShape[] {
    return this.settle(this.enter('describe', () => 0, (guest) => guest.describe())) as ExportShape[];
  }

  private enter(exportName: string, bytesIn: () => number, use: (guest: GuestExports) => string, pinned?: BoundarySession, held?: { slot?: Slot }): string {
    const started = eventsEnabled ? performance.now() : 0;
    let outcome: CallEvent['outcome'] = 'ok';
    let reply = '';
    let instance = 0;
    if (this.terminatedBy) {
      this.record(exportName, instance, started, bytesIn(), 0, 'terminated');
      throw new IsolateTerminatedError(this.manifest.name, this.terminatedBy);
    }
    try {
      this.breaker.check();
    } catch (error) {
      outcome = 'circuit-open';
      this.record(exportName, instance, started, bytesIn(), 0, outcome);
      throw error;
    }
    let slot: Slot;
    try {
      slot = this.pool.acquire(pinned);
    } catch (error) {
      if (error instanceof IsolateReentrancyError) throw error;
      // A new instance failed to start (its top-level code hit timeoutMs, or it trapped): a failure like any other.
      const failure = this.classify(error, undefined);
      outcome = failure instanceof IsolateTimeoutError ? 'timeout' : failure instanceof IsolateMemoryLimitError ? 'memory-limit' : 'trap';
      this.breaker.failure();
      this.record(exportName, instance, started, bytesIn(), 0, outcome);
      throw failure;
    }
    instance = slot.id;
    try {
      const deadlineMs = this.deadlineMs;
      const guest = slot.guest;
      // A timeout of an enclosing call (this one ran inside its host callback) leaves this instance mid-call: drop it.
      reply = trackCall(deadlineMs === undefined ? () => use(guest) : () => withinDeadline(deadlineMs, () => use(guest)), () => this.pool.discard(slot, 'abandoned'));
      if (this.terminatedBy) {
        // The attempt happened during this call: its result is not trusted, and the instance is dropped.
        outcome = 'terminated';
        this.pool.discard(slot, 'terminated');
        throw new IsolateTerminatedError(this.manifest.name, this.terminatedBy);
      }
      if (reply[0] !== '0' && reply[0] !== STRING_REPLY) {
        outcome = 'error';
        // SpiderMonkey reports a failed memory.grow as a catchable "out of memory": the guest lives on with
        // a full memory, so treat it as the memory limit and replace the instance.
        if (this.atMemoryLimit(slot) && reply.includes('out of memory')) throw new Error('out of memory');
      }
      this.breaker.success();
      return reply;
    } catch (error) {
      if (error instanceof IsolateTerminatedError) throw error;
      // A trap poisons the instance for good: drop it so the next call starts fresh.
      const failure = this.classify(error, slot);
      outcome = failure instanceof IsolateTimeoutError ? 'timeout' : failure instanceof IsolateMemoryLimitError ? 'memory-limit' : 'trap';
      this.pool.discard(slot, outcome);
      this.breaker.failure();
      throw failure;
    } finally {
      if (outcome === 'ok' || outcome === 'error') {
        if (held && this.pool.mode === 'per-call') held.slot = slot;
        else this.pool.release(slot);
      }
      this.record(exportName, instance, started, bytesIn(), reply.length, outcome);
    }
  }

  private classify(error: unknown, slot: Slot | undefined): Error {
    if (error instanceof IsolateTimeoutError) return error;
    if (error instanceof CallDeadlineExceeded) return new IsolateTimeoutError(this.manifest.name, error.timeoutMs);
    // A failed memory.grow can also surface as a plain trap; a memory near its cap tells them apart.
    if (slot && this.atMemoryLimit(slot)) return new IsolateMemoryLimitError(this.manifest.name, this.manifest.execution!.limits.memoryMb!, error);
    return new IsolateTrapError(this.manifest.name, error);
  }

  private atMemoryLimit(slot: Slot): boolean {
    const memoryMb = this.manifest.execution?.limits.memoryMb;
    return memoryMb !== undefined && slot.memoryBytes() >= memoryMb * 1024 * 1024 * MEMORY_NEAR_CAP;
  }

  private record(exportName: string, instance: number, started: number, bytesIn: number, bytesOut: number, outcome: CallEvent['outcome']): void {
    if (!eventsEnabled) return;
    const target = exportName.slice(exportName.indexOf(':') + 1) || 'default';
    emitEvent({ type: 'call', package: this.manifest.name, export: target, instance, durationUs: Math.round((performance.now() - started) * 1000), bytesIn, bytesOut, outcome, time: new Date().toISOString() });
  }

  private settle(reply: string): unknown {
    if (reply[0] === '0') return reply.length === 1 ? undefined : decode(reply.slice(1));
    throw toHostError(decode(reply.slice(1)), this.manifest.name);
  }
}

function toHostError(value: unknown, packageName: string): Error {
  const error = value instanceof Error ? value : rebuildError(value);
  const fields = error as Error & { code?: unknown; capability?: unknown; target?: unknown };
  if (fields.code === 'ERR_CAPABILITY_DENIED') {
    const denied = new CapabilityDeniedError(error.message, packageName, String(fields.capability), String(fields.target));
    denied.stack = error.stack;
    return denied;
  }
  // A host callback called back into this package: the guest passed the host's error through.
  if (fields.code === 'ERR_ISOLATE_REENTRANT') return Object.assign(new IsolateReentrancyError(packageName), { stack: error.stack });
  return error;
}
