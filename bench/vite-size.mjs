// What isolation adds to a page's transfer size: examples/vite-app built by vite with no, one and three
// isolated packages; every file of the built page (html, js, css, wasm) counted raw, gzip -9 and brotli -11.
// Run: npm run bench:vite-size (after npm run build). Prints a markdown table.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'vite';
import isolateDeps from 'isolate-deps/vite';

const repo = new URL('..', import.meta.url).pathname;
const app = path.join(repo, 'examples/vite-app');
const work = path.join(repo, 'test/.work/bench-vite-size');
const cacheDir = path.join(repo, 'test/.cache/components');
// Policies live inside the app's node_modules so that packages resolve from the app, as with its own policy.
const policies = path.join(app, 'node_modules/.isolate-deps-bench');

const variants = [
  { name: 'native (nothing isolated)', isolate: [] },
  { name: 'one isolated package (marked)', isolate: ['marked'] },
  { name: 'three isolated packages (marked, yaml, wallet-format)', isolate: ['marked', 'yaml', 'wallet-format'] },
];

const compressed = new Map();
function sizes(file) {
  const bytes = readFileSync(file);
  const key = createHash('sha256').update(bytes).digest('hex');
  if (!compressed.has(key)) {
    compressed.set(key, {
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length,
    });
  }
  return compressed.get(key);
}

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true }).map((f) => path.join(dir, f)).filter((f) => statSync(f).isFile());
}

rmSync(work, { recursive: true, force: true });
mkdirSync(policies, { recursive: true });
const rows = [];
for (const [i, variant] of variants.entries()) {
  const policy = path.join(policies, `policy-${i}.json`);
  writeFileSync(policy, JSON.stringify({ packages: Object.fromEntries(variant.isolate.map((name) => [name, { isolate: true }])) }));
  const outDir = path.join(work, String(i));
  await build({ root: app, configFile: false, logLevel: 'error', plugins: [isolateDeps({ policy, cacheDir })], build: { outDir, emptyOutDir: true } });
  const total = { raw: 0, gzip: 0, brotli: 0, wasm: 0, files: 0 };
  for (const file of filesUnder(outDir)) {
    const s = sizes(file);
    total.raw += s.raw;
    total.gzip += s.gzip;
    total.brotli += s.brotli;
    total.files++;
    if (file.endsWith('.wasm')) total.wasm += s.raw;
  }
  rows.push({ ...variant, ...total });
}
rmSync(policies, { recursive: true, force: true });

const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
const kb = (n) => (n < 1e6 ? `${(n / 1e3).toFixed(1)} kB` : mb(n));
const base = rows[0];
console.log('| page | files | raw | gzip | brotli | added vs native (raw / gzip / brotli) |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) {
  const added = row === base ? '—' : `+${kb(row.raw - base.raw)} / +${kb(row.gzip - base.gzip)} / +${kb(row.brotli - base.brotli)}`;
  console.log(`| ${row.name} | ${row.files} | ${kb(row.raw)} | ${kb(row.gzip)} | ${kb(row.brotli)} | ${added} |`);
}
