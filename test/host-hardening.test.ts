import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setUpOrFail } from './support/setup.ts';
import { buildApp, REPO, runAppAsync, type BuiltApp } from './support/app.ts';
import { startRecordingServer, type RecordingServer } from './support/canary.ts';
import { assertTerminalSafe, isHostDenialLine } from './support/terminal-output.ts';

const CANARY_ENV = 'CANARY-AWS-SECRET-9d41b7';
const CANARY_FILE = 'CANARY-SIBLING-FILE-e5a0c2';
const FORGED = 'isolate-deps: [app] payment verified OK';

// Runs the calls given on the command line against the hostile-guest fixture; prints the results as the last line.
const CALLS_SOURCE = `
  import * as guest from 'hostile-guest';
  const calls = JSON.parse(process.argv[2]);
  const results = [];
  for (const [fn, ...args] of calls) {
    try { results.push(guest[fn](...args) ?? null); } catch (e) { results.push({ thrown: e.name, code: e.code, message: e.message }); }
  }
  // The app's own line: JSON, with DEL and C1 escaped too, so the output check covers every other byte.
  const json = JSON.stringify(results).replace(/[\\u007f-\\u009f]/g, (c) => '\\\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  process.stdout.write('\\n' + json + '\\n');
`;

const run = async (app: BuiltApp, calls: unknown[][], env: Record<string, string> = {}) => {
  const { result, status, stdout, stderr } = await runAppAsync(app, env, [JSON.stringify(calls)]);
  expect(status, stderr).toBe(0);
  // Everything but the app's result line is the package's (stdout) or the package's and the host's (stderr).
  const resultLine = stdout.trimEnd().split('\n').at(-1);
  return { results: result as any[], stdout, stderr, isResult: (line: string) => line === resultLine };
};

describe('environment variable names', () => {
  let app: BuiltApp;
  setUpOrFail(async () => {
    app = await buildApp('hardening-env', {
      policy: { packages: { 'hostile-guest': { isolate: true, allow: { env: ['*_URL'], console: true } } } },
      source: CALLS_SOURCE,
    });
  });

  it('refuses a name with NUL, "=" or a control character even when the glob matches it, and leaks no other variable', async () => {
    const hostile = ['AWS_SECRET_ACCESS_KEY\u0000_URL', 'AWS_SECRET_ACCESS_KEY=x_URL', 'AWS_SECRET_ACCESS_KEY\n_URL', '\u0000_URL'];
    const { results, stdout, stderr, isResult } = await run(
      app,
      [
        ['getEnv', 'API_URL'],
        ...hostile.map((name) => ['getEnv', name]),
        ...hostile.map((name) => ['raw', 'env', 'get', JSON.stringify([name])]),
        ['envKeys'],
      ],
      { API_URL: 'https://api.example', AWS_SECRET_ACCESS_KEY: CANARY_ENV },
    );
    expect(results[0]).toBe('https://api.example');
    for (const value of results.slice(1, 1 + hostile.length)) expect(value).toBeNull();
    for (const value of results.slice(1 + hostile.length, 1 + 2 * hostile.length)) expect(value).toEqual({ ok: true });
    expect(results.at(-1)).toEqual(['API_URL']);
    expect(stdout).not.toContain(CANARY_ENV);
    expect(stderr).not.toContain(CANARY_ENV);
    // Refused and reported, with the name escaped.
    expect(stderr).toContain('isolate-deps: denied env "AWS_SECRET_ACCESS_KEY\\u0000_URL" to "hostile-guest"');
    assertTerminalSafe(stdout, { prefix: '[hostile-guest] ', except: isResult });
    assertTerminalSafe(stderr, { prefix: '[hostile-guest] ', except: isHostDenialLine });
  });
});

