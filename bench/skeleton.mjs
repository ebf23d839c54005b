// Build and call-latency figures for the walking skeleton. Run: npm run bench (after npm run build).
// Prints a markdown table; medians, with the native package measured in the same process as the baseline.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import isolateDeps from 'isolate-deps/esbuild';

const repo = new URL('..', import.meta.url).pathname;
const work = path.join(repo, 'test/.work/bench-skeleton');
rmSync(work, { recursive: true, force: true });
mkdirSync(path.join(work, 'src'), { recursive: true });
writeFileSync(path.join(work, 'isolate-deps.policy.json'), JSON.stringify({ packages: { yaml: { isolate: true } } }));
writeFileSync(
  path.join(work, 'src/app.js'),
  `import { parse } from 'yaml';
import { createRequire } from 'node:module';
const native = createRequire(${JSON.stringify(path.join(repo, 'package.json'))})('yaml');
const doc = 'a: 1\\nb: [x, y]\\n';
const t0 = performance.now();
parse(doc);
const firstCall = performance.now() - t0;
const median = (fn, n) => { const xs = []; for (let i = 0; i < n; i++) { const s = performance.now(); fn(); xs.push(performance.now() - s); } xs.sort((a, b) => a - b); return xs[n >> 1]; };
for (let i = 0; i < 200; i++) { parse(doc); native.parse(doc); }
const isolated = median(() => parse(doc), 2000);
const nat = median(() => native.parse(doc), 2000);
console.log(JSON.stringify({ firstCall, isolated, native: nat }));
`,
);

async function timedBuild(cacheDir) {
  const started = performance.now();
  await build({ absWorkingDir: work, entryPoints: ['src/app.js'], bundle: true, platform: 'node', format: 'esm', outfile: path.join(work, 'dist/app.mjs'), logLevel: 'silent', plugins: [isolateDeps({ cacheDir })] });
  return performance.now() - started;
}

const cacheDir = mkdtempSync(path.join(tmpdir(), 'isolate-bench-cache-'));
const cold = await timedBuild(cacheDir);
const warm = [];
for (let i = 0; i < 3; i++) warm.push(await timedBuild(cacheDir));
warm.sort((a, b) => a - b);

const componentRoot = path.join(work, 'dist/isolate-deps');
const componentDir = path.join(componentRoot, readdirSync(componentRoot)[0]);
const wasm = readdirSync(componentDir).map((f) => path.join(componentDir, f));
const rawBytes = wasm.reduce((sum, f) => sum + statSync(f).size, 0);
const gzipBytes = wasm.reduce((sum, f) => sum + gzipSync(readFileSync(f)).length, 0);

const runs = [];
for (let i = 0; i < 5; i++) runs.push(JSON.parse(execFileSync(process.execPath, [path.join(work, 'dist/app.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })));
const med = (key) => runs.map((r) => r[key]).sort((a, b) => a - b)[runs.length >> 1];

const rows = [
  ['cold build (one component: bundle + componentize + transpile + describe)', `${(cold / 1000).toFixed(1)} s`],
  ['warm rebuild (cache hit, median of 3)', `${warm[1].toFixed(0)} ms`],
  ['component size on disk (core wasm files)', `${(rawBytes / 1e6).toFixed(1)} MB raw, ${(gzipBytes / 1e6).toFixed(1)} MB gzip`],
  ['first call (compile + instantiate + package init + call), median of 5 processes', `${med('firstCall').toFixed(0)} ms`],
  ["yaml.parse('a: 1\\nb: [x, y]') native, median of 2000", `${(med('native') * 1000).toFixed(1)} µs`],
  ['same call isolated, median of 2000', `${(med('isolated') * 1000).toFixed(1)} µs (${(med('isolated') / med('native')).toFixed(0)}x native)`],
];
console.log('| measure | value |\n|---|---|');
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
rmSync(cacheDir, { recursive: true, force: true });
