import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setUpOrFail } from './support/setup.ts';
import { buildApp, runAppAsync, type BuiltApp } from './support/app.ts';
import { startRecordingServer, type RecordingServer } from './support/canary.ts';

const CANARY_FILE = 'CANARY-FILE-7f3a9c';
const CANARY_NPMRC = 'CANARY-NPM-TOKEN-51d2e0';
const CANARY_ENV = 'CANARY-ENV-SECRET-c0ffee';

/** A planted home folder with the secrets a credential stealer looks for. */
function plantHome(): string {
  const home = mkdtempSync(path.join(tmpdir(), 'isolate-home-'));
  mkdirSync(path.join(home, '.ssh'));
  writeFileSync(path.join(home, '.ssh', 'id_rsa'), `-----BEGIN KEY-----\n${CANARY_FILE}\n`);
  writeFileSync(path.join(home, '.npmrc'), `//registry.npmjs.org/:_authToken=${CANARY_NPMRC}\n`);
  return home;
}

describe('a hijacked dependency with nothing granted', () => {
  let app: BuiltApp;
  let exfil: RecordingServer;
  let home: string;

  setUpOrFail(async () => {
    exfil = await startRecordingServer();
    home = plantHome();
    app = await buildApp('attack-evil-telemetry', {
      policy: { packages: { 'evil-telemetry': { isolate: true } } },
      source: `
        import { formatReport, harvest } from 'evil-telemetry';
        import { onViolation } from 'isolate-deps/runtime';
        const violations = [];
        onViolation((v) => violations.push({ package: v.package, capability: v.capability, target: v.target }));
        const report = formatReport({ title: 'Q3', rows: 3 });
        const loot = harvest();
        // Give any request the guest managed to start a chance to arrive.
        setTimeout(() => console.log(JSON.stringify({ report, loot, violations })), 300);
      `,
    });
  });
  afterAll(() => exfil.close());

  it('still does its advertised job', async () => {
    const { result, status, stderr } = await runAppAsync(app, { HOME: home, AWS_SECRET_ACCESS_KEY: CANARY_ENV, TELEMETRY_URL: `${exfil.url}/collect` });
    expect(status, stderr).toBe(0);
    expect(result.report).toBe('Report Q3: 3 rows');
  });

  it('leaks no canary into any output or request, and every attempt is reported', async () => {
    const env = { HOME: home, AWS_SECRET_ACCESS_KEY: CANARY_ENV, NPM_TOKEN: CANARY_NPMRC, TELEMETRY_URL: `${exfil.url}/collect` };
    const { stdout, stderr, result } = await runAppAsync(app, env);
    for (const canary of [CANARY_FILE, CANARY_NPMRC, CANARY_ENV, home]) {
      expect(stdout).not.toContain(canary);
      expect(stderr).not.toContain(canary);
    }
    expect(exfil.requests).toEqual([]);
    // From inside the guest: an empty environment, and files refused with the typed error.
    expect(result.loot.env).toEqual({});
    expect(result.loot.allEnv).toEqual([]);
    expect(result.loot.ssh).toBe('ssh: ERR_CAPABILITY_DENIED');
    expect(result.loot.npmrc).toBe('npmrc: ERR_CAPABILITY_DENIED');
    const seen = new Set(result.violations.map((v: { capability: string }) => v.capability));
    expect([...seen].sort()).toEqual(['env', 'fs.read', 'net']);
    expect(result.violations).toContainEqual({ package: 'evil-telemetry', capability: 'env', target: 'AWS_SECRET_ACCESS_KEY' });
    // TELEMETRY_URL was unreadable (env denied), so it fell back to its hard-coded endpoint.
    expect(result.violations).toContainEqual({ package: 'evil-telemetry', capability: 'env', target: 'TELEMETRY_URL' });
    expect(result.violations).toContainEqual({ package: 'evil-telemetry', capability: 'net', target: 'telemetry.evil.example:443' });
  });

  it('reports each denied attempt on stderr once, with the JSON that would allow it, even though the package swallowed the errors', async () => {
    const { stderr } = await runAppAsync(app, { HOME: home });
    const lines = stderr.split('\n').filter((l) => l.startsWith('isolate-deps: denied'));
    // One line per (capability, target), however often the package retried it.
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines).toContain(
      'isolate-deps: denied env "AWS_SECRET_ACCESS_KEY" to "evil-telemetry" (not granted in isolate-deps.policy.json; to allow it, add "env": ["AWS_SECRET_ACCESS_KEY"] to packages["evil-telemetry"].allow, or run `npx isolate-deps suggest` to collect every grant a run needs)',
    );
    expect(lines.filter((l) => l.includes(' fs.read ')).length).toBeGreaterThanOrEqual(1);
    expect(lines.some((l) => l.includes(' net ') && l.includes('add "net": ["telemetry.evil.example'))).toBe(true);
  });

  it('has no WASI imports at all: no filesystem preopens, no host environment', () => {
    const [compiled] = app.compiled;
    expect(compiled!.imports.some((i) => i.startsWith('wasi:'))).toBe(false);
    expect(compiled!.imports.sort()).toEqual(['isolate:guest/boundary', 'isolate:guest/clock', 'isolate:guest/console', 'isolate:guest/intl', 'isolate:guest/random']);
    expect(compiled!.wit).not.toMatch(/import (fs|env|net);/);
  });
});

