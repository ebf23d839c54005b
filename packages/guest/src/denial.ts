import { reportDenial } from 'isolate:guest/boundary';
import config from 'isolate-deps:guest-config';

const VERBS: Record<string, string> = {
  'fs.read': 'read',
  'fs.write': 'write',
  env: 'read the environment variable',
  net: 'connect to',
  clock: 'read the clock for',
  random: 'use randomness for',
  console: 'write to the console with',
  child_process: 'start a process with',
  process: 'call',
};

/** The error a guest sees when the policy refuses it something. Mirrors CapabilityDeniedError on the host. */
export class CapabilityDeniedError extends Error {
  readonly code = 'ERR_CAPABILITY_DENIED';
  readonly package: string;
  constructor(readonly capability: string, readonly target: string, why = 'not granted') {
    const verb = VERBS[capability] ?? `use ${capability} for`;
    super(`isolate-deps: "${config.packageName}" may not ${verb} "${target}" (${capability} ${why} in ${config.policyFile})`);
    this.name = 'CapabilityDeniedError';
    this.package = config.packageName;
  }
}

/**
 * Under "onViolation": "log" a refused attempt gets a denial value where a harmless one exists (a missing
 * file, a dropped write, a 403 response, a process.exit that does nothing) instead of an error. It is
 * reported either way. Randomness and always-denied modules have no such value and still throw.
 */
export const LOG_ONLY = config.onViolation === 'log';

export function isDenial(error: unknown): error is CapabilityDeniedError {
  return (error as { code?: unknown } | null)?.code === 'ERR_CAPABILITY_DENIED';
}

/** Reports the attempt to the host and returns the error to throw. */
export function denial(capability: string, target: string): CapabilityDeniedError {
  reportDenial(capability, target);
  return new CapabilityDeniedError(capability, target);
}

/** A function that refuses every call; used for whole modules the guest can never have. */
export function deniedFunction(capability: string, target: string): (...args: unknown[]) => never {
  // A plain function, not an arrow: `new Worker(...)` must reach the refusal, not fail as "not a constructor".
  return function refused(): never {
    throw denial(capability, target);
  };
}

/**
 * Host-side refusals arrive as the error payload of a result: JSON with `code`. Turn them into the
 * error a Node package expects (CapabilityDeniedError, or an fs-style error with `code`).
 */
export function hostError(error: unknown): Error {
  const payload = (error as { payload?: unknown } | null)?.payload;
  if (typeof payload !== 'string') return error instanceof Error ? error : new Error(String(error));
  let record: { code?: string; message?: string; capability?: string; target?: string; syscall?: string; path?: string; errno?: number };
  try {
    record = JSON.parse(payload);
  } catch {
    return new Error(payload);
  }
  if (record.code === 'ERR_CAPABILITY_DENIED') return new CapabilityDeniedError(record.capability ?? '?', record.target ?? '?', record.message ?? 'not granted');
  const nodeError = new Error(record.message ?? record.code ?? 'host error') as Error & Record<string, unknown>;
  for (const key of ['code', 'syscall', 'path', 'errno'] as const) if (record[key] !== undefined) nodeError[key] = record[key];
  return nodeError;
}

/** A function of a Node built-in the guest does not provide (yet); not a policy decision, so nothing is reported. */
export function unavailableFunction(_capability: string, target: string): (...args: unknown[]) => never {
  return function unavailable(): never {
    const error = new Error(`isolate-deps: ${target} is not available inside an isolated package (in "${config.packageName}")`) as Error & { code: string };
    error.code = 'ERR_ISOLATE_UNSUPPORTED';
    throw error;
  };
}
