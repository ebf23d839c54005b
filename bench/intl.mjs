// Intl in the guest: the two routes issue 12 asked to weigh, measured on the same workloads.
// - delegation (what ships): Intl over the host's, through isolate:guest/intl (the intl-probe fixture, isolated);
// - polyfill: FormatJS's polyfills (English data + every time zone) and unorm, componentized with the same engine.
// Run: node bench/intl.mjs (after npm run build). The polyfill route installs FormatJS into test/.work (npm) and
// componentizes it (about a minute); POLYFILL=skip leaves it out. Medians of 5 runs; native in the same process.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import isolateDeps from 'isolate-deps/esbuild';

const repo = new URL('..', import.meta.url).pathname;
const work = path.join(repo, 'test/.work/bench-intl');
const cacheDir = path.join(repo, 'test/.cache/components');
const N = 1000;
const WORKLOADS = [
  ['format', `${N} × (DateTimeFormat.format in America/New_York + NumberFormat currency)`],
  ['construct', `${N} × new DateTimeFormat(…).format`],
  ['sort', `sort ${N} words with Collator.compare`],
  ['normalize', `${N} × normalize('NFKD')`],
];
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const timed = (fn) => {
  const times = [];
  let result;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    result = fn();
    times.push(performance.now() - started);
  }
  return { ms: median(times), result };
};

rmSync(work, { recursive: true, force: true });
mkdirSync(path.join(work, 'src'), { recursive: true });

// --- delegation: the intl-probe fixture isolated, against the same module natively.
writeFileSync(path.join(work, 'isolate-deps.policy.json'), JSON.stringify({ packages: { 'intl-probe': { isolate: true } } }));
writeFileSync(
  path.join(work, 'src/app.js'),
  `import isolated from 'intl-probe';
import { createRequire } from 'node:module';
const native = createRequire(${JSON.stringify(path.join(repo, 'package.json'))})('intl-probe');
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const timed = (fn) => { const t = []; let r; for (let i = 0; i < 5; i++) { const s = performance.now(); r = fn(); t.push(performance.now() - s); } return { ms: median(t), result: r }; };
const out = {};
for (const kind of ${JSON.stringify(WORKLOADS.map(([k]) => k))}) {
  isolated.workload(kind, 10);
  const iso = timed(() => isolated.workload(kind, ${N}));
  const nat = timed(() => native.workload(kind, ${N}));
  if (JSON.stringify(iso.result) !== JSON.stringify(nat.result)) throw new Error(kind + ': isolated ' + JSON.stringify(iso.result) + ' != native ' + JSON.stringify(nat.result));
  out[kind] = { isolated: iso.ms, native: nat.ms, sample: nat.result };
}
console.log(JSON.stringify(out));`,
);
const compiled = [];
await build({ absWorkingDir: work, entryPoints: ['src/app.js'], bundle: true, platform: 'node', format: 'esm', outfile: path.join(work, 'dist/app.mjs'), logLevel: 'silent', plugins: [isolateDeps({ cacheDir, onCompiled: (c) => compiled.push(c) })] });
const delegation = JSON.parse(execFileSync(process.execPath, [path.join(work, 'dist/app.mjs')], { cwd: work, encoding: 'utf8', env: { PATH: process.env.PATH } }).trim().split('\n').at(-1));
const componentDir = path.join(work, 'dist');
const wasmBytes = (dir) => execFileSync('find', [dir, '-name', '*.wasm', '-printf', '%s\\n'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).reduce((a, b) => a + Number(b), 0);
const delegationWasm = wasmBytes(componentDir);
// What delegation adds to every guest bundle: the guest side of the interface (Intl's classes, the locale methods).
const guestIntl = await build({ entryPoints: [path.join(repo, 'packages/guest/src/intl/index.ts')], bundle: true, write: false, minify: true, format: 'esm', platform: 'neutral', external: ['isolate:guest/intl'], logLevel: 'silent' });
const guestIntlBytes = guestIntl.outputFiles[0].contents.length;

// --- polyfill: FormatJS + unorm in a bare component of the same engine, called from the host.
const POLYFILLS = {
  '@formatjs/intl-getcanonicallocales': '3.2.12', '@formatjs/intl-locale': '5.3.12', '@formatjs/intl-pluralrules': '6.3.16', '@formatjs/intl-numberformat': '9.4.3',
  '@formatjs/intl-datetimeformat': '7.8.1', '@formatjs/intl-relativetimeformat': '13.0.1', '@formatjs/intl-listformat': '8.3.15', '@formatjs/intl-displaynames': '7.3.15', unorm: '1.6.0',
};
let polyfill;
if (process.env.POLYFILL !== 'skip') {
  const dir = path.join(repo, 'test/.work/bench-intl-polyfill');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(path.join(dir, 'node_modules/@formatjs/intl-datetimeformat'))) {
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true, dependencies: POLYFILLS }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: dir, stdio: 'ignore' });
  }
  const services = ['pluralrules', 'numberformat', 'datetimeformat', 'relativetimeformat', 'listformat', 'displaynames'];
  const entry = (locales) => [
    'globalThis.Intl = globalThis.Intl ?? {};',
    "import '@formatjs/intl-getcanonicallocales/polyfill-force.js';",
    "import '@formatjs/intl-locale/polyfill-force.js';",
    ...services.flatMap((s) => [`import '@formatjs/intl-${s}/polyfill-force.js';`, ...locales(s).map((l) => `import '@formatjs/intl-${s}/locale-data/${l}';`)]),
    "import '@formatjs/intl-datetimeformat/add-all-tz.js';",
    "import unorm from 'unorm';",
    "if (!String.prototype.normalize) String.prototype.normalize = function (form = 'NFC') { return unorm[form.toLowerCase()](String(this)); };",
    `const workload = ${readFileSync(path.join(repo, 'test/fixtures/intl-probe/index.js'), 'utf8').split('exports.workload = ')[1].replace(/;\s*$/, '')};`,
    // An exception would trap the instance: it comes back as data instead.
    'export function run(kind, count) { try { return JSON.stringify(workload(kind, count)); } catch (e) { return JSON.stringify({ failed: String(e) }); } }',
  ].join('\n');
  const bundleOf = async (locales) => (await build({ stdin: { contents: entry(locales), resolveDir: dir, loader: 'js' }, bundle: true, write: false, minify: true, format: 'esm', platform: 'neutral', mainFields: ['module', 'main'], logLevel: 'silent' })).outputFiles[0].contents;
  const english = await bundleOf(() => ['en.js']);
  const every = await bundleOf((s) => execFileSync('ls', [path.join(dir, `node_modules/@formatjs/intl-${s}/locale-data`)], { encoding: 'utf8' }).split('\n').filter((f) => f.endsWith('.js')));
  // The compiler's own copies (ESM-only packages, imported by path).
  const tools = path.join(repo, 'packages/compiler/node_modules/@bytecodealliance');
  const { componentize } = await import(path.join(tools, 'componentize-js/src/componentize.js'));
  const { transpileBytes } = await import(path.join(tools, 'jco-transpile/dist/index.js'));
  writeFileSync(path.join(dir, 'bench.js'), english);
  writeFileSync(path.join(dir, 'world.wit'), 'package bench:intl;\nworld bench {\n  export run: func(kind: string, count: u32) -> string;\n}\n');
  const { component } = await componentize({ sourcePath: path.join(dir, 'bench.js'), witPath: path.join(dir, 'world.wit'), worldName: 'bench', disableFeatures: ['random', 'stdio', 'clocks', 'http', 'fetch-event'] });
  const { files } = await transpileBytes(component, { name: 'poly', instantiation: 'sync', noComponentErrorWrapping: true });
  const out = path.join(dir, 'out');
  mkdirSync(out, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(out, name.replace(/\.js$/, '.mjs')), bytes);
  const { instantiate } = await import(path.join(out, 'poly.mjs'));
  const cores = new Map();
  const core = (p) => cores.get(p) ?? cores.set(p, new WebAssembly.Module(readFileSync(path.join(out, p)))).get(p);
  const times = {};
  const native = createRequire(path.join(repo, 'package.json'))('intl-probe');
  for (const [kind] of WORKLOADS) {
    const instance = instantiate(core, {});
    const failed = JSON.parse(instance.run(kind, 10)).failed;
    if (failed) {
      times[kind] = { error: failed.slice(0, 60) };
      continue;
    }
    const { ms, result } = timed(() => instance.run(kind, N));
    times[kind] = { ms, same: result === JSON.stringify(native.workload(kind, N)) };
  }
  polyfill = { english: english.length, englishGz: gzipSync(english).length, every: every.length, everyGz: gzipSync(every).length, component: component.byteLength, times };
}

