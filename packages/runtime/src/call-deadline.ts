import vm from 'node:vm';

/**
 * Time limits on the calling thread. A `vm` script timeout starts V8's watchdog, whose
 * TerminateExecution stops even a wasm loop (`for (;;) {}` in the guest) without a worker, so callbacks
 * and handles keep working. Termination cannot be caught on the way up: no `catch` or `finally` runs
 * between the point where it hit and the timed call that owns the deadline. Every call into a guest
 * therefore registers what to do if it is abandoned that way (discard its instance), and the timed call
 * that catches the timeout runs those for every call started inside it.
 */

export class CallDeadlineExceeded extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the call ran longer than ${timeoutMs} ms`);
  }
}

let next: (() => unknown) | undefined;
let script: vm.Script | undefined;

// Made on first use (the browser bundle has no `vm`, and never gets a time limit). The script reaches the
// function to run through a global trampoline: runInThisContext resolves names against the global object.
function timedScript(): vm.Script {
  if (script) return script;
  Object.defineProperty(globalThis, Symbol.for('isolate-deps.timedCall'), {
    value: () => {
      const run = next!;
      next = undefined;
      return run();
    },
  });
  return (script = new vm.Script('globalThis[Symbol.for("isolate-deps.timedCall")]()', { filename: 'isolate-deps:call-deadline' }));
}

/** Calls in progress, innermost last: how to clean each up if a timeout unwinds through it. */
const inProgress: (() => void)[] = [];

/** Runs `fn` as one call into a guest; `onAbandoned` runs instead of its own cleanup if a timeout outside it ends it. */
export function trackCall<T>(fn: () => T, onAbandoned: () => void): T {
  const depth = inProgress.push(onAbandoned);
  try {
    return fn();
  } finally {
    inProgress.length = depth - 1;
  }
}

/** Runs `fn` and stops it after `timeoutMs`, throwing CallDeadlineExceeded; calls started inside it are abandoned. */
export function withinDeadline<T>(timeoutMs: number, fn: () => T): T {
  const depth = inProgress.length;
  const timed = timedScript();
  next = fn;
  try {
    return timed.runInThisContext({ timeout: timeoutMs, displayErrors: false }) as T;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw error;
    for (const abandon of inProgress.splice(depth).reverse()) abandon();
    throw new CallDeadlineExceeded(timeoutMs);
  } finally {
    next = undefined;
  }
}
