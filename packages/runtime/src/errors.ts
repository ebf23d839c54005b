/** Thrown (inside the guest, and rethrown on the host) when the policy refuses an isolated package something. */
export class CapabilityDeniedError extends Error {
  readonly code = 'ERR_CAPABILITY_DENIED';
  readonly package: string;
  constructor(
    message: string,
    packageName: string,
    readonly capability: string,
    readonly target: string,
  ) {
    super(message);
    this.name = 'CapabilityDeniedError';
    this.package = packageName;
  }
}

/** The component trapped (unreachable, stack overflow, out of memory): its instance is discarded. */
export class IsolateTrapError extends Error {
  readonly code = 'ERR_ISOLATE_TRAP';
  constructor(readonly packageName: string, cause: unknown) {
    super(`isolate-deps: "${packageName}" trapped (${cause instanceof Error ? cause.message : String(cause)}); its instance was discarded and the next call gets a fresh one`, { cause });
    this.name = 'IsolateTrapError';
  }
}

/** Node-shaped error payload for the guest (fs errors carry code/syscall/path like Node's). */
export function nodeErrorPayload(code: string, syscall: string, guestPath: string, detail: string): string {
  return JSON.stringify({ code, syscall, path: guestPath, message: `${code}: ${detail}, ${syscall} '${guestPath}'` });
}
