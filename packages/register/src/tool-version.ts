import { readFileSync } from 'node:fs';

// Injected by the esbuild bundle of the published package; absent when run from source.
declare const __ISOLATE_DEPS_VERSION__: string | undefined;

/** The isolate-deps version: a component recorded by another version is stale. */
export function toolVersion(): string {
  if (typeof __ISOLATE_DEPS_VERSION__ === 'string') return __ISOLATE_DEPS_VERSION__;
  const manifest = new URL('../../isolate-deps/package.json', import.meta.url);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
