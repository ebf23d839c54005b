/** The sandbox cannot run on this machine (not Linux, no bubblewrap, user namespaces disabled). */
export class SandboxUnavailableError extends Error {
  override readonly name = 'SandboxUnavailableError';
  readonly code = 'ERR_SANDBOX_UNAVAILABLE';
  constructor(
    readonly reason: string,
    readonly hint: string,
  ) {
    super(`${reason}. ${hint}`);
  }
}
