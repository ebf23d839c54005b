// Bundles the CLI from source the way packages/isolate-deps/build.mjs does, for the benchmark and manual runs.
// Only oxc-parser (native bindings) stays external; the bundle sits where that resolves.
import { build } from 'esbuild';

/** Bundles packages/cli into a runnable ESM file and returns its path. */
export async function bundleCli() {
  const outfile = new URL('../packages/analyzer/node_modules/.cache/isolate-deps-cli/cli.mjs', import.meta.url).pathname;
  await build({
    entryPoints: [new URL('./cli-entry.ts', import.meta.url).pathname],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['oxc-parser'],
    // jsonc-parser's "main" is a UMD build whose internal require()s esbuild cannot follow; its "module" build bundles.
    mainFields: ['module', 'main'],
    define: { __ISOLATE_DEPS_VERSION__: '"dev"' },
    banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
    logLevel: 'warning',
  });
  return outfile;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await bundleCli());
