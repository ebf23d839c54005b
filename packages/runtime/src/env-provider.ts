import picomatch from 'picomatch';

/** The host side of isolate:guest/env: names or globs from the grant; anything else reads as unset and is reported. */
export function createEnvProvider(patterns: string[], deny: (target: string) => void) {
  const allowed = patterns.length ? picomatch(patterns, { nocase: false, dot: true }) : () => false;
  return {
    get(name: string): string | undefined {
      if (!allowed(name)) {
        deny(name);
        return undefined;
      }
      return process.env[name];
    },
    names(): string[] {
      return Object.keys(process.env).filter((name) => allowed(name));
    },
  };
}
