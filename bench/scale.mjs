// How isolation scales with the number of isolated packages (issue 13): the same app built natively and with
// 1, 10 and 25 packages isolated, in one run. Run: npm run bench:scale (after npm run build). Method: bench/README.md ("## scale").
// BENCH_RUNS (default 5) processes per start-up figure; BENCH_SERIAL_BASELINE=1 also times a cold build on one build thread.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const work = path.join(repo, 'bench/.work/scale');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

// One small call per package; `ns` is the module namespace, `d` its default export.
const PACKAGES = [
  ['ajv', 'new d().validate({ type: "number" }, 1)'],
  ['lodash', 'd.chunk([1, 2, 3, 4], 2).length'],
  ['yaml', 'd.parse("a: 1").a'],
  ['semver', 'd.valid("1.2.3")'],
  ['dayjs', 'd("2020-01-02").year()'],
  ['zod', 'ns.z.string().parse("x")'],
  ['marked', 'ns.marked.parse("# hi")'],
  ['qs', 'd.parse("a=1").a'],
  ['uuid', 'ns.v4().length'],
  ['validator', 'd.isEmail("a@b.co")'],
  ['js-yaml', 'ns.load("a: 1").a'],
  ['markdown-it', 'new d().render("# x")'],
  ['nanoid', 'ns.nanoid().length'],
  ['diff', 'ns.diffChars("abc", "abd").length'],
  ['handlebars', 'd.compile("Hi {{n}}")({ n: "x" })'],
  ['mustache', 'd.render("Hi {{n}}", { n: "x" })'],
  ['papaparse', 'd.parse("a,b\\n1,2").data.length'],
  ['xml2js', 'new ns.Builder().buildObject({ a: 1 }).length'],
  ['sanitize-html', 'd("<b>x</b><script>y</script>")'],
  ['bluebird', 'd.resolve(1).isFulfilled()'],
  ['escape-html', 'd("<a>")'],
  ['ms', 'd("2 days")'],
  ['minimist', 'd(["--a", "1"]).a'],
  ['cookie', '(ns.parseCookie ?? ns.parse)("a=1").a'],
  ['fast-xml-parser', 'new ns.XMLParser().parse("<a>1</a>").a'],
];

function appSource(packages) {
  const imports = packages.map(([name], i) => `import * as p${i} from ${JSON.stringify(name)};`);
  const calls = packages.map(([, call], i) => `  () => { const ns = p${i}, d = p${i}.default; return ${call}; },`);
  return `${imports.join('\n')}
const calls = [
${calls.join('\n')}
];
const firstCallMs = [];
const errors = [];
// A server's first requests come after its start-up, once isolate-deps has prepared each package ahead.
if (process.argv[2] === 'call-after-idle') await new Promise((resolve) => setTimeout(resolve, 2000));
if (process.argv[2] === 'call' || process.argv[2] === 'call-after-idle') {
  for (const [i, call] of calls.entries()) {
    const started = performance.now();
    try { call(); } catch (e) { errors.push(i + ': ' + e.message); }
    firstCallMs.push(performance.now() - started);
  }
}
console.log(JSON.stringify({ firstCallMs, errors, maxRssKb: process.resourceUsage().maxRSS }));
`;
}

function writeApp(name, packages, isolated) {
  const dir = path.join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  writeFileSync(path.join(dir, 'src/app.js'), appSource(packages));
  writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
  if (isolated) writeFileSync(path.join(dir, 'isolate-deps.policy.json'), JSON.stringify({ packages: Object.fromEntries(packages.map(([n]) => [n, { isolate: true }])) }));
  return dir;
}

// An ES module bundle of CommonJS packages needs a real require for Node built-ins (yaml requires "process").
const BANNER = 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);';

