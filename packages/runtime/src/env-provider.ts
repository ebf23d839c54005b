import picomatch from 'picomatch';

/**
 * A name the host environment can hold: not empty, no `=`, no NUL or other control character. The lookup
 * below is C's getenv, which stops at a NUL (so `SECRET\0_URL` matched `*_URL` and read `SECRET`) and reads
 * `A=B` as variable `A` with a value starting `B=`; such names never reach it.
 */
function isEnvName(name: string): boolean {
  return typeof name === 'string' && name !== '' && !/[=\u0000-\u001f\u007f]/.test(name);
}

/** The host side of isolate:guest/env: names or globs from the grant; anything else reads as unset and is reported. */
export function createEnvProvider(patterns: string[], deny: (target: string) => void) {
  const allowed = patterns.length ? picomatch(patterns, { nocase: false, dot: true }) : () => false;
  return {
    get(name: string): string | undefined {
      if (!isEnvName(name) || !allowed(name)) {
        deny(String(name));
        return undefined;
      }
      return process.env[name];
    },
    names(): string[] {
      return Object.keys(process.env).filter((name) => allowed(name));
    },
  };
}
