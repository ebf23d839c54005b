import type { BoundarySession } from './boundary-session.ts';
import type { GuestExports } from './isolated-package.ts';

// Per-call instances kept alive at once for promises they returned; past this the oldest is disposed
// (its promises reject with ERR_ISOLATE_HANDLE_EXPIRED), so promises nothing settles cannot pile up instances.
export const MAX_WAITING_PER_CALL = 16;

/** One live instance of a component, in this thread or in a worker. */
export interface Slot {
  id: number;
  guest: GuestExports;
  busy: boolean;
  /** The instance's handles and promises (none for an instance in a worker). */
  session?: BoundarySession;
  /** Current size of the instance's linear memory, for telling an out-of-memory trap apart. */
  memoryBytes(): number;
  dispose(reason: string): void;
}

export class IsolateReentrancyError extends Error {
  readonly code = 'ERR_ISOLATE_REENTRANT';
  constructor(packageName: string) {
    super(
      `isolate-deps: "${packageName}" was called again while a call into it is still running: host code that the package called ` +
        `(a callback such as next(), or a method of a live host object such as res.end()) called back into it, and a component instance ` +
        `cannot be re-entered. Respond asynchronously (after an await or setImmediate), so the host code runs after the package's call ` +
        `has returned; "instance": "pool" serves a new call of the package's exports from another instance, but never a function ` +
        `the package created (such as one it stored on res), which belongs to its own instance (see docs/live-host-objects.md)`,
    );
    this.name = 'IsolateReentrancyError';
  }
}

/**
 * Hands out instances by the policy's mode:
 * - shared: one instance, created on first use, kept until it fails;
 * - per-call: a fresh instance for every call, disposed right after (no state survives), or once the promises
 *   it returned have settled (calls pinned to its session, such as the promise pump, reach it until then);
 * - pool: up to `size` instances; a call takes one that is not in use.
 */
export class InstancePool {
  private slots: Slot[] = [];
  private next = 0;
  /** Per-call instances whose promises are still pending, oldest first. */
  private readonly waiting: Slot[] = [];

  constructor(
    private readonly packageName: string,
    readonly mode: 'shared' | 'per-call' | 'pool',
    private readonly size: number,
    private readonly create: () => Slot,
  ) {}

  /** An instance for one call; `pinned`: the session a handle or timer of the call belongs to (busy: re-entrancy; gone: any). */
  acquire(pinned?: BoundarySession): Slot {
    if (this.mode === 'per-call') {
      const waiting = pinned && this.waiting.find((slot) => slot.session === pinned);
      if (waiting?.busy) throw new IsolateReentrancyError(this.packageName);
      return this.mark(waiting ?? this.create());
    }
    const own = pinned && this.slots.find((slot) => slot.session === pinned);
    if (own) {
      if (own.busy) throw new IsolateReentrancyError(this.packageName);
      return this.mark(own);
    }
    const limit = this.mode === 'pool' ? this.size : 1;
    // Fill the pool before reusing, then take turns (skipping instances that are busy).
    if (this.slots.length < limit && this.slots.every((s) => s.busy || this.mode === 'pool')) {
      const slot = this.create();
      this.slots.push(slot);
      return this.mark(slot);
    }
    for (let tried = 0; tried < this.slots.length; tried++) {
      const slot = this.slots[(this.next + tried) % this.slots.length]!;
      if (!slot.busy) {
        this.next = (this.next + tried + 1) % Math.max(1, this.slots.length);
        return this.mark(slot);
      }
    }
    if (this.slots.length < limit) {
      const slot = this.create();
      this.slots.push(slot);
      return this.mark(slot);
    }
    throw new IsolateReentrancyError(this.packageName);
  }

  release(slot: Slot): void {
    slot.busy = false;
    if (this.mode !== 'per-call' || this.waiting.includes(slot)) return;
    const session = slot.session;
    if (!session || session.stats().pendingPromises === 0) {
      slot.dispose('per-call');
      return;
    }
    // It returned a promise: it lives until that settles (or its session is disposed), then goes.
    this.waiting.push(slot);
    session.whenSettled(() => {
      const index = this.waiting.indexOf(slot);
      if (index >= 0) this.waiting.splice(index, 1);
      slot.dispose('per-call');
    });
    if (this.waiting.length > MAX_WAITING_PER_CALL) this.waiting[0]!.dispose('too many per-call instances waiting on promises');
  }

  /** Drops a failed instance; the next call gets a fresh one. */
  discard(slot: Slot, reason: string): void {
    slot.busy = false;
    this.slots = this.slots.filter((s) => s !== slot);
    const waiting = this.waiting.indexOf(slot);
    if (waiting >= 0) this.waiting.splice(waiting, 1);
    slot.dispose(reason);
  }

  private mark(slot: Slot): Slot {
    slot.busy = true;
    return slot;
  }
}