/** Builds in a child process, sampling the summed RSS of its whole process tree (build threads and Wizer processes). */
async function build(dir, cacheDir, env = {}) {
  const script = `
    import { build } from 'esbuild';
    import isolateDeps from 'isolate-deps/esbuild';
    const isolated = ${JSON.stringify(cacheDir !== undefined)};
    await build({ absWorkingDir: ${JSON.stringify(dir)}, entryPoints: ['src/app.js'], bundle: true, platform: 'node', format: 'esm',
      outfile: 'dist/app.mjs', logLevel: 'error', banner: { js: ${JSON.stringify(BANNER)} }, nodePaths: [${JSON.stringify(path.join(repo, 'node_modules'))}],
      plugins: isolated ? [isolateDeps({ cacheDir: ${JSON.stringify(cacheDir ?? '')} })] : [] });`;
  const scriptFile = path.join(dir, 'build.mjs');
  writeFileSync(scriptFile, script);
  const started = performance.now();
  const child = spawn(process.execPath, [scriptFile], { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, treeRssBytes(child.pid))), 100);
  const code = await new Promise((resolve) => child.on('exit', resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`build of ${dir} failed (${code})`);
  return { seconds: (performance.now() - started) / 1000, peakRssMb: peak / 1024 / 1024 };
}

function treeRssBytes(root) {
  const parents = new Map();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parents.set(Number(pid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {}
  }
  let total = 0;
  for (const pid of parents.keys()) {
    let p = pid;
    while (p > 1 && p !== root) p = parents.get(p) ?? 0;
    if (p !== root) continue;
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    } catch {}
  }
  return total;
}

function dirBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(full) : statSync(full).size;
  }
  return total;
}

/** RUNS processes: median wall time (spawn to exit), and the median of what the app reports. */
function runApp(dir, mode) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const out = execFileSync(process.execPath, [path.join(dir, 'dist/app.mjs'), mode], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const ms = performance.now() - started;
    const report = JSON.parse(out.trim().split('\n').pop());
    runs.push({ ms, ...report });
  }
  const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
  return {
    ms: median(runs.map((r) => r.ms)),
    rssMb: median(runs.map((r) => r.maxRssKb / 1024)),
    firstCallMs: runs[0].firstCallMs.map((_, i) => median(runs.map((r) => r.firstCallMs[i]))),
    errors: runs[0].errors,
  };
}

