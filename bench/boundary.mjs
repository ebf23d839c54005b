// Boundary figures: per-call overhead, throughput on real workloads, first-call latency, memory per instance.
// Run: npm run bench:boundary (after npm run build). Prints a markdown table and writes it to bench/boundary-results.md.
// Medians; the native package is measured in the same process as the isolated one.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import isolateDeps from 'isolate-deps/esbuild';
import { measureEngineFloor } from './engine-floor.mjs';

const repo = new URL('..', import.meta.url).pathname;
const work = path.join(repo, 'test/.work/bench-boundary');
const cacheDir = path.join(repo, 'test/.cache/components');
const { mkdirSync, rmSync } = await import('node:fs');
rmSync(work, { recursive: true, force: true });
mkdirSync(path.join(work, 'src'), { recursive: true });

// The same specifiers as the compatibility corpus, so the components come from the shared cache.
const policy = { packages: { 'boundary-probe': { isolate: true }, marked: { isolate: true }, yaml: { isolate: true }, semver: { isolate: true }, lodash: { isolate: true } } };
writeFileSync(path.join(work, 'isolate-deps.policy.json'), JSON.stringify(policy));
writeFileSync(
  path.join(work, 'src/app.js'),
  `import * as probe from 'boundary-probe';
import { marked } from 'marked';
import YAML from 'yaml';
import 'yaml/util';
import semver from 'semver';
import _ from 'lodash';
import 'lodash/fp';
import { createRequire } from 'node:module';
const started = performance.now();
probe.upper('first');
const firstCall = performance.now() - started;
if (process.argv[2] === 'first-call') { console.log(JSON.stringify({ firstCall })); process.exit(0); }

const requireNative = createRequire(${JSON.stringify(path.join(repo, 'package.json'))});
const native = { probe: requireNative('boundary-probe'), yaml: requireNative('yaml'), semver: requireNative('semver'), _: requireNative('lodash') };
const markedSpecifier = 'marked';
native.marked = (await import(markedSpecifier)).marked;

const median = (fn, n) => { const xs = []; for (let i = 0; i < n; i++) { const s = process.hrtime.bigint(); fn(); xs.push(Number(process.hrtime.bigint() - s) / 1000); } xs.sort((a, b) => a - b); return xs[n >> 1]; };
const warm = (fn, n) => { for (let i = 0; i < n; i++) fn(); };

// Workloads, about 100 KB each where the issue says so.
let markdown = '';
for (let i = 0; markdown.length < 100_000; i++) markdown += '## Section ' + i + '\\n\\nSome *emphasis*, **strong**, a [link](https://example.com/' + i + ') and \`code\`.\\n\\n- item one\\n- item two\\n\\n';
let yamlText = '';
for (let i = 0; yamlText.length < 100_000; i++) yamlText += 'entry' + i + ':\\n  name: item ' + i + '\\n  tags: [a, b, c]\\n  value: ' + i * 1.5 + '\\n  nested: { on: true, when: 2020-01-01 }\\n';
const versions = [];
for (let i = 0; i < 10_000; i++) versions.push(((i * 7919) % 23) + '.' + ((i * 104729) % 101) + '.' + ((i * 31) % 17) + (i % 5 === 0 ? '-beta.' + (i % 3) : ''));
const people = Array.from({ length: 5000 }, (_, i) => ({ id: i, group: 'g' + (i % 37), score: (i * 7919) % 1000, tags: ['x', 'y'] }));

const results = {};
warm(() => probe.upper('warm'), 2000);
warm(() => native.probe.upper('warm'), 2000);
results.trivialIsolated = median(() => probe.upper('abc'), 20000);
results.trivialNative = median(() => native.probe.upper('abc'), 20000);

const pair = (name, iso, nat, n) => {
  if (JSON.stringify(iso()) !== JSON.stringify(nat())) throw new Error(name + ': isolated and native results differ');
  results[name] = { isolated: median(iso, n), native: median(nat, n * 4) };
};
pair('marked', () => marked.parse(markdown), () => native.marked.parse(markdown), 5);
pair('yaml', () => YAML.parse(yamlText), () => native.yaml.parse(yamlText), 5);
pair('semver', () => semver.sort([...versions]), () => native.semver.sort([...versions]), 5);
pair('lodash', () => [_.sortBy(people, ['group', 'score']).length, Object.keys(_.groupBy(people, 'group')).length, _.uniqBy(people, 'score').length, _.cloneDeep(people).length], () => [native._.sortBy(people, ['group', 'score']).length, Object.keys(native._.groupBy(people, 'group')).length, native._.uniqBy(people, 'score').length, native._.cloneDeep(people).length], 5);
results.bytes = { markdown: markdown.length, yaml: yamlText.length };
console.log(JSON.stringify(results));
`,
);

