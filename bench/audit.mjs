// Audit benchmark: `npm run bench:audit`.
// Installs a realistic app's dependency set (bench/audit-app, 60+ direct dependencies, 500+ installed
// packages) into bench/.work, then times on the same tree, median of 3 interleaved runs each:
//   - isolate-deps audit --entry index.js, cold cache and warm cache (the bundled CLI, as users run it);
//   - LavaMoat's policy generation from the same entry, `lavamoat index.js --autopolicy` (lavamoat 11.x);
//   - isolate-deps audit of the whole tree (the app's production dependencies), cold and warm.
// Then compares the two scopes package by package: one more LavaMoat run (untimed) writes its debug
// policy, which lists every module it parsed. Needs the npm registry for the first set-up only. Prints
// a markdown table and writes bench/results/audit.json.
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

/**
 * The installed package folders (relative to the app) whose modules LavaMoat put in its module graph:
 * its debug policy lists every module it parsed by file, matched here to the tree's package folders.
 */
function lavamoatGraphPackages(packageDirs) {
  const debugFile = path.join(work, 'lavamoat-debug', 'policy-debug.json');
  rmSync(path.dirname(debugFile), { recursive: true, force: true });
  const policyFile = path.join(path.dirname(debugFile), 'policy.json');
  const run = spawnSync(path.join(tools, 'node_modules', '.bin', 'lavamoat'), ['index.js', '--autopolicy', '--writeAutoPolicyDebug', '--policy', policyFile, '--policyOverride', path.join(path.dirname(debugFile), 'override.json'), '--policyDebug', debugFile], { cwd: app, stdio: 'pipe', maxBuffer: 1 << 28 });
  if (!existsSync(debugFile)) throw new Error(`lavamoat wrote no debug policy:\n${String(run.stderr).slice(-2000)}`);
  const longestFirst = [...packageDirs].sort((a, b) => b.length - a.length);
  const found = new Set();
  for (const file of Object.keys(JSON.parse(readFileSync(debugFile, 'utf8')).debugInfo)) {
    const relative = path.relative(app, file);
    const dir = longestFirst.find((d) => relative.startsWith(`${d}/`));
    if (dir) found.add(dir);
  }
  return found;
}

setUp();
const cli = await bundleCli();
const cacheDir = path.join(app, 'node_modules', '.cache', 'isolate-deps');
const reportFile = (scope) => path.join(work, `report-${scope}.json`);
// The same entry LavaMoat starts from; and the whole tree (the app's production dependencies), as before.
const auditArgs = { entry: ['--entry', 'index.js'], tree: [] };
const audits = { entry: { cold: [], warm: [] }, tree: { cold: [], warm: [] } };
const lavamoat = [];
// Interleaved, so that load from elsewhere on the machine falls on every row alike.
for (let i = 0; i < RUNS; i++) {
  for (const [scope, extra] of Object.entries(auditArgs)) {
    rmSync(cacheDir, { recursive: true, force: true });
    for (const temperature of ['cold', 'warm']) {
      const run = timed(process.execPath, [cli, 'audit', ...extra, '--format', 'json', '--output', reportFile(scope), '--fail-on', 'never'], app);
      if (run.status !== 0) throw new Error(`audit failed:\n${run.stderr}`);
      run.ownMs = JSON.parse(readFileSync(reportFile(scope), 'utf8')).stats.durationMs;
      audits[scope][temperature].push(run);
    }
  }
  rmSync(path.join(app, 'lavamoat'), { recursive: true, force: true });
  const run = timed(path.join(tools, 'node_modules', '.bin', 'lavamoat'), ['index.js', '--autopolicy'], app);
  if (!existsSync(path.join(app, 'lavamoat', 'node', 'policy.json'))) throw new Error(`lavamoat wrote no policy:\n${run.stderr.slice(-2000)}`);
  lavamoat.push(run);
}
const loadAverage = os.loadavg()[0];
const reports = { entry: JSON.parse(readFileSync(reportFile('entry'), 'utf8')), tree: JSON.parse(readFileSync(reportFile('tree'), 'utf8')) };
const lavamoatPolicy = JSON.parse(readFileSync(path.join(app, 'lavamoat', 'node', 'policy.json'), 'utf8'));
const lavamoatVersion = JSON.parse(readFileSync(path.join(tools, 'node_modules', 'lavamoat', 'package.json'), 'utf8')).version;

