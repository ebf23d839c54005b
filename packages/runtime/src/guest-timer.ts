/**
 * The host side of one instance's guest timers. The guest reports (through the boundary's `setTimer` import)
 * when its next timer or immediate is due and whether a ref'd one is pending; this keeps ONE host timer that
 * mirrors it: ref'd exactly when the guest has a ref'd timer (so the process lives as long as Node's would),
 * a setImmediate when something is due now, a setTimeout otherwise. When it fires it calls in to run one
 * guest callback at a time (through the package's normal call path: limits, events and the airlock apply).
 *
 * A guest must not stall the host: at most MAX_RUNS_PER_TURN callbacks or MAX_TURN_MS run back to back before
 * the host yields to its other work, and a delay is never under 1 ms (as Node's).
 */
import { prefixedLines } from './terminal-text.ts';

const MAX_RUNS_PER_TURN = 1_000;
const MAX_TURN_MS = 10;
// Node turns a longer delay into 1 ms (with a warning): clamp instead, a guest asking for more is not due sooner.
const TIMEOUT_MAX = 2 ** 31 - 1;
// Errors thrown by timer callbacks are printed; a package throwing from a fast interval must not flood stderr.
const MAX_LOGGED_ERRORS = 100;

type HostTimer = { ref?(): unknown; unref?(): unknown };

const hasImmediate = typeof setImmediate === 'function';

export class GuestTimer {
  private handle: HostTimer | undefined;
  private clear: (() => void) | undefined;
  private delayMs: number | undefined;
  private keepAlive = false;
  private running = false;
  private retry = false;
  private disposed = false;
  private logged = 0;

  /** `runNext` calls into the instance to run its next due callback; it throws the callback's error, if any. */
  constructor(
    private readonly packageName: string,
    private readonly runNext: () => void,
    private readonly isBusy: (error: unknown) => boolean,
  ) {}

  /** The guest's report: next callback due in `delayMs` (undefined: none), and whether a ref'd one is pending. */
  update(delayMs: unknown, keepAlive: unknown): void {
    this.delayMs = typeof delayMs === 'number' && Number.isFinite(delayMs) ? Math.min(Math.max(0, delayMs), TIMEOUT_MAX) : undefined;
    this.keepAlive = keepAlive === true;
    // While callbacks run, the loop in fire() re-arms once at the end.
    if (!this.running) this.arm();
  }

  /** A call into the instance ended: a run that found it busy is retried right away. */
  callEnded(): void {
    if (!this.retry || this.running) return;
    this.retry = false;
    this.delayMs = 0;
    this.arm();
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
  }

  private arm(): void {
    this.cancel();
    if (this.disposed || this.delayMs === undefined) return;
    const fire = () => this.fire();
    if (this.delayMs === 0 && hasImmediate) {
      const immediate = setImmediate(fire);
      this.clear = () => clearImmediate(immediate);
      this.handle = immediate;
    } else {
      const timeout = setTimeout(fire, Math.max(1, this.delayMs));
      this.clear = () => clearTimeout(timeout);
      this.handle = timeout as unknown as HostTimer;
    }
    // Browsers have no unref: a page does not exit anyway.
    if (!this.keepAlive) this.handle.unref?.();
  }

  private cancel(): void {
    this.clear?.();
    this.clear = undefined;
    this.handle = undefined;
  }

  private fire(): void {
    this.clear = undefined;
    this.handle = undefined;
    const started = performance.now();
    this.running = true;
    try {
      for (let runs = 1; !this.disposed; runs++) {
        try {
          this.runNext();
        } catch (error) {
          if (this.isBusy(error)) {
            this.retry = true;
            return;
          }
          this.report(error);
        }
        if (this.delayMs !== 0 || runs >= MAX_RUNS_PER_TURN || performance.now() - started >= MAX_TURN_MS) break;
      }
    } finally {
      this.running = false;
    }
    this.arm();
  }

  /** A timer callback threw: Node would report an uncaught exception; the host prints it and goes on. */
  private report(error: unknown): void {
    if (this.logged > MAX_LOGGED_ERRORS) return;
    this.logged += 1;
    const text = this.logged > MAX_LOGGED_ERRORS ? `more than ${MAX_LOGGED_ERRORS} timer callbacks threw; further errors of this instance are not shown` : `Uncaught exception in a timer callback: ${error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error)}`;
    console.error(prefixedLines(`[${this.packageName}] `, text));
  }
}