const started = performance.now();
const compiled = [];
await build({ absWorkingDir: work, entryPoints: ['src/app.js'], bundle: true, platform: 'node', format: 'esm', outfile: path.join(work, 'dist/app.mjs'), logLevel: 'silent', plugins: [isolateDeps({ cacheDir, onCompiled: (c) => compiled.push(c) })] });
const buildMs = performance.now() - started;
const app = path.join(work, 'dist/app.mjs');
const runJson = (args) => JSON.parse(execFileSync(process.execPath, [...args], { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 }).trim().split('\n').pop());

const firstCalls = [];
for (let i = 0; i < 5; i++) firstCalls.push(runJson([app, 'first-call']).firstCall);
firstCalls.sort((a, b) => a - b);
const measured = runJson([app]);

// The floor: a call that the guest answers at once ("ping"), and memory per extra instance of one component.
const probe = compiled.find((c) => c.name === 'boundary-probe');
const floorScript = `
import { IsolatedPackage } from ${JSON.stringify(path.join(repo, 'packages/isolate-deps/dist/runtime.js'))};
const { instantiate } = await import(${JSON.stringify(path.join(probe.dir, 'guest.mjs'))});
const grant = { fs: { read: [], write: [] }, env: [], net: [], clock: true, random: true, console: true };
const make = () => new IsolatedPackage({ name: 'boundary-probe', version: '1', grant, policyFile: 'x', root: '/tmp', componentDir: ${JSON.stringify(probe.dir)}, instantiate });
const pkg = make();
pkg.call('p', []);
const xs = []; for (let i = 0; i < 22000; i++) { const s = process.hrtime.bigint(); pkg.call('p', []); if (i >= 2000) xs.push(Number(process.hrtime.bigint() - s) / 1000); }
xs.sort((a, b) => a - b);
globalThis.gc(); const before = process.memoryUsage().rss;
const extra = []; for (let i = 0; i < 10; i++) { const p = make(); p.call('c0:upper', ['x']); extra.push(p); }
globalThis.gc(); const after = process.memoryUsage().rss;
console.log(JSON.stringify({ ping: xs[xs.length >> 1], perInstanceMb: (after - before) / 10 / 1e6, kept: extra.length }));
`;
const floorFile = path.join(work, 'floor.mjs');
writeFileSync(floorFile, floorScript);
const floor = runJson(['--expose-gc', floorFile]);
const engine = await measureEngineFloor();

const us = (x) => `${x.toFixed(1)} µs`;
const ms = (x) => `${(x / 1000).toFixed(1)} ms`;
const ratio = (r) => `${(r.isolated / r.native).toFixed(1)}x`;
const rows = [
  ['trivial string→string call (`upper("abc")`), isolated, median of 20,000', us(measured.trivialIsolated)],
  ['same call, native', us(measured.trivialNative)],
  ['boundary floor: a call the guest answers at once (no JS work), median of 20,000', us(floor.ping)],
  [`componentize-js ${engine.componentizeJs.version} alone (a bare component, no isolate-deps code): empty export \`nop()\` / \`echo(s: string) -> string\``, `${us(engine.componentizeJs.nop)} / ${us(engine.componentizeJs.echo)}`],
  [
    `componentize-qjs ${engine.componentizeQjs.version} alone (the same bare component on QuickJS; Node 20 needs V8's extended-const flag): \`nop()\` / \`echo()\``,
    engine.componentizeQjs.error ? `could not run: ${engine.componentizeQjs.error}` : `${us(engine.componentizeQjs.nop)} / ${us(engine.componentizeQjs.echo)}`,
  ],
  [`marked.parse, ${(measured.bytes.markdown / 1000).toFixed(0)} KB document: isolated / native`, `${ms(measured.marked.isolated)} / ${ms(measured.marked.native)} = ${ratio(measured.marked)}`],
  [`yaml.parse, ${(measured.bytes.yaml / 1000).toFixed(0)} KB: isolated / native`, `${ms(measured.yaml.isolated)} / ${ms(measured.yaml.native)} = ${ratio(measured.yaml)}`],
  ['semver.sort of 10,000 versions: isolated / native', `${ms(measured.semver.isolated)} / ${ms(measured.semver.native)} = ${ratio(measured.semver)}`],
  ['lodash sortBy + groupBy + uniqBy + cloneDeep on 5,000 objects: isolated / native', `${ms(measured.lodash.isolated)} / ${ms(measured.lodash.native)} = ${ratio(measured.lodash)}`],
  ['first call (compile + instantiate + package init + call), median of 5 processes', `${firstCalls[2].toFixed(0)} ms`],
  ['memory per additional instance (RSS, 10 instances)', `${floor.perInstanceMb.toFixed(1)} MB`],
  ['app build (five packages; components compiled unless already cached)', `${(buildMs / 1000).toFixed(1)} s`],
];
const table = ['| measure | value |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
console.log(table);
writeFileSync(path.join(repo, 'bench/boundary-results.md'), `${table}\n\nMeasured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:boundary\` (Node ${process.version}, ${readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length} cores).\n`);
