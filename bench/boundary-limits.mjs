// Host decoding of hostile replies: the time must grow linearly with the reply's size.
// Run: node bench/boundary-limits.mjs (bundles packages/boundary/src with esbuild; nothing to build first).
// Prints a markdown table: for each case the decode time at n, 2n and 4n, and the ratio 4n / n (4 = linear).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const repo = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(path.join(tmpdir(), 'boundary-limits-bench-'));
const outfile = path.join(dir, 'boundary.mjs');
await build({ entryPoints: [path.join(repo, 'packages/boundary/src/index.ts')], bundle: true, format: 'esm', platform: 'node', outfile, logLevel: 'silent' });
const { decode, BoundaryLimitError, DEFAULT_MAX_DECODE_LENGTH } = await import(pathToFileURL(outfile).href);
rmSync(dir, { recursive: true, force: true });

const median = (fn, runs = 3) => {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[runs >> 1];
};

const cases = {
  'error with n non-enumerable fields': (n) => {
    const props = {};
    const hidden = [];
    for (let i = 0; i < n; i++) (props[`p${i}`] = i), hidden.push(`p${i}`);
    return JSON.stringify({ $t: 'err', name: 'Error', message: 'm', props, hidden });
  },
  'list of n small objects': (n) => JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: i, tag: 't' }))),
  'bigint of n hex digits': (n) => JSON.stringify({ $t: 'big', v: 'f'.repeat(n) }),
};
const sizes = { 'error with n non-enumerable fields': 15_000, 'list of n small objects': 250_000, 'bigint of n hex digits': 250_000 };

const rows = [];
for (const [name, make] of Object.entries(cases)) {
  const n = sizes[name];
  const times = [n, 2 * n, 4 * n].map((size) => {
    const text = make(size);
    return { size, chars: text.length, ms: median(() => decode(text)) };
  });
  rows.push(`| ${name} | ${times.map((t) => `n=${t.size.toLocaleString('en')} (${(t.chars / 1e6).toFixed(1)} M chars): ${t.ms.toFixed(1)} ms`).join(' / ')} | ${(times[2].ms / times[0].ms).toFixed(1)} |`);
}

const oversized = JSON.stringify(['x'.repeat(DEFAULT_MAX_DECODE_LENGTH)]);
let refused = '';
const refusedMs = median(() => {
  try {
    decode(oversized, undefined, { from: '"bench"' });
  } catch (error) {
    if (!(error instanceof BoundaryLimitError)) throw error;
    refused = error.code;
  }
});
rows.push(`| reply of ${(oversized.length / 2 ** 20).toFixed(0)} Mi chars (over the ${DEFAULT_MAX_DECODE_LENGTH / 2 ** 20} Mi default) | refused with ${refused} in ${refusedMs.toFixed(2)} ms | — |`);

console.log(['| case | decode time at n / 2n / 4n | 4n ÷ n (4 = linear) |', '|---|---|---|', ...rows].join('\n'));
console.log(`\nNode ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