async function measure(count, cacheDir, coldBuild) {
  const packages = PACKAGES.slice(0, count);
  const nativeDir = writeApp(`native-${count}`, packages, false);
  const isolatedDir = writeApp(`isolated-${count}`, packages, true);
  const nativeBuild = await build(nativeDir, undefined);
  const isolatedBuild = await build(isolatedDir, cacheDir);
  const warmBuild = await build(isolatedDir, cacheDir);
  console.log(`${count} packages: native build ${nativeBuild.seconds.toFixed(1)} s; isolated build ${isolatedBuild.seconds.toFixed(1)} s (peak RSS ${isolatedBuild.peakRssMb.toFixed(0)} MB); warm ${warmBuild.seconds.toFixed(1)} s`);
  const result = { count, native: {}, isolated: {} };
  for (const [side, dir, firstBuild] of [['native', nativeDir, nativeBuild], ['isolated', isolatedDir, isolatedBuild]]) {
    const idle = runApp(dir, 'none');
    const called = runApp(dir, 'call');
    const afterIdle = runApp(dir, 'call-after-idle');
    result[side] = { bytes: dirBytes(path.join(dir, 'dist')), startMs: idle.ms, callMs: called.ms, rssMb: called.rssMb, firstCallMs: called.firstCallMs, firstCallAfterIdleMs: afterIdle.firstCallMs, errors: called.errors, build: firstBuild };
  }
  result.isolated.coldBuild = coldBuild ? isolatedBuild : undefined;
  result.isolated.warmBuild = warmBuild;
  return result;
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const ratio = (a, b) => `${(a / b).toFixed(1)}x`;

function table(r) {
  const { native: n, isolated: i } = r;
  const lines = [
    `### ${r.count} isolated package${r.count === 1 ? '' : 's'}`,
    '',
    '| measure | native | isolated | ratio |',
    '|---|---|---|---|',
    `| output size | ${mb(n.bytes)} | ${mb(i.bytes)} | ${ratio(i.bytes, n.bytes)} |`,
    `| start-up, no isolated call (median of ${RUNS}) | ${n.startMs.toFixed(0)} ms | ${i.startMs.toFixed(0)} ms | ${ratio(i.startMs, n.startMs)} |`,
    `| start-up plus one call per package (median of ${RUNS}) | ${n.callMs.toFixed(0)} ms | ${i.callMs.toFixed(0)} ms | ${ratio(i.callMs, n.callMs)} |`,
    `| peak RSS (with every package called) | ${n.rssMb.toFixed(0)} MB | ${i.rssMb.toFixed(0)} MB | ${ratio(i.rssMb, n.rssMb)} |`,
    `| first call, 1st package | ${n.firstCallMs[0].toFixed(2)} ms | ${i.firstCallMs[0].toFixed(1)} ms | |`,
  ];
  if (r.count >= 10) lines.push(`| first call, 10th package | ${n.firstCallMs[9].toFixed(2)} ms | ${i.firstCallMs[9].toFixed(1)} ms | |`);
  const after = (at) => `| first call, ${at + 1}${at === 0 ? 'st' : 'th'} package, after 2 s idle (a server's first request) | ${n.firstCallAfterIdleMs[at].toFixed(2)} ms | ${i.firstCallAfterIdleMs[at].toFixed(1)} ms | |`;
  lines.push(after(0));
  if (r.count >= 10) lines.push(after(9));
  if (i.coldBuild) lines.push(`| cold build (peak RSS of the build's process tree) | ${n.build.seconds.toFixed(1)} s | ${i.coldBuild.seconds.toFixed(1)} s (${i.coldBuild.peakRssMb.toFixed(0)} MB) | |`);
  lines.push(`| warm build | ${n.build.seconds.toFixed(1)} s | ${i.warmBuild.seconds.toFixed(1)} s | |`);
  const errors = [...n.errors.map((e) => `native ${e}`), ...i.errors.map((e) => `isolated ${e}`)];
  if (errors.length > 0) lines.push('', `Calls that failed: ${errors.join('; ')}`);
  return lines.join('\n');
}

rmSync(work, { recursive: true, force: true });
const cacheDir = path.join(work, 'cache');
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`Node ${process.version}, ${(await import('node:os')).availableParallelism()} cores, load average at start: ${load()}\n`);
if (process.env.BENCH_SERIAL_BASELINE === '1') {
  const dir = writeApp('serial-10', PACKAGES.slice(0, 10), true);
  const serial = await build(dir, path.join(work, 'cache-serial'), { ISOLATE_DEPS_BUILD_THREADS: '1' });
  console.log(`cold build of the ten packages on one build thread: ${serial.seconds.toFixed(1)} s, peak RSS ${serial.peakRssMb.toFixed(0)} MB\n`);
}
// The ten-package app first, into an empty cache: its build is the cold build. The others reuse that cache.
const results = [await measure(10, cacheDir, true), await measure(1, cacheDir, false), await measure(25, cacheDir, false)];
for (const r of results) console.log(`${table(r)}\n`);
const [ten, one, many] = results;
const perPackage = (many.isolated.bytes - one.isolated.bytes) / 24;
console.log(`Slope: each further isolated package adds ${mb(perPackage)} on disk and ${((many.isolated.callMs - one.isolated.callMs) / 24).toFixed(0)} ms to start-up plus one call (1 → 25 packages).`);
console.log(`Load average at the end: ${load()}`);
writeFileSync(path.join(work, 'results.json'), JSON.stringify({ results, ten: ten.count }, null, 2));
