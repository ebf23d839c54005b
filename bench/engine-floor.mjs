// The engine's own floor: a bare componentize-js component (no isolate-deps code inside or around it)
// with an empty export and a string echo, called through jco's bindings. What isolate-deps adds is the
// difference between these and the boundary rows. Built once, then cached under test/.cache/engine-floor.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const repo = new URL('..', import.meta.url).pathname;
// componentize-js and jco are dependencies of the compiler package, not of the repository root (and ESM-only).
const compilerDependency = (name) => path.join(repo, 'packages/compiler/node_modules', name);
const manifestOf = (name) => JSON.parse(readFileSync(path.join(compilerDependency(name), 'package.json'), 'utf8'));
async function importFromCompiler(name) {
  const entry = manifestOf(name).exports;
  const file = entry.import ?? entry['.']?.default ?? entry['.']?.import;
  return import(pathToFileURL(path.join(compilerDependency(name), file)).href);
}

const WIT = `package local:floor;
world floor {
  export nop: func();
  export echo: func(s: string) -> string;
}`;
const SOURCE = 'export function nop() {}\nexport function echo(s) { return s; }\n';

async function buildBareComponent(dir) {
  const { componentize } = await importFromCompiler('@bytecodealliance/componentize-js');
  const { transpileBytes } = await importFromCompiler('@bytecodealliance/jco-transpile');
  const work = `${dir}.tmp`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(path.join(work, 'guest.js'), SOURCE);
  writeFileSync(path.join(work, 'world.wit'), WIT);
  // The same options as packages/compiler/src/componentize.ts: no WASI features.
  const { component } = await componentize({ sourcePath: path.join(work, 'guest.js'), witPath: path.join(work, 'world.wit'), worldName: 'floor', disableFeatures: ['random', 'stdio', 'clocks', 'http', 'fetch-event'] });
  const { files } = await transpileBytes(component, { name: 'guest', instantiation: 'sync', noComponentErrorWrapping: true, minify: false });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(work, name === 'guest.js' ? 'guest.mjs' : name), bytes);
  rmSync(dir, { recursive: true, force: true });
  execFileSync('mv', [work, dir]);
}

/** Median µs per call of the bare component's `nop()` and `echo("abc")`, in a fresh process. */
export async function measureEngineFloor() {
  const { version } = manifestOf('@bytecodealliance/componentize-js');
  const dir = path.join(repo, 'test/.cache/engine-floor', version);
  if (!existsSync(path.join(dir, 'guest.mjs'))) await buildBareComponent(dir);
  const script = `
import { readFileSync } from 'node:fs';
const { instantiate } = await import(${JSON.stringify(path.join(dir, 'guest.mjs'))});
const module = new WebAssembly.Module(readFileSync(${JSON.stringify(path.join(dir, 'guest.core.wasm'))}));
const guest = instantiate(() => module, {});
const median = (fn, n) => { for (let i = 0; i < 2000; i++) fn(); const xs = []; for (let i = 0; i < n; i++) { const s = process.hrtime.bigint(); fn(); xs.push(Number(process.hrtime.bigint() - s) / 1000); } xs.sort((a, b) => a - b); return xs[n >> 1]; };
console.log(JSON.stringify({ version: ${JSON.stringify(version)}, nop: median(() => guest.nop(), 20000), echo: median(() => guest.echo('abc'), 20000) }));
`;
  const file = path.join(dir, '..', 'measure.mjs');
  writeFileSync(file, script);
  return JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8' }).trim());
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await measureEngineFloor());
