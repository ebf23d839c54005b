// The engines' own floor: a bare component (no isolate-deps code inside or around it) with an empty export
// and a string echo, called through jco's bindings. What isolate-deps adds is the difference between the
// componentize-js row and the boundary rows. componentize-qjs (a QuickJS engine) is measured beside it, as
// the candidate engine: Node 20 runs it only with V8's extended-const flag. Built once, then cached under
// test/.cache/engine-floor; componentize-qjs is installed there on first use (npm registry), not in the repo.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const repo = new URL('..', import.meta.url).pathname;
const cache = path.join(repo, 'test/.cache/engine-floor');
const QJS_VERSION = '0.4.5';

// componentize-js and jco are dependencies of the compiler package, not of the repository root (and ESM-only).
const compilerDependency = (name) => path.join(repo, 'packages/compiler/node_modules', name);
const manifestOf = (dir) => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
async function importPackage(dir) {
  const entry = manifestOf(dir).exports ?? manifestOf(dir).main;
  const file = typeof entry === 'string' ? entry : (entry.import ?? entry['.']?.default ?? entry['.']?.import ?? entry['.']);
  return import(pathToFileURL(path.join(dir, file)).href);
}

const WIT = `package local:floor;
world floor {
  export nop: func();
  export echo: func(s: string) -> string;
}`;
const SOURCE = 'export function nop() {}\nexport function echo(s) { return s; }\n';

/** Writes jco's sync bindings of a component into `dir` (through a scratch folder, renamed when complete). */
async function writeBindings(component, dir) {
  const { transpileBytes } = await importPackage(compilerDependency('@bytecodealliance/jco-transpile'));
  const { files } = await transpileBytes(component, { name: 'guest', instantiation: 'sync', noComponentErrorWrapping: true, minify: false });
  const work = `${dir}.tmp`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(work, name === 'guest.js' ? 'guest.mjs' : name), bytes);
  rmSync(dir, { recursive: true, force: true });
  execFileSync('mv', [work, dir]);
}

async function buildWithComponentizeJs(dir) {
  const { componentize } = await importPackage(compilerDependency('@bytecodealliance/componentize-js'));
  const sources = `${dir}.src`;
  mkdirSync(sources, { recursive: true });
  writeFileSync(path.join(sources, 'guest.js'), SOURCE);
  writeFileSync(path.join(sources, 'world.wit'), WIT);
  // The same options as packages/compiler/src/componentize.ts: no WASI features.
  const { component } = await componentize({ sourcePath: path.join(sources, 'guest.js'), witPath: path.join(sources, 'world.wit'), worldName: 'floor', disableFeatures: ['random', 'stdio', 'clocks', 'http', 'fetch-event'] });
  await writeBindings(component, dir);
  rmSync(sources, { recursive: true, force: true });
}

async function buildWithComponentizeQjs(dir) {
  const tools = path.join(cache, `qjs-tools-${QJS_VERSION}`);
  if (!existsSync(path.join(tools, 'node_modules/componentize-qjs'))) {
    mkdirSync(tools, { recursive: true });
    writeFileSync(path.join(tools, 'package.json'), '{ "private": true }\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `componentize-qjs@${QJS_VERSION}`], { cwd: tools, stdio: 'inherit' });
  }
  const { componentize } = await importPackage(path.join(tools, 'node_modules/componentize-qjs'));
  const witPath = `${dir}.wit`;
  writeFileSync(witPath, WIT);
  // The non-async runtime (jco's sync instantiation), with every WASI import a trap, like our no-WASI build.
  const { component } = await componentize({ witPath, jsSource: SOURCE, sync: true, stubWasi: true });
  await writeBindings(component, dir);
  rmSync(witPath, { force: true });
}

/** Median µs per call of a bare component's `nop()` and `echo("abc")`, measured in a fresh process. */
function measure(dir, v8Flags) {
  const script = `
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
for (const flag of ${JSON.stringify(v8Flags)}) v8.setFlagsFromString(flag);
const { instantiate } = await import(${JSON.stringify(pathToFileURL(path.join(dir, 'guest.mjs')).href)});
const modules = {};
const guest = instantiate((file) => (modules[file] ??= new WebAssembly.Module(readFileSync(${JSON.stringify(dir)} + '/' + file))), {});
if (guest.echo('hello') !== 'hello') throw new Error('echo is broken');
const median = (fn, n) => { for (let i = 0; i < 2000; i++) fn(); const xs = []; for (let i = 0; i < n; i++) { const s = process.hrtime.bigint(); fn(); xs.push(Number(process.hrtime.bigint() - s) / 1000); } xs.sort((a, b) => a - b); return xs[n >> 1]; };
console.log(JSON.stringify({ nop: median(() => guest.nop(), 20000), echo: median(() => guest.echo('abc'), 20000) }));
`;
  const file = path.join(cache, 'measure.mjs');
  writeFileSync(file, script);
  return JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8' }).trim());
}

/** Both engines' floors: { componentizeJs: { version, nop, echo }, componentizeQjs: { version, nop, echo } | { version, error } }. */
export async function measureEngineFloor() {
  mkdirSync(cache, { recursive: true });
  const jsVersion = manifestOf(compilerDependency('@bytecodealliance/componentize-js')).version;
  const jsDir = path.join(cache, `componentize-js-${jsVersion}`);
  if (!existsSync(path.join(jsDir, 'guest.mjs'))) await buildWithComponentizeJs(jsDir);
  const componentizeJs = { version: jsVersion, ...measure(jsDir, []) };

  const qjsDir = path.join(cache, `componentize-qjs-${QJS_VERSION}`);
  let componentizeQjs;
  try {
    if (!existsSync(path.join(qjsDir, 'guest.mjs'))) await buildWithComponentizeQjs(qjsDir);
    // Node 20's V8 has wasm extended-const behind a flag (on by default from Node 21).
    componentizeQjs = { version: QJS_VERSION, ...measure(qjsDir, ['--experimental-wasm-extended-const']) };
  } catch (error) {
    componentizeQjs = { version: QJS_VERSION, error: String(error.message ?? error).split('\n')[0] };
  }
  return { componentizeJs, componentizeQjs };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await measureEngineFloor());
