import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { audit, type AuditReport } from '@isolate-deps/analyzer';
import { main, type Output } from '@isolate-deps/cli';
import { APP, npmTree, pnpmTree, writePolicy, type TreeSpec } from './fixture-tree.ts';

// `audit --entry`: only the packages the app's entry file reaches, followed across packages.
const ids = (report: AuditReport) => report.packages.map((p) => p.id);
const capabilitiesOf = (report: AuditReport, id: string) => report.packages.find((p) => p.id === id)?.capabilities.map((c) => c.capability);

/** Writes the app's own files into a fixture project. */
function writeApp(root: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
}

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out: Output = { write: (t) => void (stdout += t), error: (t) => void (stderr += t), color: false, progress: false };
  return { code: await main(argv, out), stdout, stderr };
}

describe.each([
  ['npm', npmTree],
  ['pnpm', pnpmTree],
] as const)('%s layout', (_kind, layout) => {
  test('a package the entry loads is audited with what it loads in turn; an installed package it never loads is not', async () => {
    const root = layout(APP);
    // debug loads its own copy of ms (2.1.2); the app's ms@2.1.3 is installed but nothing loads it.
    writeApp(root, { 'index.js': "const debug = require('debug');\nconst { config } = require('./lib/config');\n", 'lib/config.js': "exports.config = require('dotenv').config;\ntry { require('./config.js/local'); require('./missing'); } catch {}\n" });
    const report = await audit({ root, cacheFile: false, entry: ['index.js'] });
    expect(ids(report)).toEqual(['debug@4.3.4', 'dotenv@16.4.5', 'ms@2.1.2']);
    expect(report.scope).toBe('entry');
    expect(report.entry).toEqual({ files: ['index.js'], appFiles: 2, computedLoads: [] });
    expect(report.stats.outOfScope).toBe(6);
    expect(report.packages.map((p) => p.reachedFrom)).toEqual(['index.js', 'lib/config.js', 'debug@4.3.4']);
    expect(capabilitiesOf(report, 'dotenv@16.4.5')).toEqual(expect.arrayContaining(['fs.read', 'env']));
    // The same tree without an entry audits every production dependency.
    const whole = await audit({ root, cacheFile: false, scope: 'production' });
    expect(ids(whole)).toEqual(expect.arrayContaining(['ms@2.1.3', 'tripwire@1.0.0', 'native-thing@1.0.0', 'opener@1.5.2']));
    expect(whole.stats.packages).toBe(9);
  });

  test("a computed require in a reached package counts every dependency it declares, and the project's (recall is kept)", async () => {
    const spec: TreeSpec = { root: ['plugin-host@1.0.0', 'tripwire@1.0.1', 'debug@4.3.4'], deps: { 'plugin-host@1.0.0': ['opener@1.5.2'], 'debug@4.3.4': ['ms@2.1.2'] }, nested: { 'ms@2.1.2': 'debug@4.3.4' } };
    const root = layout(spec);
    writeApp(root, { 'index.js': "require('plugin-host')({ plugin: process.env.PLUGIN });\n" });
    const report = await audit({ root, cacheFile: false, entry: ['index.js'] });
    // No static require names opener, tripwire or debug: plugin-host may load any of its own
    // dependencies, or one the app installed for it; debug loads ms in turn.
    expect(ids(report)).toEqual(['debug@4.3.4', 'ms@2.1.2', 'opener@1.5.2', 'plugin-host@1.0.0', 'tripwire@1.0.1']);
    expect(capabilitiesOf(report, 'opener@1.5.2')).toContain('child_process');
    expect(capabilitiesOf(report, 'tripwire@1.0.1')).toContain('net');
    const widened = 'plugin-host@1.0.0 (computed require/import)';
    expect(report.packages.map((p) => p.reachedFrom)).toEqual([widened, 'debug@4.3.4', widened, 'index.js', widened]);
    expect(report.entry?.computedLoads).toEqual(['plugin-host@1.0.0 index.js: require(config.plugin)']);
  });
});

test("a computed require in the app's own code counts every dependency of the project", async () => {
  const root = npmTree(APP);
  writeApp(root, { 'server.mjs': "import debug from 'debug';\nawait import(process.env.PLUGIN);\n" });
  const report = await audit({ root, cacheFile: false, entry: ['server.mjs'] });
  expect(report.entry?.computedLoads).toEqual(['server.mjs: import(process.env.PLUGIN)']);
  expect(ids(report)).toEqual(['debug@4.3.4', 'dotenv@16.4.5', 'get-port@5.1.1', 'mkdirp@1.0.4', 'ms@2.1.2', 'ms@2.1.3', 'native-thing@1.0.0', 'opener@1.5.2', 'tripwire@1.0.0']);
});

test('a deep import from the app adds its file to the package entries; "." is the project main', async () => {
  const root = npmTree({ root: ['deep-lib@1.0.0', 'tripwire@1.0.0'] });
  writeApp(root, {
    'src/main.js': "module.exports = require('deep-lib/run');\n",
    'package.json': JSON.stringify({ name: 'fixture-app', version: '1.0.0', main: 'src/main.js', dependencies: { 'deep-lib': '1.0.0', tripwire: '1.0.0' } }),
  });
  const report = await audit({ root, cacheFile: false, entry: ['.'] });
  expect(report.entry?.files).toEqual(['src/main.js']);
  expect(ids(report)).toEqual(['deep-lib@1.0.0']);
  expect(report.packages[0]?.analysis.reach.importedDeeply).toEqual(['deep-lib/run']);
  expect(capabilitiesOf(report, 'deep-lib@1.0.0')).toEqual(['child_process']);
});

