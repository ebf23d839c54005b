/**
 * Pre-initialisation: the entry loads the package while the component is built (inside Wizer), so the snapshot
 * holds the package already loaded and its first call does not run the package's top-level code in the
 * interpreter. That equals loading it at the first call only if the top-level code learned nothing from the
 * host. So until `finishPreinit()` every host import is reached through a stand-in (compiler/guest-bundle.ts
 * generates them with `hostFunction`):
 * - a report or output that changes nothing the guest sees (a denial report, a console line, the next timer)
 *   is recorded, and made at the first call instead, in order: where a package loaded at its first call made it;
 * - any other host call (clock, randomness, environment, files, network, Intl) is refused. The package may catch
 *   the error, but the refusal is remembered, and `finishPreinit()` then fails the build with PREINIT_REFUSED:
 *   the compiler builds the package again with its top-level code run at its first call.
 * No host import can be called inside Wizer anyway (it traps): the stand-ins turn that into a decision.
 */

/** Starts the error that fails a build whose package read the host while loading (compile-package.ts looks for it). */
export const PREINIT_REFUSED = 'isolate-deps:preinit-refused';

let building = true;
let refused: string | undefined;
const installs: (() => void)[] = [];
let recorded: (() => void)[] = [];

/**
 * The stand-in for host function `name` ("clock.now") until the component is built; `install` then puts the
 * real function in its place. A stand-in someone kept a reference to calls the real function from then on.
 */
export function hostFunction<F extends (...args: never[]) => unknown>(name: string, real: F, install: (real: F) => void, recordable: boolean): F {
  installs.push(() => install(real));
  return ((...args: Parameters<F>) => {
    if (!building) return real(...args);
    if (recordable) {
      recorded.push(() => real(...args));
      return undefined;
    }
    refused ??= name;
    throw new Error(`isolate-deps: ${name} cannot be called while the package is loaded at build time`);
  }) as F;
}

/** Ends the build-time window: real host functions from here on, or the build fails if a host call was refused. */
export function finishPreinit(): void {
  building = false;
  for (const install of installs.splice(0)) install();
  if (refused !== undefined) throw new Error(`${PREINIT_REFUSED} the package's top-level code called ${refused}`);
}

/** True until the calls recorded while loading have been made (at the first call into the instance). */
export let hasRecordedCalls = true;

/** Makes the calls recorded while the package loaded at build time. */
export function makeRecordedCalls(): void {
  hasRecordedCalls = false;
  const calls = recorded;
  recorded = [];
  for (const call of calls) call();
}
