/** An error of the register hook, with a stable code: a component not built, a package the hook cannot serve. */
export class RegisterError extends Error {
  override readonly name = 'RegisterError';
  constructor(
    readonly code: 'ERR_ISOLATE_COMPONENT_NOT_BUILT' | 'ERR_ISOLATE_COMPILE_FAILED' | 'ERR_ISOLATE_UNSERVED_COPY' | 'ERR_ISOLATE_VERSION_MISMATCH' | 'ERR_ISOLATE_REQUIRE_ESM',
    message: string,
  ) {
    super(message);
  }
}
