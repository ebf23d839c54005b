// Cost of watching plain arguments for changes (write-back) when the package does not change them.
// Run: npm run build, then node bench/write-back.mjs. One process, one instance, interleaved rounds:
// `readOnly(object)` is watched (one JSON.stringify of the arguments in the guest after the call);
// `readOnlyText(json)` does the same work on the same data sent as a string, which is not watched.
// The watch itself is one JSON.stringify of the arguments in the guest, timed there. A last column changes the
// argument, so its reply carries a write-back.
import path from 'node:path';
import { build } from 'esbuild';
import isolateDeps from 'isolate-deps/esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

const repo = new URL('..', import.meta.url).pathname;
const work = path.join(repo, 'test/.work/bench-write-back');
rmSync(work, { recursive: true, force: true });
mkdirSync(path.join(work, 'src'), { recursive: true });
writeFileSync(path.join(work, 'isolate-deps.policy.json'), JSON.stringify({ packages: { 'boundary-probe': { isolate: true } } }));
writeFileSync(path.join(work, 'src/app.js'), `
import * as probe from 'boundary-probe';
const median = (fn, n) => { const xs = []; for (let i = 0; i < n; i++) { const s = process.hrtime.bigint(); fn(); xs.push(Number(process.hrtime.bigint() - s) / 1000); } xs.sort((a, b) => a - b); return xs[n >> 1]; };
const rows = [];
for (const size of [10, 1000, 5000]) {
  const data = Object.fromEntries(Array.from({ length: size }, (_, i) => ['k' + i, { id: i, tags: ['x', 'y'], name: 'item ' + i }]));
  const text = JSON.stringify(data);
  const n = size > 1000 ? 40 : 400;
  const watched = [], plain = [], changed = [];
  for (let round = 0; round < 5; round++) {
    plain.push(median(() => probe.readOnlyText(text), n));
    watched.push(median(() => probe.readOnly(data), n));
    changed.push(median(() => probe.pushInto([...Object.keys(data).slice(0, size)], 'z'), n));
  }
  const mid = (xs) => xs.sort((a, b) => a - b)[2];
  rows.push({ size, bytes: text.length, plain: mid(plain), watched: mid(watched), changed: mid(changed), stringify: probe.stringifyMicros(data, size > 1000 ? 20 : 200) });
}
console.log(JSON.stringify(rows));
`);
await build({ absWorkingDir: work, entryPoints: ['src/app.js'], bundle: true, platform: 'node', format: 'esm', outfile: path.join(work, 'dist/app.mjs'), logLevel: 'silent', plugins: [isolateDeps({ cacheDir: path.join(repo, 'test/.cache/components') })] });
const { execFileSync } = await import('node:child_process');
const rows = JSON.parse(execFileSync(process.execPath, [path.join(work, 'dist/app.mjs')], { cwd: work, encoding: 'utf8' }).trim().split('\n').pop());
const us = (x) => `${x.toFixed(1)} µs`;
console.log('| plain object argument | JSON size | same data as a string (not watched) | object, not changed (watched; includes the host encoding the object) | the watch itself: one guest JSON.stringify of the arguments | array argument changed (write-back) |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.size} entries | ${(r.bytes / 1000).toFixed(1)} KB | ${us(r.plain)} | ${us(r.watched)} | ${us(r.stringify)} (${((r.stringify / r.watched) * 100).toFixed(0)}% of the call) | ${us(r.changed)} |`);
