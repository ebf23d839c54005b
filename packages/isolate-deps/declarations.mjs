// The published .d.ts files (dist/types/<entry>.d.ts): a user of the package sees its own types and those of
// esbuild and vite, never the workspace packages (@isolate-deps/*) or their .ts sources.
//
// Two steps: tsc emits declarations for the workspace sources (noCheck: `npm run typecheck` checks the types;
// declaration emit errors still fail the build), then rollup with rollup-plugin-dts bundles them per entry,
// inlining the @isolate-deps/* packages; declarations shared by entries (the error classes) go to one chunk,
// so `isolate-deps` and `isolate-deps/runtime` export the same CapabilityDeniedError type.
// Chosen over dts-bundle-generator (repeats shared declarations in every entry) and api-extractor (one config
// and run per entry, on top of the same tsc pass). rollup-plugin-dts fed the .ts sources directly builds
// its own fully-checked program and took 7-12 s here; emitting first takes about 2.5 s.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';

const ts = createRequire(import.meta.url)('typescript');
const repo = new URL('../../', import.meta.url).pathname;
const packages = `${repo}packages/`;

/** Writes `${outDir}/<name>.d.ts` for each entry (name → a .ts file under packages/). */
export async function buildDeclarations(entryPoints, outDir) {
  const emitDir = mkdtempSync(path.join(tmpdir(), 'isolate-deps-dts-'));
  try {
    const options = compilerOptions(emitDir);
    const program = ts.createProgram(Object.values(entryPoints), options);
    const { diagnostics } = program.emit(undefined, undefined, undefined, true);
    const errors = [...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics(), ...diagnostics];
    if (errors.length) throw new Error(`isolate-deps: declaration emit failed\n${ts.formatDiagnostics(errors, formatHost)}`);

    const emitted = (file) => path.join(emitDir, path.relative(packages, file).replace(/\.ts$/, '.d.ts'));
    const bundle = await rollup({
      input: Object.fromEntries(Object.entries(entryPoints).map(([name, file]) => [name, emitted(file)])),
      plugins: [dts({ respectExternal: true, compilerOptions: { ...options, paths: workspacePaths(emitDir, '.d.ts') } })],
      // Third-party types (esbuild, vite, Node's) stay imports; the workspace packages are inlined.
      external: (id) => !id.startsWith('.') && !path.isAbsolute(id) && !id.startsWith('@isolate-deps/'),
      // A warning here is a .d.ts a user's tsc would trip over (a type named only in a private chunk: TS2742).
      onwarn(warning) {
        throw new Error(`isolate-deps: declaration bundle: ${warning.message}`);
      },
    });
    await bundle.write({ dir: outDir, format: 'es', chunkFileNames: (chunk) => `${chunk.name.replace(/\.d$/, '')}-[hash].d.ts` });
    await bundle.close();
  } finally {
    rmSync(emitDir, { recursive: true, force: true });
  }
}

function compilerOptions(emitDir) {
  const config = ts.getParsedCommandLineOfConfigFile(`${repo}tsconfig.base.json`, undefined, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  return {
    ...config.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    noCheck: true,
    rootDir: packages,
    outDir: emitDir,
    // Resolved like tsconfig.typecheck.json does, not through node_modules: tsc then treats them as sources.
    paths: workspacePaths(packages, '.ts'),
  };
}

/** `@isolate-deps/*` → the packages' entry files (sources, or their emitted declarations). */
function workspacePaths(root, extension) {
  return {
    '@isolate-deps/plugin-core/facade-source': [path.join(root, `plugin-core/src/facade-source${extension}`)],
    '@isolate-deps/*': [path.join(root, `*/src/index${extension}`)],
  };
}

const formatHost = { getCurrentDirectory: () => repo, getCanonicalFileName: (f) => f, getNewLine: () => '\n' };