test("a linked workspace package is the app's own code: the packages it loads are reached", async () => {
  const root = pnpmTree({ root: ['tripwire@1.0.0', 'dotenv@16.4.5'] });
  writeApp(root, { 'index.js': "require('@app/db');\n", 'packages/db/package.json': JSON.stringify({ name: '@app/db', version: '1.0.0', main: 'lib/db.js' }), 'packages/db/lib/db.js': "module.exports = require('tripwire');\n" });
  mkdirSync(path.join(root, 'node_modules', '@app'), { recursive: true });
  symlinkSync('../../packages/db', path.join(root, 'node_modules', '@app', 'db'));
  const report = await audit({ root, cacheFile: false, entry: ['index.js'] });
  expect(ids(report)).toEqual(['tripwire@1.0.0']);
  expect(report.entry?.appFiles).toBe(2);
  expect(capabilitiesOf(report, 'tripwire@1.0.0')).toEqual(['fs.read']);
});

test('audit() names a missing entry file', async () => {
  const root = npmTree({ root: ['ms@2.1.3'] });
  await expect(audit({ root, cacheFile: false, entry: ['nope.js'] })).rejects.toThrow(/entry nope\.js: no such file under /);
});

describe('the CLI', () => {
  test('--entry: the summary counts what the entry reaches and what it leaves out', async () => {
    const root = npmTree(APP);
    writeApp(root, { 'index.js': "require('debug');\n" });
    const result = await run('audit', '--root', root, '--entry', path.join(root, 'index.js'), '--no-cache', '--fail-on', 'never');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^2 packages reached from index\.js, 7 installed not reached; audited against no policy \(/m);
  });

  test('a policy entry for a package installed but not reached is not stale', async () => {
    const root = npmTree({ root: ['ms@2.1.3', 'tripwire@1.0.0'] });
    writeApp(root, { 'index.js': "require('ms');\n" });
    writePolicy(root, { packages: { tripwire: { reviewed: ['fs.read'] }, 'left-pad': { reviewed: [] } } });
    const result = await run('audit', '--root', root, '--entry', path.join(root, 'index.js'), '--no-cache', '--fail-on', 'never', '--format', 'json');
    const report = JSON.parse(result.stdout) as AuditReport;
    expect(report.findings.filter((f) => f.ruleId === 'stale-policy-entry').map((f) => f.package)).toEqual(['left-pad']);
  });

  test('usage errors: a missing entry, and --entry with --include', async () => {
    const root = npmTree({ root: ['ms@2.1.3'] });
    const missing = await run('audit', '--root', root, '--entry', 'nope.js');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--entry nope.js: no such file in');
    const both = await run('audit', '--root', root, '--entry', 'index.js', '--include', 'dev');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--entry and --include both choose which packages are audited');
  });
});

test('the bundled CLI walks from the entry on worker threads and finds what this thread finds', async () => {
  // 40 packages in a chain (each loads the next) and 5 beside it: enough for the audit's worker threads.
  const root = mkdtempSync(path.join(os.tmpdir(), 'audit-chain-'));
  const dependencies: Record<string, string> = {};
  for (let i = 0; i < 45; i++) {
    const name = `chain-${i}`;
    dependencies[name] = '1.0.0';
    const next = i < 39 ? `require('chain-${i + 1}');\n` : '';
    const use = i % 10 === 9 ? "require('child_process').execSync('true');\n" : '';
    writeApp(root, { [`node_modules/${name}/package.json`]: JSON.stringify({ name, version: '1.0.0', main: 'index.js', dependencies: i < 39 ? { [`chain-${i + 1}`]: '1.0.0' } : {} }), [`node_modules/${name}/index.js`]: next + use });
  }
  writeApp(root, { 'package.json': JSON.stringify({ name: 'chain-app', version: '1.0.0', dependencies }), 'index.js': "require('chain-0');\n" });
  const cli = path.resolve(import.meta.dirname, '../../packages/isolate-deps/dist/cli.js');
  const bundled = spawnSync(process.execPath, [cli, 'audit', '--entry', 'index.js', '--format', 'json', '--output', 'report.json', '--fail-on', 'never', '--no-cache'], { cwd: root, encoding: 'utf8' });
  expect(bundled.status, bundled.stderr).toBe(0);
  expect(bundled.stderr).toContain('40 packages reached from index.js, 5 installed not reached');
  const onWorkers = JSON.parse(readFileSync(path.join(root, 'report.json'), 'utf8')) as AuditReport;
  const here = await audit({ root, cacheFile: false, entry: ['index.js'] });
  expect(onWorkers.packages.map((p) => [p.id, p.capabilities.map((c) => c.capability)])).toEqual(here.packages.map((p) => [p.id, p.capabilities.map((c) => c.capability)]));
  expect(ids(here).filter((id) => capabilitiesOf(here, id)?.includes('child_process'))).toEqual(['chain-19@1.0.0', 'chain-29@1.0.0', 'chain-39@1.0.0', 'chain-9@1.0.0']);
});