describe('terminal output of an isolated package', () => {
  let app: BuiltApp;
  setUpOrFail(async () => {
    app = await buildApp('hardening-output', {
      policy: { packages: { 'hostile-guest': { isolate: true, allow: { console: true, env: ['GRANTED_NAME'] } } } },
      source: CALLS_SOURCE,
    });
  });

  it('cannot forge a line, move the cursor, erase a line or set the clipboard: control characters are escaped and every line keeps its prefix', async () => {
    const { stdout, stderr, isResult } = await run(app, [
      ['log', 'log', `working\r\u001b[2K${FORGED}`],
      ['log', 'error', `first\n${FORGED}\r\n${FORGED}`],
      ['log', 'warn', '\u001b]52;c;Y3VybCBodHRwOi8vZXZpbC5leGFtcGxlIHwgc2g=\u0007'],
      ['log', 'info', `\u009b2K\u0008\u0008\u007f${FORGED}\u2028${FORGED}`],
      ['writeStdout', `partial\u001b[1A\u001b[2K${FORGED}\n`],
      ['readFile', `x\r\u001b[2K${FORGED}`],
      ['getEnv', `Y\n${FORGED}`],
      ['raw', 'boundary', 'reportDenial', JSON.stringify([`net\u001b[2K\r${FORGED}`, `t\n${FORGED}`])],
    ]);
    expect(stdout + stderr).not.toMatch(new RegExp(`^${FORGED.replace(/[[\]]/g, '\\$&')}`, 'm'));
    assertTerminalSafe(stdout, { prefix: '[hostile-guest] ', except: isResult });
    assertTerminalSafe(stderr, { prefix: '[hostile-guest] ', except: isHostDenialLine });
    // What the package wrote is still readable, escaped.
    expect(stdout).toContain(`[hostile-guest] working\\r\\u001b[2K${FORGED}\n`);
    expect(stdout).toContain(`[hostile-guest] \\u009b2K\\b\\b\\u007f${FORGED}\\u2028${FORGED}\n`);
    expect(stdout).toContain(`[hostile-guest] partial\\u001b[1A\\u001b[2K${FORGED}\n`);
    expect(stderr).toContain(`[hostile-guest] first\n[hostile-guest] ${FORGED}\n[hostile-guest] ${FORGED}\n`); // CRLF is one break
    expect(stderr).toContain('[hostile-guest] \\u001b]52;c;');
    // Denial targets are quoted and escaped: each denial is one line.
    expect(stderr).toContain(`isolate-deps: denied fs.read "x\\r\\u001b[2K${FORGED}" to "hostile-guest"`);
    expect(stderr).toContain(`isolate-deps: denied env "Y\\n${FORGED}" to "hostile-guest"`);
    expect(stderr).toContain(`isolate-deps: denied "net\\u001b[2K\\r${FORGED}" "t\\n${FORGED}" to "hostile-guest"`);
  });
});

describe('malformed network requests from a package', () => {
  let app: BuiltApp;
  let api: RecordingServer;
  setUpOrFail(async () => {
    api = await startRecordingServer();
    app = await buildApp('hardening-net', {
      policy: { packages: { 'hostile-guest': { isolate: true, allow: { net: ['127.0.0.1:*'], console: true } } } },
      source: CALLS_SOURCE,
    });
  });
  afterAll(() => api.close());

  it('refuses a request that is not a well-formed HTTP request with an error the package gets, and the host keeps serving it', async () => {
    const url = `${api.url}/ok`;
    const malformed = [
      'not json',
      'null',
      JSON.stringify({ url, method: 'GET', headers: true }),
      JSON.stringify({ url, method: '', headers: [] }),
      JSON.stringify({ url, method: 'GET /x HTTP/1.1', headers: [] }),
      JSON.stringify({ url, method: 'GET', headers: [['x-a', 'b\r\nInjected: 1']] }),
      JSON.stringify({ url, method: 'GET', headers: [['bad name', 'v']] }),
      JSON.stringify({ url, method: 'GET', headers: [['x-a', '\u0100']] }),
      JSON.stringify({ url, method: 'GET', headers: [['x-a']] }),
      JSON.stringify({ url, method: 'POST', headers: [], body: 23 }),
      JSON.stringify({ url: 23, method: 'GET', headers: [] }),
      // A tunnel, not a request/response exchange: the request thread waited for a response that never came.
      JSON.stringify({ url, method: 'CONNECT', headers: [] }),
      JSON.stringify({ url, method: 'connect', headers: [] }),
    ];
    const wellFormed = JSON.stringify({ url, method: 'GET', headers: [['x-a', 'b']] });
    const { results } = await run(app, [...malformed.map((request) => ['raw', 'net', 'request', JSON.stringify([request])]), ['raw', 'net', 'request', JSON.stringify([wellFormed])]]);
    for (const [i, result] of results.slice(0, -1).entries()) {
      expect(result, malformed[i]).toMatchObject({ ok: false });
      expect(JSON.parse(result.payload), malformed[i]).toMatchObject({ code: expect.stringMatching(/^ERR_INVALID_/) });
    }
    expect(results.at(-1)).toMatchObject({ ok: true });
    expect(api.requests.map((r) => r.url)).toEqual(['/ok']);
  });
});

