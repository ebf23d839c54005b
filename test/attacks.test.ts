/**
 * The attack corpus (test/attacks/<incident>/): each package reproduces what a real supply-chain attack did,
 * and runs isolated under the policy its honest twin would get. Everything is asserted from outside: the
 * canaries (files in a planted HOME, environment variables, a recording HTTP server standing in for the
 * exfiltration endpoint) never show up in any output, file or request, host objects stay untouched, and
 * every attempt is reported as a violation.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setUpOrFail } from './support/setup.ts';
import { buildApp, DELIVERIES, runAppAsync, type BuiltApp, type RunResult } from './support/app.ts';
import { startRecordingServer, type RecordingServer } from './support/canary.ts';

const CANARY = {
  sshKey: 'CANARY-SSH-KEY-2b7e1f',
  npmToken: 'CANARY-NPM-TOKEN-8c01d4',
  ghToken: 'CANARY-GH-TOKEN-f00d42',
  awsSecret: 'CANARY-AWS-SECRET-77aa10',
  walletSeed: 'CANARY-WALLET-SEED-31c9e2',
  solanaKey: 'CANARY-SOLANA-KEY-5e5e5e',
  escapeSecret: 'CANARY-ESCAPE-SECRET-0d0d0d',
  projectSecret: 'CANARY-PROJECT-FILE-abab12',
};
const ALL_CANARIES = Object.values(CANARY);
const VICTIM = 'original victim content';

interface Violation {
  package: string;
  capability: string;
  target: string;
}

/** The app imports every attack package, runs each attack the way the incident did, and checks host objects itself. */
const ATTACK_APP = `
  import * as eventStream from 'attack-event-stream';
  import * as eslintScope from 'attack-eslint-scope';
  import * as uaParser from 'attack-ua-parser-js';
  import * as nodeIpc from 'attack-node-ipc';
  import * as colors from 'attack-colors';
  import * as solana from 'attack-solana-web3';
  import * as chalkDebug from 'attack-chalk-debug';
  import * as shaiHulud from 'attack-shai-hulud';
  import * as classic from 'attack-classic-escapes';
  import { onViolation } from 'isolate-deps/runtime';

  const config = JSON.parse(process.argv[2]);
  const violations = [];
  onViolation((v) => violations.push({ package: v.package, capability: v.capability, target: v.target }));
  // The app's own secret data, which a sibling-package attack (event-stream) wants to reach.
  globalThis.__appWallet = { seed: process.env.WALLET_SEED };
  const hostBefore = { fetch: globalThis.fetch, includes: Array.prototype.includes, parse: JSON.parse, prepare: Error.prepareStackTrace };

  const out = {};
  const run = (name, fn) => { try { out[name] = fn(); } catch (e) { out[name] = { hostCaught: e.code ?? e.message }; } };
  run('flatMap', () => eventStream.flatten([[1, 10], [2, 20]]));
  run('eventStream', () => eventStream.runPayload(config.exfil + '/event-stream'));
  run('eslintAnalyze', () => eslintScope.analyze(['a', 'b']));
  run('eslintScope', () => eslintScope.stealNpmToken(config.exfil + '/eslint-scope'));
  run('uaParse', () => uaParser.parse('Mozilla/5.0 Firefox/120.0'));
  run('uaParser', () => uaParser.dropAndRun(config.exfil + '/jsextension', config.marker));
  run('ipcSend', () => nodeIpc.send('chan', { hello: 'world' }));
  run('nodeIpc', () => nodeIpc.overwriteEverything([config.home, config.outside]));
  run('colorsRed', () => colors.red('ok'));
  run('solanaStart', () => solana.startTransaction(config.rpc + '/rpc', config.lookalike + '/steal', process.env.SOLANA_KEY ?? config.solanaKey, 'tx-1'));
  run('chalkRed', () => chalkDebug.red('ok'));
  run('chalkDebug', () => chalkDebug.hookGlobals());
  run('shaiTitle', () => shaiHulud.title('hello world'));
  run('shaiHulud', () => shaiHulud.scan(config.exfil + '/shai-hulud'));
  run('constructorChain', () => classic.constructorChain());
  run('prepareStackTrace', () => classic.prepareStackTrace());
  run('pathEscapes', () => classic.pathEscapes(config.home + '/.ssh/id_rsa'));
  run('enumerateEnv', () => classic.enumerateEnv());
  run('readConfig', () => classic.readConfig());
  run('readAllowedEnv', () => classic.readAllowedEnv());
  run('pingStart', () => classic.startPing(config.api + '/ping'));
  run('pollute', () => classic.pollute());

  setTimeout(async () => {
    run('solana', () => solana.lastTransaction());
    run('ping', () => classic.pingResult());
    // The host's fetch still sends what the app wrote (chalk/debug hooked only its own instance's fetch).
    const address = '0x1111111111111111111111111111111111111111';
    const response = await fetch(config.api + '/pay', { method: 'POST', body: JSON.stringify({ to: address }) });
    out.host = {
      fetchUntouched: globalThis.fetch === hostBefore.fetch,
      xhr: typeof globalThis.XMLHttpRequest,
      objectPrototype: ({}).polluted,
      payloadPrototype: Object.getPrototypeOf(out.pollute?.payload ?? {}) === Object.prototype,
      payloadPolluted: (out.pollute?.payload ?? {}).polluted,
      includesUntouched: Array.prototype.includes === hostBefore.includes && [1].includes(2) === false,
      parseUntouched: JSON.parse === hostBefore.parse && JSON.parse('{"a":1}').a === 1,
      prepareStackTraceUntouched: Error.prepareStackTrace === hostBefore.prepare,
      hostPaid: response.status,
      sentAddress: address,
    };
    console.log(JSON.stringify({ out, violations }));
  }, 600);
`;

