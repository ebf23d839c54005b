import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setUpOrFail } from './support/setup.ts';
import { buildApp, runAppAsync, type BuiltApp, type RunResult } from './support/app.ts';
import { startRecordingServer, type RecordingServer } from './support/canary.ts';

const SECRET = 'CANARY-PROBE-SECRET-91ab';

/** The app calls each check of the probe package and prints the results as one JSON line. */
const PROBE_APP = `
  import probe from 'guest-environment-probe';
  const [allowedUrl, deniedUrl] = process.argv.slice(2);
  const run = (name, ...args) => { try { return probe[name](...args); } catch (e) { return { hostCaught: e.code ?? e.message }; } };
  const results = {
    compute: run('computeChecks'),
    process: run('processChecks'),
    denied: run('deniedModuleChecks'),
    random: run('randomChecks'),
    envWrites: run('envWriteChecks'),
    hostEnvAfter: [process.env.PROBE_WRITTEN ?? 'unset', process.env.PROBE_GRANTED],
    fsWrites: run('fsWriteChecks'),
    started: allowedUrl ? run('startAsyncChecks', allowedUrl, deniedUrl) : 'skipped',
  };
  setTimeout(() => { results.async = run('asyncResults'); console.log(JSON.stringify(results)); }, 400);
`;

const expectDenied = (outcome: unknown, capability: string) => expect(outcome).toMatchObject({ ok: false, code: 'ERR_CAPABILITY_DENIED', capability });