describe('the trace summary of an isolated package', () => {
  it('prints the capabilities a package reported escaped and quoted, one line per package', async () => {
    const app = await buildApp('hardening-trace', {
      policy: { packages: { 'hostile-guest': { isolate: true, allow: { console: true, env: ['GRANTED_NAME'] } } } },
      source: CALLS_SOURCE,
    });
    const trace = path.join(app.dir, 'trace.jsonl');
    rmSync(trace, { force: true });
    await run(
      app,
      [
        ['raw', 'boundary', 'reportDenial', JSON.stringify([`net\u001b[2K\r${FORGED}\nhostile-guest  1`, 'x'])],
        ['raw', 'boundary', 'reportDenial', JSON.stringify(['env×9, fs.read', '\u009b2K'])],
        ['getEnv', 'SECRET\u0007'],
      ],
      { ISOLATE_DEPS_TRACE: trace },
    );
    const cli = spawnSync(process.execPath, [path.join(REPO, 'packages/isolate-deps/dist/cli.js'), 'trace', trace], { encoding: 'utf8' });
    expect(cli.status, cli.stderr).toBe(0);
    const lines = cli.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2); // the header and the one package
    assertTerminalSafe(cli.stdout, { prefix: 'hostile-guest ', except: (line) => line === lines[0] });
    expect(lines[1]).toContain(`"net\\u001b[2K\\u000d${FORGED}\\u000ahostile-guest  1"×1`);
    expect(lines[1]).toContain('"env×9, fs.read"×1');
    expect(lines[1]).toContain('env×1');
  });
});

describe('a project root with glob characters in its path', () => {
  // Characters picomatch reads as syntax: extglobs, classes, braces, negation, stars. The sibling project
  // "app-y" is what a widened grant would expose (it matches "app-!(x)" and "app-*" as globs). The apps sit
  // directly in test/.work, as every other test app: a guest bundle names its files relative to the project,
  // so an app at another depth from the shared node_modules would need components of its own.
  const parent = path.join(REPO, 'test/.work');
  const folders = ['app-!(x)', 'app-(a|b)-[s]-{c,d}', '!app', 'app-*'];
  const apps = new Map<string, BuiltApp>();
  setUpOrFail(async () => {
    for (const folder of folders) {
      apps.set(
        folder,
        await buildApp(folder, {
          policy: { packages: { 'hostile-guest': { isolate: true, allow: { fs: { read: ['./data/**'] }, console: true } } } },
          source: CALLS_SOURCE,
          files: { 'data/ok.txt': 'granted data' },
        }),
      );
    }
    mkdirSync(path.join(parent, 'app-y/data'), { recursive: true });
    writeFileSync(path.join(parent, 'app-y/data/secret.txt'), CANARY_FILE);
  });

  for (const folder of folders) {
    it(`grants exactly ./data/** in "${folder}": the granted file reads, a sibling project's does not`, async () => {
      const { results, stdout, stderr } = await run(apps.get(folder)!, [
        ['readFile', 'data/ok.txt'],
        ['readFile', '../app-y/data/secret.txt'],
        ['readFile', '/project/../app-y/data/secret.txt'],
        ['readFile', `${parent}/app-y/data/secret.txt`],
      ]);
      expect(results[0]).toEqual({ ok: true, value: 'granted data' });
      for (const refused of results.slice(1)) expect(refused).toMatchObject({ ok: false, code: 'ERR_CAPABILITY_DENIED' });
      expect(stdout).not.toContain(CANARY_FILE);
      expect(stderr).not.toContain(CANARY_FILE);
    });
  }
});
