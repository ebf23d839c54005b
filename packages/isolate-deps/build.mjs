// Bundles the workspace packages into the one package users install: no workspace links survive.
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { browserSubstitutions } from '../runtime/src/browser/bundle-substitutions.mjs';
import { buildDeclarations } from './declarations.mjs';
import { copyLinkedDocs } from './shipped-docs.mjs';
import { copyToolchain, vendoredToolchain } from './toolchain.mjs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const packages = new URL('../', import.meta.url).pathname;
rmSync('dist', { recursive: true, force: true });
// componentize-js and jco-transpile, copied without their heavy dependencies (see toolchain.mjs).
const toolchainVersions = copyToolchain('dist');
const hostDefines = {
  __ISOLATE_DEPS_VERSION__: JSON.stringify(pkg.version),
  __JCO_TRANSPILE_VERSION__: JSON.stringify(toolchainVersions.jcoTranspile),
};

const entryPoints = {
  index: `${packages}isolate-deps/src/index.ts`,
  esbuild: `${packages}esbuild/src/index.ts`,
  runtime: `${packages}runtime/src/index.ts`,
  vite: `${packages}vite/src/index.ts`,
  register: `${packages}register/src/index.ts`,
};
// Loaded by URL from the register hook's generated code and by module.register: stable names, not in "exports".
const registerInternals = {
  'register-roots': `${packages}register/src/roots-entry.ts`,
  'register-hooks': `${packages}register/src/hooks-entry.ts`,
  'register-install': `${packages}register/src/install.ts`,
  // The compiler's build processes (compiler/src/componentize-pool.ts) load it from next to the bundle.
  'componentize-worker': `${packages}compiler/src/componentize-worker.ts`,
};
const cli = `${packages}cli/src/index.ts`;
const hasCli = existsSync(cli);

// Third-party packages the published package installs stay external; everything else is bundled into dist. The
// runtime's picomatch and ipaddr.js are not dependencies for that reason: at a register start-up a separate
// CommonJS package costs its resolution, export scan and compile (about 10 ms each), and an app's bundler
// re-bundles dist/runtime.js with them inside anyway.
const external = Object.keys(pkg.dependencies);
// ES module bundles of CommonJS code need a real require for Node built-ins.
const requireBanner = 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);';

// Host side: Node ESM; third-party dependencies stay external and install with the package.
await build({
  entryPoints: { ...entryPoints, ...registerInternals },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  plugins: [vendoredToolchain],
  define: hostDefines,
  logLevel: 'warning',
});

// Browser side: the runtime that pages built by the vite plugin import; self-contained, no Node built-ins.
await build({
  entryPoints: { browser: `${packages}runtime/src/browser/index.ts` },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  plugins: [browserSubstitutions],
  logLevel: 'warning',
});

// The worker-thread runtime (packages with limits.timeoutMs) is copied next to the app's bundle: self-contained.
await build({
  entryPoints: [`${packages}runtime/src/worker-entry.ts`],
  outfile: 'dist/runtime-worker.mjs',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  banner: { js: requireBanner },
  logLevel: 'warning',
});

// Workers do not run --import preloads: the register hook adds this --require preload to every worker it sees created.
writeFileSync('dist/register-preload.cjs', "// isolate-deps/register in a worker thread (see register/src/worker-threads.ts).\nrequire('./register-install.js').installFromEnvironment();\n");

if (hasCli) {
  await build({
    stdin: { contents: `import { main } from ${JSON.stringify(cli)};\nprocess.exitCode = await main(process.argv.slice(2));\n`, resolveDir: '.', loader: 'ts' },
    outfile: 'dist/cli.js',
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    plugins: [vendoredToolchain],
    define: hostDefines,
    banner: { js: `#!/usr/bin/env node\n${requireBanner}` },
    logLevel: 'warning',
  });
}

// The audit's worker threads load the analyser alone (cli.js would load every command's dependencies first).
if (hasCli) {
  await build({
    entryPoints: [`${packages}analyzer/src/analysis-worker.ts`],
    outfile: 'dist/analysis-worker.js',
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    banner: { js: requireBanner },
    logLevel: 'warning',
  });
}

// Guest side: the environment compiled into every component, pre-bundled with its libraries.
// The host interfaces and the per-package config stay imports: the compiler resolves them per grant.
const guestSrc = `${packages}guest/src/`;
const guestEntries = ['serve.ts', 'preinit.ts', 'denial.ts', ...readdirSync(`${guestSrc}node`).map((f) => `node/${f}`), ...readdirSync(`${guestSrc}denied`).map((f) => `denied/${f}`)];
await build({
  entryPoints: guestEntries.map((f) => ({ in: `${guestSrc}${f}`, out: f.replace(/\.ts$/, '') })),
  outdir: 'dist/guest',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  mainFields: ['browser', 'module', 'main'],
  external: ['isolate:guest/*', 'isolate-deps:guest-config'],
  // The guest's built-ins keep Node's names (EventEmitter, not EventEmitter2): packages read them.
  keepNames: true,
  logLevel: 'warning',
});

// The types of every entry a user imports (package.json "exports"), self-contained.
await buildDeclarations({ ...entryPoints, browser: `${packages}runtime/src/browser/index.ts` }, 'dist/types');

copyFileSync(new URL('../../policies/policy.schema.json', import.meta.url), 'policy.schema.json');
// What npm shows and what a user's node_modules keeps: the project's README and LICENSE, and the docs the
// README links to, at the paths its relative links name (see shipped-docs.mjs).
copyFileSync(new URL('../../README.md', import.meta.url), 'README.md');
copyFileSync(new URL('../../LICENSE', import.meta.url), 'LICENSE');
copyLinkedDocs(new URL('../../', import.meta.url).pathname, '.');
console.log(`isolate-deps ${pkg.version}: built dist/ (${hasCli ? 'with' : 'without'} the CLI)`);