const fmt = (ms) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0));
const lines = [
  `Intl in the guest, ${new Date().toISOString().slice(0, 10)} (2 shared cores, loaded machine: compare ratios, not absolutes)`,
  '',
  '| | delegation (isolate:guest/intl) | FormatJS polyfill |',
  '|---|---|---|',
  `| JS added to each guest bundle (minified) | ${(guestIntlBytes / 1024).toFixed(1)} KB | ${polyfill ? `${(polyfill.english / 2 ** 20).toFixed(2)} MB English only (${(polyfill.englishGz / 1024).toFixed(0)} KB gzip); ${(polyfill.every / 2 ** 20).toFixed(0)} MB every locale (${(polyfill.everyGz / 2 ** 20).toFixed(0)} MB gzip)` : 'skipped'} |`,
  `| component (all core wasm) | ${(delegationWasm / 2 ** 20).toFixed(1)} MB (intl-probe) | ${polyfill ? `${(polyfill.component / 2 ** 20).toFixed(1)} MB (English only)` : 'skipped'} |`,
  '',
  '| workload | native | delegation | ratio | polyfill | ratio |',
  '|---|---|---|---|---|---|',
  ...WORKLOADS.map(([kind, label]) => {
    const row = delegation[kind];
    const poly = polyfill?.times[kind];
    const polyCell = !poly ? 'skipped' : poly.error ? `fails: ${poly.error}` : `${fmt(poly.ms)} ms${poly.same ? '' : ' (output differs from Node)'}`;
    return `| ${label} | ${fmt(row.native)} ms | ${fmt(row.isolated)} ms | ${(row.isolated / row.native).toFixed(0)}x | ${polyCell} | ${poly?.ms ? `${(poly.ms / row.native).toFixed(0)}x` : ''} |`;
  }),
];
console.log(lines.join('\n'));