describe('the guest environment: Node built-ins inside a component', () => {
  let app: BuiltApp;
  let api: RecordingServer;
  let other: RecordingServer;
  let run: RunResult;

  setUpOrFail(async () => {
    api = await startRecordingServer((req) => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: `hello from ${req.url}` }));
    other = await startRecordingServer();
    app = await buildApp('guest-environment', {
      policy: { packages: { 'guest-environment-probe': { isolate: true, reviewed: ['child_process', 'worker'], allow: { fs: { read: ['./config/**'], write: ['./out/**'] }, env: ['PROBE_GRANTED'], net: ['127.0.0.1:*'] } } } },
      files: { 'config/settings.json': '{"mode":"streamed"}' },
      source: PROBE_APP,
    });
    run = await runAppAsync(app, { PROBE_GRANTED: 'granted-value', PROBE_SECRET: SECRET }, [api.url, `http://localhost:${other.port}/steal`]);
    expect(run.status, run.stderr).toBe(0);
  });
  afterAll(async () => {
    await api.close();
    await other.close();
  });

  it('hashes with md5, sha1, sha256, sha512 and hmac exactly as Node does', async () => {
    const { createHash, createHmac } = await import('node:crypto');
    const { compute } = run.result;
    expect(compute.md5).toBe(createHash('md5').update('abc').digest('hex'));
    expect(compute.sha1).toBe(createHash('sha1').update('abc').digest('hex'));
    expect(compute.sha256).toBe(createHash('sha256').update('abc').digest('base64'));
    expect(compute.sha512).toBe(createHash('sha512').update('abc').digest('hex'));
    expect(compute.hmac).toBe(createHmac('sha256', 'key').update('The quick brown fox jumps over the lazy dog').digest('hex'));
    expect(compute.unknownDigest).toBe('ERR_CRYPTO_INVALID_DIGEST');
  });

  it('draws randomness from the host when random is granted', () => {
    const { random } = run.result;
    expect(random.randomBytes).toEqual({ ok: true, value: 16 });
    expect(random.different).toBe(true);
    expect(random.large).toEqual({ ok: true, value: 70000 });
    expect(random.randomUUID.value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(random.getRandomValues).toEqual({ ok: true, value: 4 });
    expect(random.randomInt.value).toBeGreaterThanOrEqual(10);
    expect(random.randomInt.value).toBeLessThan(20);
  });

  it('provides string_decoder, querystring, assert, util, timers and tty as Node does', () => {
    const { compute } = run.result;
    expect(compute.decoded).toEqual(['', '€', '']);
    expect(compute.parsed).toEqual({ a: '1', b: ['2', '3'], c: 'x y' });
    expect(compute.stringified).toBe('q=a%20b%26c&n=1&n=2');
    expect(compute.assertPasses).toBe(true);
    expect(compute.assertFails).toMatchObject({ ok: false, name: 'AssertionError', code: 'ERR_ASSERTION' });
    expect(compute.assertThrows).toBe(true);
    expect(compute.assertStrictDeepEqualFails).toBe('ERR_ASSERTION');
    expect(compute.deepStrictEqual).toEqual([true, false]);
    expect(compute.format).toBe('x=5 {"y":1}');
    expect(compute.timers).toEqual(['function', 'function', 'function', 'function']);
    expect(compute.isatty).toBe(false);
  });

  it('reports a neutral os that reveals nothing about the host', () => {
    const { os } = run.result.compute;
    expect(os).toEqual({ homedir: '/home/isolated', hostname: 'isolated', cpus: 0, user: 'isolated' });
  });

  it('gives process sensible values and refuses exit, binding, dlopen and kill with capability errors', () => {
    const p = run.result.process;
    expect(p.argv).toEqual(['node', 'guest-environment-probe']);
    expect(p.cwd).toBe('/project');
    expect(p.platform).toBe('linux');
    expect(p.version).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(p.nodeVersion).toBe(p.version.slice(1));
    expect(p.tickedSynchronously).toBe(false);
    expect(p.hrtime).toBe(true);
    expect(p.hrtimeBigint).toBe('bigint');
    expect(p.emitWarning).toBe(true);
    expect(run.stderr).toContain('[guest-environment-probe] Warning: careful');
    expect(p.uid).toBe(-1);
    for (const name of ['exit', 'binding', 'dlopen', 'kill']) {
      expectDenied(p[name], 'process');
      expect(p[name].target).toBe(`process.${name}`);
    }
  });

  it('shows only granted environment variables, however process.env is read or enumerated', () => {
    const p = run.result.process;
    expect(p.envKeys).toEqual(['PROBE_GRANTED']);
    expect(p.envSpread).toEqual({ PROBE_GRANTED: 'granted-value' });
    expect(p.envJson).toBe('{"PROBE_GRANTED":"granted-value"}');
    expect(p.envIn).toEqual([true, false]);
    expect(p.envGranted).toBe('granted-value');
    expect(p.envSecret).toBe('undefined');
    expect(run.stdout + run.stderr).not.toContain(SECRET);
    expect(run.stderr).toContain('isolate-deps: denied env "PROBE_SECRET" to "guest-environment-probe"');
  });

  it('keeps the package’s own writes to process.env inside its instance; the host’s environment is unchanged', () => {
    expect(run.result.envWrites).toEqual({ written: '42', deleted: true, keys: ['PROBE_WRITTEN'] });
    expect(run.result.hostEnvAfter).toEqual(['unset', 'granted-value']);
  });

  it('copies, renames and makes temporary folders within the write grant only', () => {
    const { fsWrites } = run.result;
    expect(fsWrites.renamed).toBe('{"mode":"streamed"}');
    expect(fsWrites.copyGone).toBe(true);
    expect(fsWrites.tempDir).toMatch(/^out\/tmp-[A-Za-z0-9]{6}$/);
    expect(existsSync(path.join(app.dir, fsWrites.tempDir))).toBe(true);
    expect(fsWrites.copyOutside).toMatchObject({ ok: false, code: 'ERR_CAPABILITY_DENIED', capability: 'fs.write' });
    expect(existsSync(path.join(app.dir, 'config/copy.json'))).toBe(false);
  });

  it('refuses the modules a wasm guest can never have, each with a capability error naming it', () => {
    const { denied } = run.result;
    for (const name of ['child_process', 'worker_threads', 'vm', 'net', 'dgram', 'cluster', 'inspector', 'v8', 'module']) expectDenied(denied[name], name);
  });

  it('runs streams, timers, fs streams and promises, and http(s)/fetch over the net grant', () => {
    const { async: results } = run.result;
    expect(results.stream).toEqual({ ok: true, value: 'STREAMED' });
    expect(results.timer).toEqual({ ok: true, value: 'timer fired' });
    expect(results.readStream).toEqual({ ok: true, value: { text: '{"mode":"streamed"}', chunks: 5 } });
    expect(results.fsPromises).toEqual({ ok: true, value: '{"mode":"streamed"}' });
    expect(results.fsCallbackMissing).toEqual({ ok: true, value: 'ENOENT' });
    expect(results.httpGranted).toEqual({ ok: true, value: { status: 200, contentType: 'text/plain', body: 'hello from /hello' } });
    expect(results.httpPost.ok).toBe(true);
    expect(api.requests).toContainEqual({ method: 'POST', url: '/echo', body: 'posted body' });
    expect(results.fetchGranted).toEqual({ ok: true, value: 'hello from /fetched' });
    expect(results.httpDenied).toMatchObject({ ok: false, code: 'ERR_CAPABILITY_DENIED', capability: 'net' });
    expect(results.httpsDenied).toMatchObject({ ok: false, code: 'ERR_CAPABILITY_DENIED', capability: 'net' });
    expect(other.requests).toEqual([]);
  });
});

describe('crypto with "random": false', () => {
  it('throws a capability error from every random source and never returns predictable bytes; hashing still works', async () => {
    const app = await buildApp('guest-environment-no-random', {
      policy: { packages: { 'guest-environment-probe': { isolate: true, reviewed: ['child_process', 'worker'], allow: { random: false } } } },
      source: `
        import probe from 'guest-environment-probe';
        console.log(JSON.stringify(probe.randomDeniedChecks()));
      `,
    });
    const { result, status, stderr } = await runAppAsync(app);
    expect(status, stderr).toBe(0);
    for (const name of ['randomBytes', 'randomUUID', 'getRandomValues', 'randomInt', 'mathRandom']) expect(result[name]).toMatchObject({ ok: false, code: 'ERR_CAPABILITY_DENIED', capability: 'random' });
    expect(result.hashStillWorks).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(stderr).toContain('isolate-deps: denied random');
  });
});
