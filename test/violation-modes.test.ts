/**
 * The policy's "onViolation" modes ("throw" is the default, covered by denials.test.ts and attacks.test.ts)
 * and the plugin's onViolation option, checked from outside the sandbox.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setUpOrFail } from './support/setup.ts';
import { buildApp, runAppAsync } from './support/app.ts';
import { startRecordingServer, type RecordingServer } from './support/canary.ts';

const CANARY_NPMRC = 'CANARY-NPMRC-TERMINATE-4e4e';

describe('"onViolation": "terminate"', () => {
  it('discards the instance at the first violation; that call and every later one fail with an error naming the package', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'isolate-terminate-home-'));
    writeFileSync(path.join(home, '.npmrc'), `//registry.npmjs.org/:_authToken=${CANARY_NPMRC}\n`);
    const app = await buildApp('violation-terminate', {
      // The same package and grant as in attacks.test.ts: the mode is enforced by the host, so the component is shared.
      policy: { packages: { 'attack-eslint-scope': { isolate: true, onViolation: 'terminate' } } },
      files: { 'src/report-violation.js': 'export default (v) => console.log("handler saw " + v.package + " " + v.capability);\n' },
      plugin: { onViolation: 'src/report-violation.js' },
      source: `
        import { analyze, stealNpmToken } from 'attack-eslint-scope';
        const attempt = (fn) => { try { return { ok: true, value: fn() }; } catch (e) { return { ok: false, code: e.code, name: e.name, message: e.message }; } };
        const before = attempt(() => analyze(['a']));
        const attack = attempt(() => stealNpmToken('http://127.0.0.1:9/collect'));
        const after = attempt(() => analyze(['a']));
        console.log(JSON.stringify({ before, attack, after }));
      `,
    });
    const { result, status, stdout, stderr } = await runAppAsync(app, { HOME: home });
    expect(status, stderr).toBe(0);
    expect(result.before).toEqual({ ok: true, value: { scopes: 1, variables: 1 } });
    expect(result.attack).toMatchObject({ ok: false, code: 'ERR_ISOLATE_TERMINATED', name: 'IsolateTerminatedError' });
    expect(result.attack.message).toContain('"attack-eslint-scope" was terminated after a denied');
    expect(result.after).toMatchObject({ ok: false, code: 'ERR_ISOLATE_TERMINATED' });
    expect(result.after.message).toContain('"attack-eslint-scope"');
    // The plugin's onViolation module received the violations, inside the built app.
    expect(stdout).toContain('handler saw attack-eslint-scope');
    expect(stdout + stderr).not.toContain(CANARY_NPMRC);
  });
});

describe('"onViolation": "log"', () => {
  let api: RecordingServer;
  setUpOrFail(async () => {
    api = await startRecordingServer();
  });
  afterAll(() => api.close());

  it('answers refused attempts with denial values (missing file, dropped write, 403, undefined env) and reports each', async () => {
    const app = await buildApp('violation-log', {
      policy: { packages: { 'capability-probe': { isolate: true, reviewed: ['child_process'], onViolation: 'log', allow: { fs: { read: ['./config/**'] }, net: [`127.0.0.1:${api.port}`] } } } },
      files: { 'config/settings.json': '{"mode":"log"}', 'secret.txt': 'CANARY-LOG-SECRET-9f9f' },
      source: `
        import probe from 'capability-probe';
        import { onViolation } from 'isolate-deps/runtime';
        const violations = [];
        onViolation((v) => violations.push(v.capability + ' ' + v.target));
        const results = {
          granted: probe.readFile('config/settings.json'),
          refusedRead: probe.readFile('secret.txt'),
          refusedWrite: probe.writeFile('config/planted.txt', 'x'),
          exists: probe.exists('secret.txt'),
          env: probe.getEnv('HOME') ?? 'undefined',
          spawn: probe.spawn(),
          fetch: probe.startFetch('http://localhost:${api.port}/steal'),
        };
        setTimeout(() => { results.fetched = probe.fetchResult(); console.log(JSON.stringify({ results, violations })); }, 300);
      `,
    });
    const { result, status, stdout, stderr } = await runAppAsync(app);
    expect(status, stderr).toBe(0);
    const { results, violations } = result;
    expect(results.granted).toEqual({ ok: true, value: '{"mode":"log"}' });
    expect(results.refusedRead).toMatchObject({ ok: false, code: 'ENOENT' });
    expect(results.refusedWrite).toEqual({ ok: true });
    expect(existsSync(path.join(app.dir, 'config/planted.txt'))).toBe(false);
    expect(results.exists).toBe(false);
    expect(results.env).toBe('undefined');
    // No harmless value exists for starting a process: it still throws.
    expect(results.spawn).toMatchObject({ ok: false, code: 'ERR_CAPABILITY_DENIED' });
    expect(results.fetched).toEqual({ state: 'done', status: 403, body: '' });
    expect(api.requests).toEqual([]);
    expect(violations).toEqual(expect.arrayContaining(['fs.read secret.txt', 'fs.write config/planted.txt', 'env HOME', `net localhost:${api.port}`]));
    expect(stdout + stderr).not.toContain('CANARY-LOG-SECRET-9f9f');
    expect(stderr).toContain('isolate-deps: denied fs.read "secret.txt" to "capability-probe"');
  });
});
