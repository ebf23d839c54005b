// Interleaved A/B of the boundary benchmark's yaml row: `node bench/ab-yaml.mjs <old-checkout> [<new-checkout>]`
// (each checkout installed and built; <new-checkout> defaults to this one). For example:
//   git worktree add /tmp/old 76ff6dd && (cd /tmp/old && npm run setup && npm run build) && node bench/ab-yaml.mjs /tmp/old
// Each checkout builds the boundary benchmark's app (the same five isolated packages) with its own plugin,
// runtime and component build, into <checkout>/test/.work/ab-yaml, components cached in its own
// <checkout>/test/.cache/components. Then fresh processes alternate old/new, new/old, ... (AB_PAIRS pairs,
// default 7): each calls yaml.parse on the benchmark's 100 KB document, AB_WARM warm-up calls (default 2),
// then the median of AB_RUNS isolated calls (default 5) and of 4x as many native calls in the same process.
// Runs days apart on this VM differ by up to 1.7x; alternating in one session puts both sides under the same
// load and drift, and the paired ratio (new / old of adjacent processes) cancels what is left of it.
// Wall time, the fastest call and the process's CPU time per call are reported: under load the wall time also
// counts waiting for a core. AB_PRELUDE=bench first runs what bench:boundary runs before yaml (trivial calls,
// then marked, which shares yaml's compiled engine). Prints a markdown table; every process's figures go to
// <new-checkout>/test/.work/ab-yaml/ab-results.json. Method and results: bench/README.md (boundary section).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const here = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const [oldArg, newArg] = process.argv.slice(2);
if (!oldArg) {
  console.error('usage: node bench/ab-yaml.mjs <old-checkout> [<new-checkout>]');
  process.exit(2);
}
const PAIRS = Number(process.env.AB_PAIRS ?? 7);
const RUNS = Number(process.env.AB_RUNS ?? 5);
const WARM = Number(process.env.AB_WARM ?? 2);
const sides = [
  { label: 'old', root: path.resolve(oldArg) },
  { label: 'new', root: path.resolve(newArg ?? here) },
];
const git = (root, ...args) => {
  try {
    return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
};

// The guest app: the boundary benchmark's imports, then only the yaml workload (same document, same check).
const appSource = (root) => `import * as probe from 'boundary-probe';
import { marked } from 'marked';
import YAML from 'yaml';
import 'yaml/util';
import semver from 'semver';
import _ from 'lodash';
import 'lodash/fp';
import { createRequire } from 'node:module';
void [semver, _];
const requireNative = createRequire(${JSON.stringify(path.join(root, 'package.json'))});
const nativeYaml = requireNative('yaml');
const time = (fn, n) => { const xs = []; for (let i = 0; i < n; i++) { const s = process.hrtime.bigint(); fn(); xs.push(Number(process.hrtime.bigint() - s) / 1e6); } return xs; };
if (process.env.AB_PRELUDE === 'bench') {
  // What bench:boundary runs in the same process before yaml: the trivial calls, then marked.
  time(() => probe.upper('warm'), 22000);
  const markedSpecifier = 'marked'; // a variable, so that esbuild leaves the native import alone
  const nativeMarked = (await import(markedSpecifier)).marked;
  let markdown = '';
  for (let i = 0; markdown.length < 100_000; i++) markdown += '## Section ' + i + '\\n\\nSome *emphasis*, **strong**, a [link](https://example.com/' + i + ') and \\\`code\\\`.\\n\\n- item one\\n- item two\\n\\n';
  if (marked.parse(markdown) !== nativeMarked.parse(markdown)) throw new Error('marked: isolated and native results differ');
  time(() => marked.parse(markdown), 5);
}
let yamlText = '';
for (let i = 0; yamlText.length < 100_000; i++) yamlText += 'entry' + i + ':\\n  name: item ' + i + '\\n  tags: [a, b, c]\\n  value: ' + i * 1.5 + '\\n  nested: { on: true, when: 2020-01-01 }\\n';
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const load = (await import('node:os')).loadavg()[0];
const started = performance.now();
if (JSON.stringify(YAML.parse(yamlText)) !== JSON.stringify(nativeYaml.parse(yamlText))) throw new Error('isolated and native results differ');
const firstMs = performance.now() - started;
time(() => YAML.parse(yamlText), ${WARM});
// CPU time of the process beside wall time: on a loaded machine a call's wall time includes waiting for a core.
const isolated = [];
const isolatedCpu = [];
for (let i = 0; i < ${RUNS}; i++) {
  const cpu = process.cpuUsage();
  isolated.push(time(() => YAML.parse(yamlText), 1)[0]);
  const { user, system } = process.cpuUsage(cpu);
  isolatedCpu.push((user + system) / 1000);
}
time(() => nativeYaml.parse(yamlText), ${RUNS * 4});
const native = time(() => nativeYaml.parse(yamlText), ${RUNS * 4});
console.log(JSON.stringify({ isolated: median(isolated), isolatedMin: Math.min(...isolated), cpuPerIsolated: median(isolatedCpu), native: median(native), isolatedRuns: isolated, firstMs, load, bytes: yamlText.length }));
`;

for (const side of sides) {
  side.commit = git(side.root, 'rev-parse', '--short', 'HEAD');
  side.dirty = git(side.root, 'status', '--porcelain', '--untracked-files=no') !== '';
  const work = path.join(side.root, 'test/.work/ab-yaml');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(path.join(work, 'src'), { recursive: true });
  const policy = { packages: { 'boundary-probe': { isolate: true }, marked: { isolate: true }, yaml: { isolate: true }, semver: { isolate: true }, lodash: { isolate: true } } };
  writeFileSync(path.join(work, 'isolate-deps.policy.json'), JSON.stringify(policy));
  writeFileSync(path.join(work, 'src/app.js'), appSource(side.root));
  // Each side's own esbuild and plugin (and through the plugin its own compiler, guest environment and runtime).
  const { build } = createRequire(path.join(side.root, 'package.json'))('esbuild');
  const { default: isolateDeps } = await import(pathToFileURL(path.join(side.root, 'packages/isolate-deps/dist/esbuild.js')).href);
  const started = performance.now();
  const plugins = [isolateDeps({ cacheDir: path.join(side.root, 'test/.cache/components') })];
  await build({ absWorkingDir: work, entryPoints: ['src/app.js'], bundle: true, platform: 'node', format: 'esm', outfile: path.join(work, 'dist/app.mjs'), logLevel: 'silent', plugins });
  side.app = path.join(work, 'dist/app.mjs');
  side.cwd = work;
  side.results = [];
  console.error(`${side.label}: ${side.root} at ${side.commit}${side.dirty ? ' (modified)' : ''}, app built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const run = (side) => {
  const out = execFileSync(process.execPath, [side.app], { cwd: side.cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split('\n').pop());
};
const loadStart = os.loadavg();
const paired = [];
for (let i = 0; i < PAIRS; i++) {
  // Alternate which side goes first, so a steady drift in machine speed favours neither.
  const order = i % 2 === 0 ? sides : [...sides].reverse();
  const got = {};
  for (const side of order) {
    got[side.label] = run(side);
    side.results.push(got[side.label]);
  }
  paired.push({ isolated: got.new.isolated / got.old.isolated, isolatedMin: got.new.isolatedMin / got.old.isolatedMin, cpu: got.new.cpuPerIsolated / got.old.cpuPerIsolated, native: got.new.native / got.old.native });
  console.error(
    `pair ${i + 1}/${PAIRS} (${order.map((s) => s.label).join(' then ')}): old ${got.old.isolated.toFixed(0)} (CPU ${got.old.cpuPerIsolated.toFixed(0)}) / ${got.old.native.toFixed(1)} ms, new ${got.new.isolated.toFixed(0)} (CPU ${got.new.cpuPerIsolated.toFixed(0)}) / ${got.new.native.toFixed(1)} ms, new/old isolated ${paired[i].isolated.toFixed(3)}, load ${os.loadavg()[0].toFixed(2)}`,
  );
}
const loadEnd = os.loadavg();
// Every process's figures, for a closer look than the medians.
writeFileSync(path.join(sides[1].cwd, 'ab-results.json'), JSON.stringify({ sides: sides.map(({ label, root, commit, dirty, results }) => ({ label, root, commit, dirty, results })), paired, loadStart, loadEnd }, null, 1));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const [oldSide, newSide] = sides;
const m = (side, key) => median(side.results.map((r) => r[key]));
const rows = [
  ['yaml.parse 100 KB isolated, median of process medians', ...sides.map((s) => `${m(s, 'isolated').toFixed(0)} ms`), `${median(paired.map((p) => p.isolated)).toFixed(3)}`],
  ['fastest isolated call of each process (least disturbed), median', ...sides.map((s) => `${m(s, 'isolatedMin').toFixed(0)} ms`), `${median(paired.map((p) => p.isolatedMin)).toFixed(3)}`],
  ['CPU time per isolated call (process, all threads), median', ...sides.map((s) => `${m(s, 'cpuPerIsolated').toFixed(0)} ms`), `${median(paired.map((p) => p.cpu)).toFixed(3)}`],
  ['same process, native', ...sides.map((s) => `${m(s, 'native').toFixed(1)} ms`), `${median(paired.map((p) => p.native)).toFixed(3)}`],
  ['isolated / native', ...sides.map((s) => `${median(s.results.map((r) => r.isolated / r.native)).toFixed(1)}x`), ''],
  ['first yaml call (load + parse + check)', ...sides.map((s) => `${m(s, 'firstMs').toFixed(0)} ms`), ''],
];
const table = [
  `| measure | old (${oldSide.commit}) | new (${newSide.commit}${newSide.dirty ? '+' : ''}) | median of paired new/old |`,
  '|---|---:|---:|---:|',
  ...rows.map((r) => `| ${r.join(' | ')} |`),
].join('\n');
console.log(table);
console.log(
  `\n${PAIRS} pairs, ${RUNS} timed isolated calls per process after ${WARM + 1} untimed; load average (1/5/15 min) ${loadStart.map((x) => x.toFixed(2)).join(' ')} at start, ${loadEnd.map((x) => x.toFixed(2)).join(' ')} at end; Node ${process.version}, ${os.cpus().length} cores.`,
);
