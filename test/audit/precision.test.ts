import { mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { analyzePackage, audit, starterPolicy, type PackageAnalysis } from '@isolate-deps/analyzer';
import { main, type Output } from '@isolate-deps/cli';
import { loadPolicy } from '@isolate-deps/policy';
import { npmTree, PACKAGES, writePolicy } from './fixture-tree.ts';

// Issue 17: hidden uses the audit must see, look-alikes it must not count, files nothing loads.
const at = (analysis: PackageAnalysis, file: string) =>
  Object.entries(analysis.capabilities)
    .flatMap(([capability, evidence]) => evidence!.filter((e) => e.file === file).map((e) => `${capability} ${e.line} ${e.detail}`))
    .sort();

describe('hidden uses (test/fixtures/audit/packages/hidden-uses@1.0.0)', () => {
  const analysis = analyzePackage(path.join(PACKAGES, 'hidden-uses@1.0.0'));

  test('supports-color: `const {env} = process`, then `in` checks and reads by name', () => {
    expect(at(analysis, 'lib/destructured-env.js')).toEqual(['env 4 "FORCE_COLOR" in process.env', 'env 5 process.env.TERM']);
  });
  test("yaml: `require('process')` bound to another name", () => {
    expect(at(analysis, 'lib/process-module.js')).toEqual(['env 3 process.env.LOG_TOKENS', 'env 4 process.env.LOG_STREAM']);
  });
  test('lodash: process.binding reached through `freeGlobal.process`', () => {
    expect(at(analysis, 'lib/free-global.js')).toContain('native 6 process.binding');
  });
  test('zod: `const F = Function; new F("")`; handlebars: `Function.apply(...)`', () => {
    expect(at(analysis, 'lib/function-alias.js')).toEqual(['eval 4 new F()']);
    expect(at(analysis, 'lib/function-apply.js')).toEqual(['eval 4 Function.apply()']);
  });
  test("`import { env } from 'node:process'` and a namespace import of process", () => {
    expect(at(analysis, 'lib/esm-env.mjs')).toEqual(['env 3 process.env.HOME', 'env 4 process.env.USER']);
  });
  test('Reflect.get, global.process.binding, destructured binding, module.require, mainModule.require, constant-folded names', () => {
    expect(at(analysis, 'lib/small-cases.js')).toEqual([
      'child_process 6 child_process.execSync',
      'env 10 process.env.SECRET_KEY',
      'env 11 process.env.VIA_REFLECT',
      'env 2 process.env.REFLECTED',
      "eval 8 globalThis['ev' + 'al']()",
      'native 3 process.binding',
      'native 4 process.binding',
      'net 7 net.connect',
    ]);
  });
  test('env names are exact, or "*" with the reason', () => {
    expect(analysis.envNames).toEqual(['*', 'FORCE_COLOR', 'GITHUB_TOKEN', 'HOME', 'LOG_STREAM', 'LOG_TOKENS', 'NPM_TOKEN', 'REFLECTED', 'SECRET_KEY', 'TERM', 'USER', 'VIA_REFLECT']);
    expect(at(analysis, 'lib/computed-env.js')).toEqual([
      'env 2 process.env (computed member of name: process.env[name])',
      'env 6 process.env.GITHUB_TOKEN',
      'env 6 process.env.NPM_TOKEN',
    ]);
  });
});

describe('look-alikes and unreached files (test/fixtures/audit/packages/look-alikes@1.0.0)', () => {
  const analysis = analyzePackage(path.join(PACKAGES, 'look-alikes@1.0.0'));

  test('own fetch/WebSocket, a local `process`, numeric browserify requires, http.METHODS and an inline source map count for nothing', () => {
    for (const file of ['lib/own-fetch.js', 'lib/own-process.js', 'lib/bundle.js', 'lib/methods.js', 'lib/mapped.js']) expect(at(analysis, file), file).toEqual([]);
  });
  test('a read-only use of the whole fs module is fs.read, never fs.write', () => {
    expect(Object.keys(analysis.capabilities)).toEqual(['fs.read']);
    expect(at(analysis, 'lib/read-only-fs.js')).toEqual(['fs.read 6 fs (whole module passed to a call)', 'fs.read 8 fs.readFileSync']);
  });
  test('bin is the CLI, reported apart; test/, benchmarks/, jakefile.js and an unused bundle are listed as unreached, not counted', () => {
    expect(Object.keys(analysis.cli.capabilities).sort()).toEqual(['child_process', 'fs.write']);
    expect(analysis.reach).toMatchObject({ entries: ['index.js'], bin: ['bin/cli.js'], unreached: ['benchmarks/run.js', 'dist/ocaml-bundle.js', 'jakefile.js', 'test/net.test.js'], unreachedCount: 4, everyFile: undefined });
  });
  test('a computed require makes every file count, and is itself a finding', () => {
    const computed = analyzePackage(path.join(PACKAGES, 'computed-load@1.0.0'));
    expect(computed.reach.everyFile).toBe("index.js loads a computed path: require('./lib/' + name)");
    expect(Object.keys(computed.capabilities).sort()).toEqual(['child_process', 'dynamic-import', 'net']);
  });
  test('explain says which files were not counted', async () => {
    const root = npmTree({ root: ['look-alikes@1.0.0'] });
    let stdout = '';
    const out: Output = { write: (t) => void (stdout += t), error: () => {}, color: false, progress: false };
    expect(await main(['explain', 'look-alikes', '--root', root], out)).toBe(0);
    expect(stdout).toContain('not counted: 4 files no entry point loads');
    expect(stdout).toContain('node_modules/look-alikes/jakefile.js');
    expect(stdout).toMatch(/command-line tools \(bin\), not run by the app:\n {2}fs\.write/);
  });
});

describe('deep imports', () => {
  test("a file another package deep-imports from a package without an exports map counts for that package", async () => {
    const alone = await audit({ root: npmTree({ root: ['deep-lib@1.0.0'] }), cacheFile: false });
    expect(alone.packages[0]!.capabilities).toEqual([]);
    expect(alone.packages[0]!.analysis.reach.unreached).toEqual(['node_modules/deep-lib/run.js']);
    const root = npmTree({ root: ['deep-user@1.0.0'], deps: { 'deep-user@1.0.0': ['deep-lib@1.0.0'] } });
    const report = await audit({ root, cacheFile: false });
    const lib = report.packages.find((p) => p.name === 'deep-lib')!;
    expect(lib.capabilities.map((c) => `${c.capability} ${c.evidence[0]!.file}`)).toEqual(['child_process node_modules/deep-lib/run.js']);
    expect(lib.analysis.reach.importedDeeply).toEqual(['deep-lib/run']);
  });
});

describe('one entry per installed copy', () => {
  test('two versions with different capabilities get their own reviewed entries; the audit of that policy is clean', async () => {
    const root = npmTree({ root: ['twin@2.0.0', 'twin-user@1.0.0'], deps: { 'twin-user@1.0.0': ['twin@1.0.0'] }, nested: { 'twin@1.0.0': 'twin-user@1.0.0' } });
    const report = await audit({ root, cacheFile: false });
    expect(report.packages.filter((p) => p.name === 'twin').map((p) => `${p.id} ${p.dir} ${p.capabilities.map((c) => c.capability)}`)).toEqual([
      'twin@1.0.0 node_modules/twin-user/node_modules/twin env',
      'twin@2.0.0 node_modules/twin ',
    ]);
    const starter = starterPolicy(report);
    expect(starter.json.packages['twin@1.0.0']).toEqual({ reviewed: ['env'] });
    expect(starter.json.packages['twin@2.0.0']).toEqual({ reviewed: [] });
    expect(starter.json.packages.twin).toBeUndefined();
    const again = await audit({ root, policy: loadPolicy(writePolicy(root, starter.json)), cacheFile: false });
    expect(again.findings).toEqual([]);
  });
});

describe('init on real packages', () => {
  test('isolates marked, yaml, xml2js and pino; refuses cross-spawn, whose own code starts processes', async () => {
    // A project whose node_modules links the copies installed at the repository root (their dependencies come along).
    const repo = path.resolve(import.meta.dirname, '../..');
    const root = mkdtempSync(path.join(os.tmpdir(), 'audit-init-'));
    const direct = ['marked', 'yaml', 'xml2js', 'pino', 'cross-spawn'];
    mkdirSync(path.join(root, 'node_modules'));
    const dependencies: Record<string, string> = {};
    for (const name of direct) {
      const real = realpathSync(path.join(repo, 'node_modules', name));
      symlinkSync(real, path.join(root, 'node_modules', name));
      dependencies[name] = JSON.parse(readFileSync(path.join(real, 'package.json'), 'utf8')).version;
    }
    writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'app', private: true, dependencies }));
    let stdout = '';
    const out: Output = { write: (t) => void (stdout += t), error: () => {}, color: false, progress: false };
    expect(await main(['init', '--root', root], out)).toBe(0);
    const suggested = (stdout.split('Isolated ("isolate": true)')[1] ?? '').split('\n\n')[0]!;
    for (const name of ['marked', 'yaml', 'xml2js']) expect(suggested).toMatch(new RegExp(`^ {2}\\d\\. ${name} +handles untrusted input`, 'm'));
    // yaml reads LOG_TOKENS/LOG_STREAM (the grant suggest will propose).
    expect(suggested).toMatch(/yaml +handles untrusted input \("yaml" in its description\); reads env LOG_STREAM, LOG_TOKENS/);
    // pino writes (sonic-boom): worth containing. Its dependencies' worker (thread-stream) and computed require
    // (real-require) do not keep it out, as they do not stop the build (isolation-blockers.ts): it runs isolated.
    expect(suggested).toMatch(/^ {2}\d\. pino +uses fs\.write \([^)]*sonic-boom[^)]*\)/m);
    expect(stdout).toMatch(/Cannot run isolated[^]*cross-spawn: starts processes \(child_process\)/);
    const policy = JSON.parse(readFileSync(path.join(root, 'isolate-deps.policy.json'), 'utf8'));
    expect(policy.packages.marked).toEqual({ isolate: true });
    expect(policy.packages.yaml).toEqual({ isolate: true });
    expect(policy.packages.pino).toEqual({ isolate: true });
    expect(policy.packages['cross-spawn'].isolate).toBeUndefined();
    expect(policy.packages['cross-spawn'].reviewed).toContain('child_process');
  });
});
