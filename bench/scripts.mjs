// Sandbox overhead per install script: the same script run bare (sh -c, as npm runs it) and in the
// sandbox of `isolate-deps scripts`, interleaved, on a project laid out as after `npm ci --ignore-scripts`.
// Prints a table of medians; BENCH_RUNS sets the runs per row (default 40).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

const runs = Number(process.env.BENCH_RUNS ?? 40);
const outfile = new URL('../packages/analyzer/node_modules/.cache/isolate-deps-bench/sandbox.mjs', import.meta.url).pathname;
await build({ entryPoints: [new URL('../packages/sandbox/src/index.ts', import.meta.url).pathname], outfile, bundle: true, format: 'esm', platform: 'node', target: 'node20', external: ['oxc-parser'], mainFields: ['module', 'main'], logLevel: 'warning', banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' } });
const { runSandboxed, sandboxSupport } = await import(outfile);
sandboxSupport();

const root = mkdtempSync(path.join(os.tmpdir(), 'isolate-deps-bench-scripts-'));
const pkg = path.join(root, 'node_modules', 'bench-pkg');
mkdirSync(pkg, { recursive: true });
writeFileSync(path.join(root, 'package.json'), '{"name":"bench","version":"1.0.0"}');
writeFileSync(path.join(pkg, 'package.json'), '{"name":"bench-pkg","version":"1.0.0"}');
writeFileSync(path.join(pkg, 'install.js'), "require('fs').writeFileSync(require('path').join(__dirname, 'out.txt'), 'built')\n");
const env = { PATH: `${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: root };

const scripts = [
  ['shell no-op', 'exit 0'],
  ['node -e 0', 'node -e 0'],
  ['node install.js (writes a file)', 'node install.js'],
];

function bare(command) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd: pkg, env, stdio: 'ignore' });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${command}: exit ${code}`))));
  });
}

async function sandboxed(command) {
  const started = performance.now();
  // As runScripts does for a series of scripts: the next sandbox's cgroup is prepared while this one runs.
  const result = await runSandboxed({ command, cwd: pkg, root, writable: [pkg], env, warmNext: true });
  if (result.exitCode !== 0 || result.violations.length > 0) throw new Error(`${command}: ${JSON.stringify(result.violations)} ${result.output}`);
  return { ms: performance.now() - started, via: result.limitsVia };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const rows = [];
let via = '';
for (const [label, command] of scripts) {
  const b = [];
  const s = [];
  await bare(command);
  await sandboxed(command);
  for (let i = 0; i < runs; i++) {
    b.push(await bare(command));
    const r = await sandboxed(command);
    s.push(r.ms);
    via = r.via;
  }
  rows.push({ label, bare: median(b), sandboxed: median(s), overhead: median(s.map((x, i) => x - b[i])) });
}
rmSync(root, { recursive: true, force: true });

const f = (ms) => `${ms.toFixed(1)} ms`;
console.log(`Sandbox overhead per install script (${runs} interleaved runs each, medians; limits via ${via}; load average ${os.loadavg()[0].toFixed(2)}, ${os.cpus().length} cores, Node ${process.version})\n`);
console.log('| Script | Bare (`sh -c`) | Sandboxed | Overhead (median of paired differences) |');
console.log('| --- | ---: | ---: | ---: |');
for (const r of rows) console.log(`| ${r.label} | ${f(r.bare)} | ${f(r.sandboxed)} | ${f(r.overhead)} |`);
const worst = Math.max(...rows.map((r) => r.overhead));
console.log(`\nWorst median overhead: ${f(worst)} (target ≤ 50 ms: ${worst <= 50 ? 'met' : 'NOT met'}; load average ${os.loadavg()[0].toFixed(2)} at the end)`);