describe('granted capabilities, enforced on the host per path, name and host', () => {
  let app: BuiltApp;
  let api: RecordingServer;
  let other: RecordingServer;

  setUpOrFail(async () => {
    other = await startRecordingServer();
    api = await startRecordingServer((req) =>
      req.url === '/redirect' ? { status: 302, headers: { location: `http://localhost:${other.port}/stolen` } } : { status: 200, body: `hello from ${req.url}` },
    );
    app = await buildApp('capability-probe', {
      policy: {
        packages: {
          'capability-probe': { isolate: true, reviewed: ['child_process'], allow: { fs: { read: ['./config/**'], write: ['./out/**'] }, env: ['PROBE_*'], net: ['127.0.0.1:*'] } },
        },
      },
      files: {
        'config/settings.json': '{"mode":"test"}',
        'secret.txt': CANARY_FILE,
      },
      source: `
        import probe from 'capability-probe';
        const calls = JSON.parse(process.argv[2]);
        const results = [];
        for (const [fn, ...args] of calls) {
          try { results.push(probe[fn](...args)); } catch (e) { results.push({ thrown: { name: e.name, code: e.code, message: e.message, capability: e.capability, target: e.target } }); }
        }
        setTimeout(() => { results.push(probe.fetchResult()); console.log(JSON.stringify(results)); }, 200);
      `,
    });
    mkdirSync(path.join(app.dir, 'out'), { recursive: true });
    symlinkSync(path.join(app.dir, 'secret.txt'), path.join(app.dir, 'config', 'link-to-secret'));
  });
  afterAll(async () => {
    await api.close();
    await other.close();
  });

  const run = async (calls: unknown[][], env: Record<string, string> = {}) => {
    const { result, status, stderr } = await runAppAsync(app, env, [JSON.stringify(calls)]);
    expect(status, stderr).toBe(0);
    return { results: result as any[], stderr };
  };

  it('reads a granted file and refuses `..`, absolute paths and symlinks out of the glob', async () => {
    const { results, stderr } = await run([
      ['readFile', 'config/settings.json'],
      ['readFile', 'config/../secret.txt'],
      ['readFile', '/etc/passwd'],
      ['readFile', 'config/link-to-secret'],
      ['readFile', 'config/missing.json'],
      ['listDir', '/'],
    ]);
    expect(results[0]).toEqual({ ok: true, value: '{"mode":"test"}' });
    expect(results[1]).toMatchObject({ ok: false, code: 'ERR_CAPABILITY_DENIED', capability: 'fs.read', target: 'config/../secret.txt' });
    expect(results[2]).toMatchObject({ ok: false, code: 'ERR_CAPABILITY_DENIED', capability: 'fs.read', target: '/etc/passwd' });
    expect(results[3]).toMatchObject({ ok: false, code: 'ERR_CAPABILITY_DENIED', capability: 'fs.read' });
    expect(results[4]).toMatchObject({ ok: false, code: 'ENOENT' });
    expect(results[5]).toMatchObject({ ok: false, code: 'ERR_CAPABILITY_DENIED' });
    expect(JSON.stringify(results)).not.toContain(CANARY_FILE);
    expect(results[1].message).toBe('isolate-deps: "capability-probe" may not read "config/../secret.txt" (fs.read not granted in isolate-deps.policy.json)');
    expect(stderr).toContain('isolate-deps: denied fs.read');
  });

  it('writes only where write is granted', async () => {
    const { results } = await run([
      ['writeFile', 'out/result.txt', 'written by the guest'],
      ['writeFile', 'config/settings.json', 'overwritten'],
      ['writeFile', '../escape.txt', 'x'],
    ]);
    expect(results[0]).toEqual({ ok: true });
    expect(readFileSync(path.join(app.dir, 'out/result.txt'), 'utf8')).toBe('written by the guest');
    expect(results[1]).toMatchObject({ ok: false, code: 'ERR_CAPABILITY_DENIED', capability: 'fs.write' });
    expect(readFileSync(path.join(app.dir, 'config/settings.json'), 'utf8')).toBe('{"mode":"test"}');
    expect(results[2]).toMatchObject({ ok: false, code: 'ERR_CAPABILITY_DENIED', capability: 'fs.write' });
    expect(existsSync(path.join(app.dir, '..', 'escape.txt'))).toBe(false);
  });

  it('reads granted environment variables only, and enumerates only those', async () => {
    const { results } = await run(
      [['getEnv', 'PROBE_NAME'], ['getEnv', 'SECRET_TOKEN'], ['envKeys'], ['envJson']],
      { PROBE_NAME: 'probe-value', SECRET_TOKEN: CANARY_ENV },
    );
    expect(results[0]).toBe('probe-value');
    expect(results[1]).toBeNull(); // undefined in the guest; JSON prints it as null
    expect(results[2]).toEqual(['PROBE_NAME']);
    expect(results[3]).toBe('{"PROBE_NAME":"probe-value"}');
    expect(JSON.stringify(results)).not.toContain(CANARY_ENV);
  });

  it('reaches a granted host', async () => {
    const { results } = await run([['startFetch', `${api.url}/hello`]]);
    expect(results.at(-1)).toEqual({ state: 'done', status: 200, body: 'hello from /hello' });
  });

  it('refuses a host that is not granted, and a redirect to one, before any request leaves', async () => {
    const before = other.requests.length;
    const direct = await run([['startFetch', `http://localhost:${other.port}/direct`]]);
    expect(direct.results.at(-1)).toMatchObject({ state: 'failed', code: 'ERR_CAPABILITY_DENIED' });
    const redirected = await run([['startFetch', `${api.url}/redirect`]]);
    expect(redirected.results.at(-1)).toMatchObject({ state: 'failed', code: 'ERR_CAPABILITY_DENIED' });
    expect(other.requests.length).toBe(before);
    expect(api.requests.some((r) => r.url === '/redirect')).toBe(true);
  });

  it('refuses child_process always, and keeps typed guest errors', async () => {
    const { results } = await run([['spawn'], ['throwTyped']]);
    expect(results[0]).toMatchObject({ ok: false, code: 'ERR_CAPABILITY_DENIED', capability: 'child_process' });
    expect(results[1]).toEqual({ thrown: { name: 'RangeError', code: 'E_RANGE', message: 'out of range' } });
  });
});
