// The host interfaces a guest may import. The compiler generates the WIT world from the same list and
// keeps only the interfaces the package's policy grants; a denied interface resolves to ./denied/<name>.ts.

declare module 'isolate:guest/boundary' {
  /** Tells the host that the guest was refused something, so it is reported even if the package swallows the error. */
  export function reportDenial(capability: string, target: string): void;
}
declare module 'isolate:guest/console' {
  export function write(level: string, text: string): void;
}
declare module 'isolate:guest/clock' {
  /** Milliseconds since the epoch. */
  export function now(): number;
  /** Monotonic time in nanoseconds. */
  export function monotonic(): bigint;
}
declare module 'isolate:guest/random' {
  export function fill(length: number): Uint8Array;
}
declare module 'isolate:guest/env' {
  export function get(name: string): string | undefined;
  export function names(): string[];
}
declare module 'isolate:guest/fs' {
  export function readFile(path: string): Uint8Array;
  export function writeFile(path: string, data: Uint8Array, append: boolean): void;
  /** JSON of a stat record. */
  export function stat(path: string): string;
  export function readdir(path: string): string[];
  export function mkdir(path: string, recursive: boolean): void;
  export function rm(path: string, recursive: boolean): void;
}
declare module 'isolate:guest/net' {
  /** JSON request in, JSON response out; bodies are base64. */
  export function request(request: string): string;
}
declare module 'isolate-deps:guest-config' {
  const config: { packageName: string; policyFile: string; cwd: string; onViolation?: 'log' };
  export default config;
}
declare module 'isolate:guest/intl' {
  /** One Intl request as JSON; the reply is `{"ok": value}` or `{"error": {"name", "message"}}` as JSON. */
  export function call(request: string): string;
}
