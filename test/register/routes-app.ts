/** The app of test/register.test.ts that reaches the isolated fixture by every route Node offers. */
export const ROUTES_APP = `
import { createRequire, Module } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as staticNamespace from 'native-load-marker';
import { registeredIsolation } from 'isolate-deps/register';

const [mainFile, deepFile, copyFile] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const routes = {};
// What a route got: the facade answers from the guest (the canary it read at load is denied), or the route is refused.
async function probe(name, load) {
  try {
    const value = await load();
    const m = value && typeof value === 'object' && 'default' in value && value.default ? value.default : value;
    routes[name] = { answer: typeof m.greet === 'function' ? m.greet('x') : m.deep(), seenAtLoad: typeof m.seenAtLoad === 'function' ? m.seenAtLoad() ?? null : null };
  } catch (error) {
    routes[name] = { refused: error.code ?? error.message };
  }
}

await probe('static import', () => staticNamespace);
await probe('dynamic import()', () => import('native-load-marker'));
await probe('import() of the main file by file URL', () => import(pathToFileURL(mainFile).href));
await probe('import() of the main file with a query', () => import(pathToFileURL(mainFile).href + '?again=1'));
await probe('import() of a deep file by path', () => import(pathToFileURL(deepFile).href));
await probe('import() of a deep subpath', () => import('native-load-marker/lib/deep.js'));
await probe('require()', () => require('native-load-marker'));
await probe('require() of a deep subpath', () => require('native-load-marker/lib/deep.js'));
await probe('require() of the main file by absolute path', () => require(mainFile));
await probe('createRequire() from another folder', () => createRequire(path.join(path.dirname(mainFile), '..', 'elsewhere.js'))('native-load-marker'));
const parent = Object.assign(new Module(path.join(process.cwd(), 'parent.js')), { paths: Module._nodeModulePaths(process.cwd()) });
await probe('Module._load()', () => Module._load('native-load-marker', parent, false));
await probe('new Module().load() of the file', () => { const m = new Module(mainFile); m.load(mainFile); return m.exports; });
await probe('import() of an app ES module that imports it', () => import('./esm-helper.mjs').then((m) => m.marker));
await probe('require() of an app CommonJS module that requires it', () => require('./cjs-helper.cjs'));
await probe('require() of an app ES module that imports it', () => require('./esm-helper.mjs').marker);
await probe('require() of a .js file Node detects as an ES module', () => require('./detected.js').marker);
await probe('require() of a second installed copy', () => require(copyFile));
await probe('import() of a second installed copy', () => import(pathToFileURL(copyFile).href));
await probe('a worker thread', () => new Promise((resolve, reject) => {
  const worker = new Worker("import('native-load-marker').then((m) => require('node:worker_threads').parentPort.postMessage({ answer: m.greet('x'), marker: globalThis.__nativeLoadMarker ?? null }))", { eval: true });
  worker.once('message', (message) => { routes.workerMarker = message.marker; resolve({ greet: () => message.answer }); worker.terminate(); });
  worker.once('error', reject);
}));
routes.manifest = require('native-load-marker/package.json').version;

console.log(JSON.stringify({ routes, hostMarker: globalThis.__nativeLoadMarker ?? null, isolation: registeredIsolation() ?? null }));
`;

export const ROUTES_FILES = {
  'src/esm-helper.mjs': `import * as marker from 'native-load-marker';\nexport { marker };\n`,
  'src/cjs-helper.cjs': `module.exports = require('native-load-marker');\n`,
  'src/detected.js': `import * as marker from 'native-load-marker';\nexport { marker };\n`,
};
