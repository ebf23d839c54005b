// The build-time WebAssembly toolchain ships inside dist/toolchain instead of as two dependencies.
// componentize-js depends on the whole jco CLI (binaryen, rolldown, two TypeScripts, a QuickJS componentizer:
// about 330 MB installed) for three functions, which jco-transpile provides; and jco-transpile depends on
// binaryen (93 MB) for options we never use (asm.js output, wasm-opt). Their code and wasm files are copied
// unchanged but for three import lines (rewritten below) and source map comments; their other dependencies
// (wizer, oxc, preview2-shim) are dependencies of isolate-deps; weval, used only for AOT, is left out.
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where each vendored package's entry sits, relative to dist/ (every host chunk is emitted there). */
export const VENDORED_ENTRIES = {
  '@bytecodealliance/componentize-js': './toolchain/componentize-js/src/componentize.js',
  '@bytecodealliance/jco-transpile': './toolchain/jco-transpile/dist/index.js',
};

/** esbuild plugin: imports of the vendored packages point at the copies in dist/toolchain. */
export const vendoredToolchain = {
  name: 'isolate-deps-vendored-toolchain',
  setup(build) {
    build.onResolve({ filter: /^@bytecodealliance\/(componentize-js|jco-transpile)$/ }, (args) => ({ path: VENDORED_ENTRIES[args.path], external: true }));
  },
};

/** The installed folder of `name` as Node would find it from `fromDir` (walking up node_modules; exports aside). */
function packageRoot(name, fromDir = path.dirname(fileURLToPath(import.meta.url))) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dir === path.dirname(dir)) throw new Error(`toolchain.mjs: ${name} is not installed (run the workspace install)`);
  }
}

function copy(fromRoot, toRoot, files) {
  for (const file of files) {
    mkdirSync(path.dirname(path.join(toRoot, file)), { recursive: true });
    copyFileSync(path.join(fromRoot, file), path.join(toRoot, file));
  }
}

/** Replaces one exact line; the build fails if an upgrade changed it, rather than shipping an unpatched copy. */
function rewrite(file, from, to) {
  const text = readFileSync(file, 'utf8');
  if (text.split(from).length !== 2) throw new Error(`toolchain.mjs: expected exactly one ${JSON.stringify(from)} in ${file}`);
  writeFileSync(file, text.replace(from, to));
}

/** Copies componentize-js and jco-transpile (with the jco functions componentize-js needs) into `<dist>/toolchain`. */
export function copyToolchain(dist) {
  const out = path.join(dist, 'toolchain');
  const componentizeJs = packageRoot('@bytecodealliance/componentize-js');
  const jcoTranspile = packageRoot('@bytecodealliance/jco-transpile');
  const jco = packageRoot('@bytecodealliance/jco', componentizeJs);

  // The release engine only: the debug and weval (AOT) engines serve options the compiler never passes.
  const splicer = 'lib/spidermonkey-embedding-splicer';
  copy(componentizeJs, path.join(out, 'componentize-js'), ['package.json', 'LICENSE', 'src/componentize.js', 'src/platform.js', `${splicer}.js`, `${splicer}.core.wasm`, `${splicer}.core2.wasm`, 'lib/starlingmonkey_embedding.wasm']);
  copyFileSync(path.join(jco, 'lib/wasi_snapshot_preview1.reactor.wasm'), path.join(out, 'componentize-js/lib/wasi_snapshot_preview1.reactor.wasm'));
  writeFileSync(path.join(out, 'componentize-js/src/jco-api.js'), JCO_API);
  const componentizeEntry = path.join(out, 'componentize-js/src/componentize.js');
  rewrite(componentizeEntry, "} from '@bytecodealliance/jco';", "} from './jco-api.js';");
  // componentize-js was written against oxc-parser 0.76 (default export, parseAsync); the package's own is newer.
  rewrite(componentizeEntry, "import oxc from 'oxc-parser';", "import oxc from 'oxc-parser-0-76';");
  // weval serves only ahead-of-time compilation (enableAot), which the compiler never asks for; the package downloads
  // its binary at first use and loads @napi-rs/lzma at import, whose newest versions need Node 22.
  writeFileSync(path.join(out, 'componentize-js/src/weval-absent.js'), WEVAL_ABSENT);
  rewrite(componentizeEntry, "import getWeval from '@bytecodealliance/weval';", "import getWeval from './weval-absent.js';");
  // Hooks that let builds reuse what was made for their world (compiler/src/world-template.ts): `wrapSplicer` gives
  // them the world's splice and stubbed engine, `onInitialised` takes Wizer's checked module and may end the build there.
  rewrite(componentizeEntry, 'splicer.spliceBindings(', '(opts.wrapSplicer?.(splicer) ?? splicer).spliceBindings(');
  rewrite(componentizeEntry, 'splicer.stubWasi(', '(opts.wrapSplicer?.(splicer) ?? splicer).stubWasi(');
  const stub = '  // After wizening, stub out the wasi imports depending on what features are enabled\n';
  rewrite(componentizeEntry, stub, `  if (opts.onInitialised?.(bin)) return {};\n${stub}`);
  // And the splicer and engine, for preparing a world in a process of its own.
  writeFileSync(componentizeEntry, `${readFileSync(componentizeEntry, 'utf8')}\n// Added by isolate-deps (packages/isolate-deps/toolchain.mjs).\nexport { splicer };\nexport const enginePath = getEnginePath({});\n`);

  const transpileFiles = ['package.json', 'LICENSE', ...['index', 'transpile', 'opt', 'asm', 'common', 'constants', 'helpers', 'typegen', 'wasm-tools'].map((f) => `dist/${f}.js`)];
  for (const tool of ['js-component-bindgen-component', 'wasm-tools']) transpileFiles.push(`vendor/${tool}.js`, `vendor/${tool}.core.wasm`, `vendor/${tool}.core2.wasm`);
  copy(jcoTranspile, path.join(out, 'jco-transpile'), transpileFiles);
  // Its maps point at TypeScript sources it does not publish: vite and vitest warn about each one they follow.
  for (const file of transpileFiles.filter((f) => f.startsWith('dist/'))) {
    const copied = path.join(out, 'jco-transpile', file);
    writeFileSync(copied, readFileSync(copied, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));
  }

  return { componentizeJs: readVersion(componentizeJs), jcoTranspile: readVersion(jcoTranspile) };
}

function readVersion(root) {
  return JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
}

// What componentize-js imports from '@bytecodealliance/jco': jco re-exports the first two from jco-transpile.
const JCO_API = `// Written by isolate-deps (packages/isolate-deps/toolchain.mjs): the part of @bytecodealliance/jco's API that componentize-js uses.
import { fileURLToPath } from 'node:url';
export { componentNew, metadataAdd } from '../../jco-transpile/dist/wasm-tools.js';
export function preview1AdapterReactorPath() {
  return fileURLToPath(new URL('../lib/wasi_snapshot_preview1.reactor.wasm', import.meta.url));
}
`;

const WEVAL_ABSENT = `// Written by isolate-deps (packages/isolate-deps/toolchain.mjs): weval is not shipped.
export default async function getWeval() {
  throw new Error('isolate-deps ships componentize-js without weval: ahead-of-time compilation (enableAot) is not available');
}
`;
