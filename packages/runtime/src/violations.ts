import { allowPath, grantFor, grantJson } from '@isolate-deps/policy/grant-suggestion';
import { emitEvent, eventsEnabled } from './events.ts';
import { bareOrQuoted, quoted } from './terminal-text.ts';
/** One refused attempt by an isolated package. */
export interface Violation {
  package: string;
  capability: string;
  target: string;
  /** When it was first refused. */
  time: string;
  stack: string | undefined;
  /**
   * How many times it was refused. Handlers get one Violation per (package, capability, target): later
   * repeats only increase the count of that same object, so a package that probes one name per call
   * (yaml reads LOG_TOKENS on every parse) does not flood them.
   */
  count: number;
}

export type ViolationHandler = (violation: Violation) => void;

const handlers = new Set<ViolationHandler>();
/** Distinct (capability, target) refused, per package: the first of each goes to handlers and stderr. */
const seen = new Map<string, Map<string, Violation>>();
/** Lines printed per package: at most MAX_PRINTED_LINES each, however many names a guest invents. */
const printedLines = new Map<string, number>();
let logToStderr = true;

// The guest chooses both strings: keep what the host holds and prints short.
const MAX_CAPABILITY_LENGTH = 100;
const MAX_TARGET_LENGTH = 1000;
const MAX_PRINTED_LINES = 16;
// Distinct attempts remembered per package; past it, new ones are still delivered, but not counted.
const MAX_REMEMBERED = 1000;

/** Subscribes to every distinct violation of every isolated package in this process. Returns an unsubscribe function. */
export function onViolation(handler: ViolationHandler): () => void {
  handlers.add(handler);
  return () => handlers.delete(handler);
}

/** Turns the default stderr line (once per package, capability and target) on or off. */
export function setViolationLogging(enabled: boolean): void {
  logToStderr = enabled;
}

export function reportViolation(packageName: string, rawCapability: string, rawTarget: string, policyFile: string): void {
  const capability = clip(String(rawCapability), MAX_CAPABILITY_LENGTH);
  const target = clip(String(rawTarget), MAX_TARGET_LENGTH);
  const time = new Date().toISOString();
  // The trace keeps every attempt (with its time): it is what `isolate-deps trace` counts.
  if (eventsEnabled) emitEvent({ type: 'denial', package: packageName, capability, target, time });
  let known = seen.get(packageName);
  if (!known) seen.set(packageName, (known = new Map()));
  const key = `${capability}\u0000${target}`;
  const repeat = known.get(key);
  if (repeat) {
    repeat.count++;
    return;
  }
  // Capturing a stack is the costly part; it is taken once per distinct attempt, and only for a listener.
  const violation: Violation = { package: packageName, capability, target, time, stack: handlers.size > 0 ? new Error().stack : undefined, count: 1 };
  if (known.size < MAX_REMEMBERED) known.set(key, violation);
  for (const handler of handlers) {
    try {
      handler(violation);
    } catch {
      // a faulty handler must not turn a denial into a crash of the app
    }
  }
  if (logToStderr) print(packageName, capability, target, policyFile);
}

function print(packageName: string, capability: string, target: string, policyFile: string): void {
  const lines = (printedLines.get(packageName) ?? 0) + 1;
  if (lines > MAX_PRINTED_LINES + 1) return;
  printedLines.set(packageName, lines);
  // Capability and target come from the guest: quoted and escaped, the line cannot be split or rewritten.
  const line =
    lines > MAX_PRINTED_LINES
      ? `isolate-deps: further denials of ${quoted(packageName)} are not printed (more than ${MAX_PRINTED_LINES}; onViolation still receives each one, and \`npx isolate-deps suggest\` lists them all)`
      : `isolate-deps: denied ${bareOrQuoted(capability)} ${quoted(target)} to ${quoted(packageName)} (${howToAllow(packageName, capability, target, policyFile)})`;
  // Pages have no stderr: the browser runtime shares this module and warns on the console instead.
  if (typeof process !== 'undefined' && process.stderr) process.stderr.write(`${line}\n`);
  else console.warn(line);
}

/** The fix, in the policy's own words: the JSON to add, or why there is none. */
function howToAllow(packageName: string, capability: string, target: string, policyFile: string): string {
  const grant = grantFor(capability, target);
  // Only a plain target is echoed into the JSON; anything else is shown quoted above, and suggest handles it.
  if (!grant || !/^[\x20-\x7e]{1,200}$/.test(target) || !/^[\x21-\x7e]{1,214}$/.test(packageName)) {
    const never = ['child_process', 'worker', 'process', 'native'].includes(capability);
    return `${never ? 'a WebAssembly component can never be granted it' : `not granted in ${policyFile}`}; further identical denials are counted, not repeated`;
  }
  return `not granted in ${policyFile}; to allow it, add ${grantJson(grant)} to ${allowPath(packageName)}, or run \`npx isolate-deps suggest\` to collect every grant a run needs`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Where a package's refusals go: `report` only tells (stderr, handlers), `deny` tells and throws the guest's error payload. */
export function denialReporter(context: { packageName: string; policyFile: string; inert?: boolean }) {
  const report = (capability: string, target: string): void => {
    if (!context.inert) reportViolation(context.packageName, capability, target, context.policyFile);
  };
  const deny = (capability: string, target: string, why = 'not granted'): never => {
    report(capability, target);
    throw JSON.stringify({ code: 'ERR_CAPABILITY_DENIED', capability, target, message: why });
  };
  return { report, deny };
}
