/**
 * Pre-initialisation: the entry loads the package while the component is built (inside Wizer), so the snapshot
 * holds the package already loaded and its first call does not run the package's top-level code in the
 * interpreter. That equals loading it at the first call only if the top-level code learned nothing from the
 * host. So until the first call into the instance every host import is reached through a stand-in (compiler/guest-bundle.ts
 * generates them with `hostFunction`):
 * - a report or output that changes nothing the guest sees (a denial report, a console line, the next timer)
 *   is recorded, and made at the first call instead, in order: where a package loaded at its first call made it;
 * - any other host call (clock, randomness, environment, files, network, Intl) is refused. The package may catch
 *   the error, but the refusal is remembered, and the component then refuses to run (PREINIT_REFUSED): the
 *   compiler, whose describe() is the first call, builds the package again to load at its first call.
 * The stand-ins stay until the first call, not just until the top-level code ends: the build also runs the
 * promise jobs that code queued (a fetch() whose request is sent after an await, say).
 * No host import can be called inside Wizer anyway (it traps): the stand-ins turn that into a decision.
 */

/** Starts the error a pre-initialised component gives when its package read the host while loading (compile-package.ts looks for it). */
export const PREINIT_REFUSED = 'isolate-deps:preinit-refused';

let refused: string | undefined;
const installs: (() => void)[] = [];
let recorded: (() => void)[] = [];

/** False until the first call into the instance: until then host functions are stand-ins. */
export let running = false;

/**
 * The stand-in for host function `name` ("clock.now") until the first call; `install` then puts the real
 * function in its place. A stand-in someone kept a reference to calls the real function from then on.
 */
export function hostFunction<F extends (...args: never[]) => unknown>(name: string, real: F, install: (real: F) => void, recordable: boolean): F {
  installs.push(() => install(real));
  return ((...args: Parameters<F>) => {
    if (running) return real(...args);
    if (recordable) {
      recorded.push(() => real(...args));
      return undefined;
    }
    refused ??= name;
    throw new Error(`isolate-deps: ${name} cannot be called while the package is loaded at build time`);
  }) as F;
}

/**
 * Starts the run at the first call into the instance: real host functions from here on, then the calls recorded
 * while the package loaded. A component whose package had a host call refused while loading (at its top level or
 * in a promise job the build ran after it) refuses to run: the build's describe() gets this error and builds the
 * package again without pre-initialisation.
 */
export function startRun(): void {
  if (refused !== undefined) throw new Error(`${PREINIT_REFUSED} the package's top-level code called ${refused}`);
  running = true;
  for (const install of installs.splice(0)) install();
  const calls = recorded;
  recorded = [];
  for (const call of calls) call();
}