// Scopes: the packages each tool covers from index.js, compared by installed folder (one row per copy).
const lavamoatGraph = lavamoatGraphPackages(reports.tree.packages.map((p) => p.dir));
const reached = new Map(reports.entry.packages.map((p) => [p.dir, p]));
const onlyLavaMoat = [...lavamoatGraph].filter((d) => !reached.has(d)).sort();
const onlyAudit = [...reached.values()].filter((p) => !lavamoatGraph.has(p.dir));
// Why the audit has each extra package, from what loaded it first (reachedFrom).
const byId = new Map(reports.entry.packages.map((p) => [p.id, p]));
const onlyAuditIds = new Set(onlyAudit.map((p) => p.id));
const why = { computed: [], throughExtra: [], everyFile: [], otherEntries: [] };
for (const pkg of onlyAudit) {
  const loader = byId.get(pkg.reachedFrom);
  if (pkg.reachedFrom.endsWith('(computed require/import)')) why.computed.push(pkg);
  else if (onlyAuditIds.has(pkg.reachedFrom)) why.throughExtra.push(pkg);
  else if (loader?.analysis.reach.computedLoad !== undefined) why.everyFile.push(pkg);
  else why.otherEntries.push(pkg);
}
const loaders = (list) => names([...new Set(list.map((p) => p.reachedFrom.replace(' (computed require/import)', '')))]);

// The tool's own time: what the audit measures inside the process (without Node's start-up and the CLI bundle's load).
const ownMs = (runs) => median(runs.map((r) => r.ownMs));
const row = (name, runs) => ({ name, ms: median(runs.map((r) => r.ms)), cpuMs: median(runs.map((r) => r.cpuMs ?? 0)), mb: median(runs.map((r) => r.mb ?? 0)), ownMs: runs[0]?.ownMs === undefined ? undefined : ownMs(runs) });
const rows = [
  row('isolate-deps audit --entry index.js, cold cache', audits.entry.cold),
  row('isolate-deps audit --entry index.js, warm cache', audits.entry.warm),
  row(`LavaMoat ${lavamoatVersion} \`--autopolicy\` (from index.js)`, lavamoat),
  row('isolate-deps audit (whole tree), cold cache', audits.tree.cold),
  row('isolate-deps audit (whole tree), warm cache', audits.tree.warm),
];
const [entryCold, entryWarm, lavamoatRow] = rows;
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const names = (list) => list.map((p) => (typeof p === 'string' ? p : p.id)).join(', ');
const table = [
  `Tree: bench/audit-app, ${Object.keys(JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8')).dependencies).length} direct dependencies, ${reports.tree.stats.packages} installed packages (npm layout); index.js requires each direct dependency.`,
  `Scope from index.js: the audit reached ${reports.entry.stats.packages} packages (${reports.entry.stats.outOfScope} installed not reached; ${reports.entry.stats.filesScanned} JS files, ${reports.entry.stats.filesParsed} parsed); LavaMoat's module graph held ${lavamoatGraph.size} (its policy lists the ${Object.keys(lavamoatPolicy.resources ?? {}).length} that need a permission). ${onlyLavaMoat.length} in LavaMoat's graph only${onlyLavaMoat.length ? ` (${names(onlyLavaMoat)})` : ''}; ${onlyAudit.length} in the audit's only: ${why.computed.length} declared dependencies of a package with a computed require/import (${loaders(why.computed)}: ${names(why.computed)}); ${why.everyFile.length} loaded by files of such a package, all of whose files count (${loaders(why.everyFile)}: ${names(why.everyFile)}); ${why.otherEntries.length} loaded by entry points of a reached package that LavaMoat's walk from its main did not parse (${loaders(why.otherEntries)}: ${names(why.otherEntries)}); ${why.throughExtra.length} loaded by those (${names(why.throughExtra)}).`,
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadAverage.toFixed(1)} at the end. Median of ${RUNS} interleaved runs of the whole process.`,
  '',
  '| Run | Wall time | CPU time (user + sys) | Peak memory |',
  '| --- | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.name} | ${seconds(r.ms)}${r.ownMs === undefined ? '' : ` (${seconds(r.ownMs)} the audit's own work)`} | ${r.cpuMs ? seconds(r.cpuMs) : 'n/a'} | ${r.mb ? `${Math.round(r.mb)} MB` : 'n/a'} |`),
  '',
  `Cold audit vs LavaMoat, same entry: **${(lavamoatRow.ms / entryCold.ms).toFixed(1)}× faster** in wall time${entryCold.cpuMs ? `, ${(lavamoatRow.cpuMs / entryCold.cpuMs).toFixed(1)}× less CPU` : ''} (target ≥ 10×). Warm audit: **${seconds(entryWarm.ms)}** wall, **${seconds(entryWarm.ownMs)}** of the tool's own time (target ≤ 0.3 s).`,
].join('\n');
console.log(table);
mkdirSync(path.join(here, 'results'), { recursive: true });
writeFileSync(path.join(here, 'results', 'audit.json'), JSON.stringify({ rows, loadAverage, scope: { reached: reports.entry.stats.packages, notReached: reports.entry.stats.outOfScope, lavamoatGraph: lavamoatGraph.size, lavamoatPolicy: Object.keys(lavamoatPolicy.resources ?? {}).length, onlyLavaMoat, onlyAudit: onlyAudit.map((p) => ({ id: p.id, dir: p.dir, reachedFrom: p.reachedFrom })) }, runs: { audits, lavamoat }, stats: { entry: reports.entry.stats, tree: reports.tree.stats } }, null, 2));
