// Audit benchmark: `npm run bench:audit`.
// Installs a realistic app's dependency set (bench/audit-app, 60+ direct dependencies, 500+ installed
// packages) into bench/.work, then times on the same tree, median of 3 each:
//   - isolate-deps audit, cold cache and warm cache (the bundled CLI, as users run it);
//   - LavaMoat's policy generation, `lavamoat index.js --autopolicy` (lavamoat 11.x).
// Needs the npm registry for the first set-up only. Prints a markdown table and writes bench/results/audit.json.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleCli } from './bundle-cli.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const work = path.join(here, '.work');
const app = path.join(work, 'app');
const tools = path.join(work, 'tools');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function sh(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}`);
}

/** Installs the app's dependencies (once per package.json) and lavamoat 11 beside it. */
function setUp() {
  const manifest = readFileSync(path.join(here, 'audit-app', 'package.json'), 'utf8');
  const lock = readFileSync(path.join(here, 'audit-app', 'package-lock.json'), 'utf8');
  const stamp = path.join(app, '.installed-from');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== manifest + lock) {
    rmSync(app, { recursive: true, force: true });
    mkdirSync(app, { recursive: true });
    for (const file of ['package.json', 'package-lock.json']) cpSync(path.join(here, 'audit-app', file), path.join(app, file));
    // The committed lockfile pins the tree; scripts stay off (nothing here is run but the entry, by LavaMoat).
    console.error('installing the benchmark app (npm ci --ignore-scripts)...');
    const ci = ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'];
    if (spawnSync('npm', ci, { cwd: app, stdio: 'ignore' }).status !== 0) {
      // npm 11 wants every optional platform package in the lock; add the missing entries, keeping the pinned versions.
      sh('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], app);
      sh('npm', ci, app);
    }
    writeFileSync(stamp, manifest + lock);
  }
  // The entry LavaMoat starts from: it loads every direct dependency, as the app would at start-up.
  const deps = Object.keys(JSON.parse(manifest).dependencies);
  writeFileSync(path.join(app, 'index.js'), `${deps.map((d) => `require(${JSON.stringify(d)});`).join('\n')}\n`);
  if (!existsSync(path.join(tools, 'node_modules', '.bin', 'lavamoat'))) {
    mkdirSync(tools, { recursive: true });
    writeFileSync(path.join(tools, 'package.json'), '{ "private": true }\n');
    console.error('installing lavamoat@11...');
    sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', 'lavamoat@11'], tools);
  }
}

/**
 * Runs a command and returns its wall time (ms), and via /usr/bin/time when present its CPU time
 * (user + system, ms: comparable even when other work shares the machine) and peak memory (MB).
 */
function timed(command, args, cwd) {
  const gnuTime = existsSync('/usr/bin/time');
  const statsFile = path.join(work, 'time.txt');
  const started = performance.now();
  const result = gnuTime
    ? spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', statsFile, command, ...args], { cwd, stdio: 'pipe', maxBuffer: 1 << 28 })
    : spawnSync(command, args, { cwd, stdio: 'pipe', maxBuffer: 1 << 28 });
  const ms = performance.now() - started;
  const [kb, user, system] = gnuTime && existsSync(statsFile) ? readFileSync(statsFile, 'utf8').trim().split('\n').pop().split(' ').map(Number) : [];
  return { ms, cpuMs: user === undefined ? undefined : (user + system) * 1000, mb: kb === undefined ? undefined : kb / 1024, status: result.status, stderr: String(result.stderr) };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

setUp();
const cli = await bundleCli();
const cacheDir = path.join(app, 'node_modules', '.cache', 'isolate-deps');
const reportFile = path.join(work, 'report.json');
const auditArgs = [cli, 'audit', '--format', 'json', '--output', reportFile, '--fail-on', 'never'];

const cold = [];
const warm = [];
for (let i = 0; i < RUNS; i++) {
  rmSync(cacheDir, { recursive: true, force: true });
  for (const runs of [cold, warm]) {
    const run = timed(process.execPath, auditArgs, app);
    if (run.status === 0) run.ownMs = JSON.parse(readFileSync(reportFile, 'utf8')).stats.durationMs;
    runs.push(run);
  }
}
for (const run of [...cold, ...warm]) if (run.status !== 0) throw new Error(`audit failed:\n${run.stderr}`);
const report = JSON.parse(readFileSync(reportFile, 'utf8'));
// The tool's own time: what the audit measures inside the process (without Node's start-up and the CLI bundle's load).
const ownMs = (runs) => median(runs.map((r) => r.ownMs ?? 0));

const lavamoat = [];
for (let i = 0; i < RUNS; i++) {
  rmSync(path.join(app, 'lavamoat'), { recursive: true, force: true });
  const run = timed(path.join(tools, 'node_modules', '.bin', 'lavamoat'), ['index.js', '--autopolicy'], app);
  if (!existsSync(path.join(app, 'lavamoat', 'node', 'policy.json'))) throw new Error(`lavamoat wrote no policy:\n${run.stderr.slice(-2000)}`);
  lavamoat.push(run);
}
const lavamoatPolicy = JSON.parse(readFileSync(path.join(app, 'lavamoat', 'node', 'policy.json'), 'utf8'));

const row = (name, runs) => ({ name, ms: median(runs.map((r) => r.ms)), cpuMs: median(runs.map((r) => r.cpuMs ?? 0)), mb: median(runs.map((r) => r.mb ?? 0)) });
const rows = [row('isolate-deps audit, cold cache', cold), row('isolate-deps audit, warm cache', warm), row('LavaMoat 11 `--autopolicy`', lavamoat)];
const [coldRow, warmRow, lavamoatRow] = rows;
const lavamoatVersion = JSON.parse(readFileSync(path.join(tools, 'node_modules', 'lavamoat', 'package.json'), 'utf8')).version;
const table = [
  `Tree: bench/audit-app, ${Object.keys(JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8')).dependencies).length} direct dependencies, ${report.stats.packages} installed packages (npm layout), ${report.stats.filesScanned} JS files of which ${report.stats.filesParsed} parsed; LavaMoat ${lavamoatVersion} covered ${Object.keys(lavamoatPolicy.resources ?? {}).length} packages reached from the entry.`,
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)} at the end. Median of ${RUNS} runs of the whole process.`,
  '',
  '| Run | Wall time | CPU time (user + sys) | Peak memory |',
  '| --- | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.name} | ${(r.ms / 1000).toFixed(2)} s | ${r.cpuMs ? `${(r.cpuMs / 1000).toFixed(2)} s` : 'n/a'} | ${r.mb ? `${Math.round(r.mb)} MB` : 'n/a'} |`),
  '',
  `Cold audit vs LavaMoat: **${(lavamoatRow.ms / coldRow.ms).toFixed(1)}× faster** in wall time${coldRow.cpuMs ? `, ${(lavamoatRow.cpuMs / coldRow.cpuMs).toFixed(1)}× less CPU` : ''} (target ≥ 10×). Warm audit: **${(warmRow.ms / 1000).toFixed(2)} s** wall, **${(ownMs(warm) / 1000).toFixed(2)} s** of the tool's own time (target ≤ 0.3 s); cold: ${(ownMs(cold) / 1000).toFixed(2)} s own time.`,
].join('\n');
console.log(table);
mkdirSync(path.join(here, 'results'), { recursive: true });
writeFileSync(path.join(here, 'results', 'audit.json'), JSON.stringify({ rows, ownMs: { cold: ownMs(cold), warm: ownMs(warm) }, runs: { cold, warm, lavamoat }, stats: report.stats }, null, 2));
