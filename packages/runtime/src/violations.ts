import { emitEvent, eventsEnabled } from './events.ts';
import { bareOrQuoted, quoted } from './terminal-text.ts';
/** One refused attempt by an isolated package. */
export interface Violation {
  package: string;
  capability: string;
  target: string;
  time: string;
  stack: string | undefined;
}

export type ViolationHandler = (violation: Violation) => void;

const handlers = new Set<ViolationHandler>();
/** Capabilities already printed, per package: at most MAX_PRINTED_CAPABILITIES each, however many names a guest invents. */
const printed = new Map<string, Set<string>>();
let logToStderr = true;

// The guest chooses both strings: keep what the host holds and prints short.
const MAX_CAPABILITY_LENGTH = 100;
const MAX_TARGET_LENGTH = 1000;
const MAX_PRINTED_CAPABILITIES = 16;

/** Subscribes to every violation of every isolated package in this process. Returns an unsubscribe function. */
export function onViolation(handler: ViolationHandler): () => void {
  handlers.add(handler);
  return () => handlers.delete(handler);
}

/** Turns the default stderr line (once per package and capability) on or off. */
export function setViolationLogging(enabled: boolean): void {
  logToStderr = enabled;
}

export function reportViolation(packageName: string, rawCapability: string, rawTarget: string, policyFile: string): void {
  const capability = clip(String(rawCapability), MAX_CAPABILITY_LENGTH);
  const target = clip(String(rawTarget), MAX_TARGET_LENGTH);
  // Capturing a stack is the costly part, and some packages probe the environment on every call.
  const violation: Violation = { package: packageName, capability, target, time: new Date().toISOString(), stack: handlers.size > 0 ? new Error().stack : undefined };
  if (eventsEnabled) emitEvent({ type: 'denial', package: packageName, capability, target, time: violation.time });
  for (const handler of handlers) {
    try {
      handler(violation);
    } catch {
      // a faulty handler must not turn a denial into a crash of the app
    }
  }
  if (logToStderr) printOnce(packageName, capability, target, policyFile);
}

function printOnce(packageName: string, capability: string, target: string, policyFile: string): void {
  let seen = printed.get(packageName);
  if (!seen) printed.set(packageName, (seen = new Set()));
  if (seen.has(capability) || seen.size > MAX_PRINTED_CAPABILITIES) return;
  seen.add(capability);
  // Capability and target come from the guest: quoted and escaped, the line cannot be split or rewritten.
  const shown = bareOrQuoted(capability);
  const line =
    seen.size > MAX_PRINTED_CAPABILITIES
      ? `isolate-deps: further denials of ${quoted(packageName)} are not printed (more than ${MAX_PRINTED_CAPABILITIES} kinds; onViolation still receives each one)`
      : `isolate-deps: denied ${shown} ${quoted(target)} to ${quoted(packageName)} (not granted in ${policyFile}; further ${shown} denials for it are not repeated)`;
  // Pages have no stderr: the browser runtime shares this module and warns on the console instead.
  if (typeof process !== 'undefined' && process.stderr) process.stderr.write(`${line}\n`);
  else console.warn(line);
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
