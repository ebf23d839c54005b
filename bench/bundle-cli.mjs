// Bundles the CLI from source the way packages/isolate-deps/build.mjs does, for the benchmark and manual runs.
// The published package's dependencies stay external, as there; the bundle sits where they resolve.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { VENDORED_ENTRIES } from '../packages/isolate-deps/toolchain.mjs';

const manifest = JSON.parse(readFileSync(new URL('../packages/isolate-deps/package.json', import.meta.url), 'utf8'));

/** Bundles packages/cli into a runnable ESM file (with the audit's worker script beside it, as in dist/) and returns its path. */
export async function bundleCli() {
  const outdir = new URL('../packages/isolate-deps/node_modules/.cache/isolate-deps-cli/', import.meta.url).pathname;
  const bundle = (entry, outfile) =>
    build({
      entryPoints: [entry],
      outfile: `${outdir}${outfile}`,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      // The toolchain the published package vendors resolves here from packages/isolate-deps' devDependencies.
      external: [...Object.keys(manifest.dependencies), ...Object.keys(VENDORED_ENTRIES)],
      define: { __ISOLATE_DEPS_VERSION__: '"dev"' },
      banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
      logLevel: 'warning',
    });
  await bundle(new URL('./cli-entry.ts', import.meta.url).pathname, 'cli.mjs');
  await bundle(new URL('../packages/analyzer/src/analysis-worker.ts', import.meta.url).pathname, 'analysis-worker.mjs');
  return `${outdir}cli.mjs`;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await bundleCli());