describe.each(DELIVERIES)('the attack corpus, each under its honest twin’s policy (delivered by %s)', (delivery) => {
  let app: BuiltApp;
  let exfil: RecordingServer;
  let lookalike: RecordingServer;
  let rpc: RecordingServer;
  let api: RecordingServer;
  let home: string;
  let outside: string;
  let marker: string;
  let run: RunResult;
  let out: Record<string, any>;
  let violations: Violation[];
  const jsextension = path.join(tmpdir(), 'jsextension');
  const jsextensionExisted = existsSync(jsextension);

  const violationsOf = (pkg: string) => violations.filter((v) => v.package === pkg);
  const capabilitiesOf = (pkg: string) => [...new Set(violationsOf(pkg).map((v) => v.capability))].sort();

  setUpOrFail(async () => {
    [exfil, lookalike, rpc, api] = await Promise.all([startRecordingServer(), startRecordingServer(), startRecordingServer((req) => ({ status: 200, body: `rpc ok ${req.url}` })), startRecordingServer((req) => ({ status: 200, body: `api ok ${req.url}` }))]);
    home = mkdtempSync(path.join(tmpdir(), 'isolate-attack-home-'));
    mkdirSync(path.join(home, '.ssh'));
    mkdirSync(path.join(home, '.config/gh'), { recursive: true });
    writeFileSync(path.join(home, '.ssh/id_rsa'), `-----BEGIN OPENSSH PRIVATE KEY-----\n${CANARY.sshKey}\n`);
    writeFileSync(path.join(home, '.npmrc'), `//registry.npmjs.org/:_authToken=${CANARY.npmToken}\n`);
    writeFileSync(path.join(home, '.config/gh/hosts.yml'), `github.com:\n  oauth_token: ${CANARY.ghToken}\n`);
    writeFileSync(path.join(home, '.bashrc'), VICTIM);
    writeFileSync(path.join(home, 'victim.txt'), VICTIM);
    outside = mkdtempSync(path.join(tmpdir(), 'isolate-attack-outside-'));
    writeFileSync(path.join(outside, 'victim.txt'), VICTIM);
    marker = path.join(outside, 'spawned-marker');

    const none = { isolate: true };
    app = await buildApp(`attacks-${delivery}`, {
      delivery,
      policy: {
        packages: {
          'attack-event-stream': none,
          'attack-eslint-scope': none,
          // Their payloads start processes: "reviewed" acknowledges it, so the build isolates them and denies every call.
          'attack-ua-parser-js': { ...none, reviewed: ['child_process'] },
          'attack-node-ipc': { isolate: true, allow: { fs: { read: ['./ipc/**'], write: ['./ipc/**'] } } },
          'attack-colors': none,
          'attack-solana-web3': { isolate: true, allow: { net: [`127.0.0.1:${rpc.port}`] } },
          'attack-chalk-debug': none,
          'attack-shai-hulud': { isolate: true, reviewed: ['child_process'], allow: { env: ['NODE_ENV'] } },
          'attack-classic-escapes': { isolate: true, allow: { fs: { read: ['./config/**'] }, env: ['ESCAPE_ALLOWED'], net: [`127.0.0.1:${api.port}`] } },
        },
      },
      files: {
        'config/app.json': '{"theme":"dark"}',
        'secret.txt': CANARY.projectSecret,
        'victim.txt': VICTIM,
        'ipc/existing.msg': 'old message',
      },
      source: ATTACK_APP,
    });
    symlinkSync(path.join(home, '.ssh/id_rsa'), path.join(app.dir, 'config/link-to-home-secret'));
    symlinkSync(home, path.join(app.dir, 'config/link-to-home'));

    const env = {
      HOME: home,
      NPM_TOKEN: CANARY.npmToken,
      GITHUB_TOKEN: CANARY.ghToken,
      AWS_SECRET_ACCESS_KEY: CANARY.awsSecret,
      WALLET_SEED: CANARY.walletSeed,
      SOLANA_KEY: CANARY.solanaKey,
      ESCAPE_SECRET: CANARY.escapeSecret,
      ESCAPE_ALLOWED: 'allowed-value',
      NODE_ENV: 'production',
      npm_package_description: 'A Secure Bitcoin Wallet',
    };
    const config = { exfil: exfil.url, lookalike: `http://localhost:${lookalike.port}`, rpc: rpc.url, api: api.url, home, outside, marker, solanaKey: CANARY.solanaKey };
    run = await runAppAsync(app, env, [JSON.stringify(config)]);
    expect(run.status, run.stderr).toBe(0);
    out = run.result.out;
    violations = run.result.violations;
  }, 600_000);
  afterAll(async () => {
    await Promise.all([exfil, lookalike, rpc, api].map((s) => s?.close()));
  });

  it('leaks no canary into the app’s output, stderr, any request, or any file it could have written', () => {
    for (const canary of ALL_CANARIES) {
      expect(run.stdout).not.toContain(canary);
      expect(run.stderr).not.toContain(canary);
      for (const server of [exfil, lookalike, rpc, api]) expect(JSON.stringify(server.requests)).not.toContain(canary);
    }
    expect(exfil.requests).toEqual([]);
    expect(lookalike.requests).toEqual([]);
  });

  it('event-stream / flatmap-stream: works, but reaches no env, no sibling module, no app data, no network', () => {
    expect(out.flatMap).toEqual([1, 10, 2, 20]);
    const loot = out.eventStream;
    expect(loot.description).toBeUndefined();
    expect(loot.env).toEqual({});
    expect(loot.wallet.requireFailed).toBeTruthy();
    expect(loot.globalWallet).toBeUndefined();
    expect(loot.mainModule).toBe('undefined');
    expect(capabilitiesOf('attack-event-stream')).toEqual(['env', 'net']);
    expect(violationsOf('attack-event-stream')).toContainEqual({ package: 'attack-event-stream', capability: 'env', target: 'npm_package_description' });
  });

  it('eslint-scope: cannot read ~/.npmrc and cannot send it', () => {
    expect(out.eslintAnalyze).toEqual({ scopes: 1, variables: 2 });
    expect(out.eslintScope.token).toBeUndefined();
    expect(Object.values(out.eslintScope)).toContain('ERR_CAPABILITY_DENIED');
    expect(violationsOf('attack-eslint-scope')).toContainEqual({ package: 'attack-eslint-scope', capability: 'fs.read', target: '/home/isolated/.npmrc' });
    expect(capabilitiesOf('attack-eslint-scope')).toEqual(['env', 'fs.read', 'net']);
  });

  it('ua-parser-js / coa / rc: writes no binary and spawns nothing', () => {
    expect(out.uaParse).toEqual({ browser: { name: 'Firefox', major: '120' } });
    expect(out.uaParser).toEqual({ write: 'ERR_CAPABILITY_DENIED', execSync: 'ERR_CAPABILITY_DENIED', spawn: 'ERR_CAPABILITY_DENIED', exec: 'ERR_CAPABILITY_DENIED' });
    expect(existsSync(marker)).toBe(false);
    if (!jsextensionExisted) expect(existsSync(jsextension)).toBe(false);
    expect(capabilitiesOf('attack-ua-parser-js')).toEqual(['child_process', 'fs.write']);
  });

  it('node-ipc / peacenotwar: overwrites only inside its granted ./ipc folder; every other file is intact', () => {
    expect(out.ipcSend).toBe('{"hello":"world"}');
    const result = out.nodeIpc;
    expect(result.overwritten.every((file: string) => file.startsWith('ipc/'))).toBe(true);
    expect(result.refused).toBeGreaterThan(0);
    for (const file of [path.join(app.dir, 'victim.txt'), path.join(home, 'victim.txt'), path.join(home, '.bashrc'), path.join(outside, 'victim.txt')]) expect(readFileSync(file, 'utf8')).toBe(VICTIM);
    expect(readFileSync(path.join(app.dir, 'config/app.json'), 'utf8')).toBe('{"theme":"dark"}');
    expect(readFileSync(path.join(app.dir, 'secret.txt'), 'utf8')).toBe(CANARY.projectSecret);
    expect(capabilitiesOf('attack-node-ipc')).toEqual(['fs.read', 'fs.write']);
  });

  it('colors / faker: the package loads and works isolated', () => {
    expect(out.colorsRed).toBe('\u001b[31mok\u001b[39m');
  });
  // colors / faker: americanFlag() (the infinite loop) is stopped by limits.timeoutMs: see test/resilience.test.ts.

  it('@solana/web3.js: the key never reaches the lookalike host; the granted RPC host still works', () => {
    expect(out.solana).toMatchObject({ state: 'done', exfil: 'ERR_CAPABILITY_DENIED', rpc: { status: 200, body: 'rpc ok /rpc' } });
    expect(rpc.requests).toHaveLength(1);
    expect(lookalike.requests).toEqual([]);
    expect(violationsOf('attack-solana-web3')).toContainEqual({ package: 'attack-solana-web3', capability: 'net', target: `localhost:${lookalike.port}` });
  });

  it('chalk / debug: hooks only its own instance’s fetch; the host’s fetch, XMLHttpRequest and payloads are untouched', () => {
    expect(out.chalkRed).toBe('\u001b[31mok\u001b[39m');
    expect(out.chalkDebug.hooked).toBe('hookedFetch');
    expect(out.chalkDebug.reached.Function).toBe('object'); // the guest's own process object, not the host's
    expect(out.host.fetchUntouched).toBe(true);
    expect(out.host.xhr).toBe('undefined');
    expect(out.host.hostPaid).toBe(200);
    expect(api.requests.find((r) => r.url === '/pay')?.body).toBe(JSON.stringify({ to: out.host.sentAddress }));
  });

  it('Shai-Hulud: finds no token in env or files, runs no TruffleHog, sends nothing, plants no workflow', () => {
    expect(out.shaiTitle).toBe('Hello World');
    const haul = out.shaiHulud;
    expect(haul.env).toEqual({ NODE_ENV: 'production' });
    expect(haul.files).toEqual({});
    expect(haul.tokens).toEqual([]);
    expect(haul.errors).toMatchObject({ '.npmrc': 'ERR_CAPABILITY_DENIED', trufflehog: 'ERR_CAPABILITY_DENIED', workflow: 'ERR_CAPABILITY_DENIED' });
    expect(existsSync(path.join(app.dir, '.github'))).toBe(false);
    expect(capabilitiesOf('attack-shai-hulud')).toEqual(['child_process', 'env', 'fs.read', 'fs.write', 'net']);
    expect(violationsOf('attack-shai-hulud')).toContainEqual({ package: 'attack-shai-hulud', capability: 'env', target: 'GITHUB_TOKEN' });
  });

  it('constructor.constructor("return process")() reaches only the guest’s own process', () => {
    const reached = out.constructorChain;
    expect(reached.sameAsGuestProcess).toBe(true);
    expect(reached.env).toEqual({ ESCAPE_ALLOWED: 'allowed-value' });
    expect(reached.secret).toBeUndefined();
    expect(reached.mainModule).toBe('undefined');
    expect(reached.binding).toMatchObject({ ok: false, code: 'ERR_CAPABILITY_DENIED' });
    expect(reached.childProcess.ok).toBe(false);
    expect(reached.globalIsGuest).toBe(true);
    expect(reached.hostRequire).toBe('undefined');
  });

  it('Error.prepareStackTrace exposes no host object, and the host’s Error is untouched', () => {
    expect(out.prepareStackTrace.sawHostProcess).toBe(false);
    expect(out.prepareStackTrace.leaked.join(' ')).not.toMatch(/process|require|module/);
    expect(out.host.prepareStackTraceUntouched).toBe(true);
  });

  it('prototype pollution inside the guest leaves the host’s prototypes and globals untouched', () => {
    expect(out.pollute.guestSees).toBe('POLLUTED-BY-GUEST');
    expect(out.pollute.guestIncludes).toBe(true);
    expect(out.host.objectPrototype).toBeUndefined();
    expect(out.host.payloadPrototype).toBe(true);
    expect(out.host.payloadPolluted).toBeUndefined();
    expect(out.host.includesUntouched).toBe(true);
    expect(out.host.parseUntouched).toBe(true);
  });

  it('`..`, absolute paths, symlinks, file URLs and /proc/self/{environ,mem} cannot leave ./config', () => {
    const escapes = out.pathEscapes;
    for (const [name, outcome] of Object.entries(escapes)) expect(outcome, name).toMatchObject({ ok: false, code: 'ERR_CAPABILITY_DENIED' });
    expect(existsSync(path.join(app.dir, 'planted.txt'))).toBe(false);
    const targets = violationsOf('attack-classic-escapes').map((v) => v.target);
    expect(targets).toEqual(expect.arrayContaining(['/proc/self/environ', '/proc/self/mem', 'config/link-to-home-secret', 'config/../secret.txt']));
  });

  it('enumerating process.env shows only the granted name, however it is done', () => {
    const env = out.enumerateEnv;
    for (const key of ['keys', 'names', 'ownKeys', 'forIn']) expect(env[key], key).toEqual(['ESCAPE_ALLOWED']);
    expect(env.entries).toEqual([['ESCAPE_ALLOWED', 'allowed-value']]);
    expect(env.json).toBe('{"ESCAPE_ALLOWED":"allowed-value"}');
    expect(env.spread).toEqual({ ESCAPE_ALLOWED: 'allowed-value' });
    expect(env.secret).toBeUndefined();
    expect(env.hasSecret).toBe(false);
    expect(violationsOf('attack-classic-escapes')).toContainEqual({ package: 'attack-classic-escapes', capability: 'env', target: 'ESCAPE_SECRET' });
  });

  it('the honest paths work: a granted ./config file, a granted env name, a granted host', () => {
    expect(out.readConfig).toEqual({ theme: 'dark' });
    expect(out.readAllowedEnv).toBe('allowed-value');
    expect(out.ping).toEqual({ state: 'done', status: 200, body: 'api ok /ping' });
  });

  it('writes one stderr line per package, capability and target, naming package, capability and policy file', () => {
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('isolate-deps: denied'));
    expect(new Set(lines).size).toBe(lines.length);
    const keys = lines.map((l) => /denied (\S+) .* to "([^"]+)"/.exec(l)!.slice(1, 3).join(' '));
    const expected = new Set(violations.map((v) => `${v.capability} ${v.package}`));
    expect(new Set(keys)).toEqual(expected);
    // Each listener got each distinct attempt once.
    const distinct = new Set(violations.map((v) => `${v.package} ${v.capability} ${v.target}`));
    expect(distinct.size).toBe(violations.length);
  });
});
