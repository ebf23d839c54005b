import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { COMMANDS, main, type Output } from '@isolate-deps/cli';
import { formatText } from '@isolate-deps/cli';
import { audit } from '@isolate-deps/analyzer';
import { APP, npmTree, pnpmTree, writePolicy } from './fixture-tree.ts';

/** Runs the CLI in-process and captures what it prints. */
async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out: Output = { write: (t) => void (stdout += t), error: (t) => void (stderr += t), color: false, progress: false };
  const code = await main(argv, out);
  return { code, stdout, stderr };
}

describe('help and version', () => {
  test('--version prints the isolate-deps package version', async () => {
    const { version } = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../packages/isolate-deps/package.json'), 'utf8'));
    expect(await run('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
  test('every command has --help', async () => {
    for (const name of Object.keys(COMMANDS)) {
      const { code, stdout } = await run(name, '--help');
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^Usage: isolate-deps ${name}`));
    }
    expect((await run('--help')).stdout).toMatch(/audit .*\n.*init .*\n.*explain /);
  });
});

describe('audit exit codes', () => {
  test('0 when clean', async () => {
    const root = npmTree({ root: ['ms@2.1.3', 'tripwire@1.0.0'] });
    writePolicy(root, { packages: { tripwire: { reviewed: ['fs.read'] } } });
    const result = await run('audit', '--root', root, '--no-cache');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/2 packages audited against policy isolate-deps.policy.json .*: 0 errors, 0 warnings, 0 info/);
  });

  test('1 when a finding is at or above --fail-on, 0 below it', async () => {
    const root = pnpmTree({ root: ['tripwire@1.0.1', 'dotenv@16.4.5'] });
    writePolicy(root, { packages: { tripwire: { reviewed: ['fs.read'] }, dotenv: { isolate: true, allow: { fs: { read: ['.env'] }, env: ['*'] } } } });
    const drift = await run('audit', '--root', root, '--no-cache');
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain('capability-drift');
    expect(drift.stdout).toContain('node_modules/.pnpm/tripwire@1.0.1/node_modules/tripwire/index.js:7  https.request');
    expect((await run('audit', '--root', root, '--no-cache', '--fail-on', 'never')).code).toBe(0);

    writePolicy(root, { packages: { tripwire: { reviewed: ['fs.read', 'net', 'env'] }, dotenv: { isolate: true } } });
    expect((await run('audit', '--root', root, '--no-cache')).code).toBe(0);
    expect((await run('audit', '--root', root, '--no-cache', '--fail-on', 'warning')).code).toBe(1);
  });

  test('2 for usage and configuration errors, naming the problem', async () => {
    const root = npmTree({ root: ['ms@2.1.3'] });
    const bad = await run('audit', '--root', root, '--format', 'xml');
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('--format must be one of text, json, sarif, markdown') });
    expect((await run('audit', '--root', root, '--frobnicate')).code).toBe(2);
    expect((await run('audit', '--root', root, '--fail-on', 'sometimes')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
    const missing = await run('audit', '--root', root, '--policy', path.join(root, 'nope.json'));
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('nope.json') });
    const policy = writePolicy(root, { packages: { ms: { reviewd: ['net'] } } });
    const unknownKey = await run('audit', '--root', root);
    expect(unknownKey).toMatchObject({ code: 2, stderr: expect.stringContaining(`${policy}:4:7: $.packages.ms.reviewd: expected one of the known keys`) });
    expect(unknownKey.stderr).toContain('got unknown key "reviewd" (did you mean "reviewed"?)\n4 |       "reviewd": [\n          ^\n');
    writePolicy(root, { packages: { ms: { reviewed: ['telepathy'] } } });
    expect((await run('audit', '--root', root)).stderr).toContain('$.packages.ms.reviewed[0]');
    writePolicy(root, '{ "packages": ');
    expect(await run('audit', '--root', root)).toMatchObject({ code: 2, stderr: expect.stringContaining('expected valid JSON') });
  });

  test('--output writes the report to a file; json and markdown formats', async () => {
    const root = npmTree({ root: ['opener@1.5.2'] });
    const file = path.join(root, 'report.json');
    const result = await run('audit', '--root', root, '--format', 'json', '--output', file, '--no-cache');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const report = JSON.parse(readFileSync(file, 'utf8'));
    expect(report.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['unreviewed-capability']);
    const markdown = await run('audit', '--root', root, '--format', 'markdown', '--no-cache');
    expect(markdown.stdout).toContain('| Severity | Rule | Package | Finding | Evidence |');
    expect(markdown.stdout).toContain('| 🔴 error | `unreviewed-capability` | `opener@1.5.2` |');
  });
});

describe('text output', () => {
  test('colours only when asked (TTY without NO_COLOR)', async () => {
    const report = await audit({ root: npmTree({ root: ['opener@1.5.2'] }), cacheFile: false });
    expect(formatText(report, true)).toContain('\u001b[31m');
    expect(formatText(report, false)).not.toContain('\u001b[');
  });
});

describe('init', () => {
  test('writes a starter policy that passes, and never overwrites without --force', async () => {
    const root = pnpmTree(APP);
    const first = await run('init', '--root', root);
    expect(first.code).toBe(0);
    // get-port uses the network and can run isolated: proposed and marked; opener starts processes: left native.
    expect(first.stdout).toMatch(/Isolated \("isolate": true\)[^]*\d\. get-port {2}uses net \(/);
    expect(first.stdout).toMatch(/Cannot run isolated[^]*opener: starts processes \(child_process\)/);
    expect(first.stdout).toMatch(/Install scripts allowed[^]*native-thing: install, postinstall/);
    const file = path.join(root, 'isolate-deps.policy.json');
    const written = readFileSync(file, 'utf8');
    expect(JSON.parse(written).$schema).toBe('./node_modules/isolate-deps/policy.schema.json');
    expect(JSON.parse(written).packages['get-port']).toEqual({ isolate: true });
    expect(JSON.parse(written).packages.opener).toEqual({ reviewed: ['child_process'] });
    expect(written).toContain('"reviewed": ["fs.read"]');
    expect((await run('audit', '--root', root)).code).toBe(0);

    writeFileSync(file, written.replace('"child_process"', '"child_process", "net"'));
    const again = await run('init', '--root', root);
    expect(again).toMatchObject({ code: 2, stderr: expect.stringContaining('pass --force') });
    expect(readFileSync(file, 'utf8')).toContain('"child_process", "net"');
    expect((await run('init', '--root', root, '--force')).code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).packages.opener).toEqual({ reviewed: ['child_process'] });
  });

  test('--force keeps the settings of existing entries', async () => {
    const root = npmTree({ root: ['dotenv@16.4.5'] });
    writePolicy(root, { packages: { dotenv: { isolate: true, allow: { env: ['X'] } } } });
    expect((await run('init', '--root', root, '--force')).code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(root, 'isolate-deps.policy.json'), 'utf8')).packages.dotenv).toMatchObject({ isolate: true, allow: { env: ['X'] }, reviewed: ['env', 'fs.read'] });
    expect(existsSync(path.join(root, 'isolate-deps.policy.json'))).toBe(true);
  });
});

describe('explain', () => {
  test('shows detected against granted capabilities with file:line evidence', async () => {
    const root = npmTree({ root: ['tripwire@1.0.1'] });
    writePolicy(root, { packages: { tripwire: { reviewed: ['fs.read'] } } });
    const { code, stdout } = await run('explain', 'tripwire', '--root', root);
    expect(code).toBe(0);
    expect(stdout).toMatch(/fs\.read +reviewed +1 place/);
    expect(stdout).toMatch(/net +drift +1 place/);
    expect(stdout).toContain('node_modules/tripwire/index.js:7  https.request');
    expect(stdout).toContain('env:         NPM_TOKEN');
  });
  test('an isolated package shows granted and denied capabilities; an unknown package is an error', async () => {
    const root = npmTree({ root: ['dotenv@16.4.5'] });
    writePolicy(root, { packages: { dotenv: { isolate: true, allow: { fs: { read: ['.env'] } } } } });
    const { stdout } = await run('explain', 'dotenv', '--root', root);
    expect(stdout).toMatch(/fs\.read +granted/);
    expect(stdout).toMatch(/env +denied/);
    expect(await run('explain', 'left-pad', '--root', root)).toMatchObject({ code: 2, stderr: expect.stringContaining('"left-pad" is not installed') });
  });
});

describe('the audit is about the app', () => {
  /** An app with ms and tripwire, dotenv as a dev dependency, and isolate-deps (a stand-in) pulling in opener. */
  function appWithTool(): string {
    const root = npmTree({ root: ['ms@2.1.3', 'tripwire@1.0.0', 'dotenv@16.4.5', 'opener@1.5.2'] });
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    manifest.dependencies = { ms: '2.1.3', tripwire: '1.0.0' };
    manifest.devDependencies = { dotenv: '16.4.5', 'isolate-deps': '0.1.0' };
    writeFileSync(path.join(root, 'package.json'), JSON.stringify(manifest));
    mkdirSync(path.join(root, 'node_modules', 'isolate-deps'));
    writeFileSync(path.join(root, 'node_modules', 'isolate-deps', 'package.json'), JSON.stringify({ name: 'isolate-deps', version: '0.1.0', dependencies: { opener: '1.5.2' } }));
    return root;
  }
  const audited = (stdout: string) => [...stdout.matchAll(/^(\S+@\S+) {2}node_modules/gm)].map((m) => m[1]);

  test('production dependencies by default, dev ones with --include=dev, never isolate-deps or what only it pulls in', async () => {
    const root = appWithTool();
    const prod = await run('audit', '--root', root, '--no-cache', '--format', 'json');
    expect(JSON.parse(prod.stdout).packages.map((p: { id: string }) => p.id).sort()).toEqual(['ms@2.1.3', 'tripwire@1.0.0']);
    const dev = await run('audit', '--root', root, '--no-cache', '--format', 'json', '--include=dev');
    expect(JSON.parse(dev.stdout).packages.map((p: { id: string }) => p.id).sort()).toEqual(['dotenv@16.4.5', 'ms@2.1.3', 'tripwire@1.0.0']);
    expect((await run('audit', '--root', root, '--no-cache')).stdout).toMatch(/2 packages audited against no policy \(production dependencies, 3 other installed packages left out;/);
    // opener is the app's own once the app depends on it.
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    writeFileSync(path.join(root, 'package.json'), JSON.stringify({ ...manifest, dependencies: { ...manifest.dependencies, opener: '1.5.2' } }));
    expect(audited((await run('audit', '--root', root, '--no-cache', '--fail-on', 'never')).stdout)).toContain('opener@1.5.2');
    expect((await run('audit', '--root', root, '--include=all')).code).toBe(2);
  });

  test('run from a subfolder, it finds the project above; outside any project, or with nothing installed, it exits 2', () => {
    const cli = path.resolve(import.meta.dirname, '../../packages/isolate-deps/dist/cli.js');
    const root = appWithTool();
    writePolicy(root, { packages: { tripwire: { reviewed: ['fs.read'] } } });
    mkdirSync(path.join(root, 'src', 'deep'), { recursive: true });
    const sub = spawnSync(process.execPath, [cli, 'audit', '--no-cache'], { cwd: path.join(root, 'src', 'deep'), encoding: 'utf8' });
    expect(sub.stdout).toMatch(/2 packages audited against policy isolate-deps.policy.json/);
    expect(sub.status).toBe(0);
    const nowhere = mkdtempSync(path.join(os.tmpdir(), 'no-project-'));
    const outside = spawnSync(process.execPath, [cli, 'audit'], { cwd: nowhere, encoding: 'utf8' });
    expect(outside.status).toBe(2);
    expect(outside.stderr).toContain(`no project here: neither isolate-deps.policy.json nor package.json in ${realpathSync(nowhere)} or any folder above it`);
    const uninstalled = mkdtempSync(path.join(os.tmpdir(), 'not-installed-'));
    writeFileSync(path.join(uninstalled, 'package.json'), JSON.stringify({ dependencies: { yaml: '^2' } }));
    const empty = spawnSync(process.execPath, [cli, 'audit'], { cwd: uninstalled, encoding: 'utf8' });
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('nothing is installed under');
  });

  test('init, explain and audit give the same verdict for a package', async () => {
    const root = npmTree({ root: ['opener@1.5.2', 'get-port@5.1.1'] });
    const init = await run('init', '--root', root);
    expect(init.stdout).toMatch(/opener: starts processes \(child_process\), which a WebAssembly component can never do \(node_modules\/opener\/lib\/opener.js:\d+\)/);
    const explained = await run('explain', 'opener', '--root', root);
    expect(explained.stdout).toMatch(/isolation: {3}cannot run isolated: starts processes \(child_process\), which a WebAssembly component can never do \(node_modules\/opener\/lib\/opener.js:\d+\)/);
    expect((await run('explain', 'get-port', '--root', root)).stdout).toMatch(/isolation: {3}worth isolating: uses net/);
    // The audit's evidence for opener is the same file and line.
    const line = /opener\.js:(\d+)/.exec(init.stdout)![1];
    const report = JSON.parse((await run('audit', '--root', root, '--format', 'json')).stdout);
    const opener = report.packages.find((p: { name: string }) => p.name === 'opener');
    expect(opener.capabilities.find((c: { capability: string }) => c.capability === 'child_process').evidence[0]).toMatchObject({ file: 'node_modules/opener/lib/opener.js', line: Number(line) });
  });
});
