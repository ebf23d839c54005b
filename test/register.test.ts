/**
 * isolate-deps/register: unbundled apps under `node --import isolate-deps/register`. Proven from outside: the
 * example prints what the bundled example prints; a fixture that marks the realm running it never marks the
 * host, whatever route the app takes to it; the cache rules (frozen, stale, first use) hold.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import isolateDeps from 'isolate-deps/esbuild';
import { describe, expect, it } from 'vitest';
import { setUpOrFail } from './support/setup.ts';
import { buildApp, CACHE_DIR, CLI, REGISTER_HOOK, REPO, runAppAsync, type BuiltApp } from './support/app.ts';
import { ROUTES_APP, ROUTES_FILES } from './register/routes-app.ts';
import { EXECUTION_APP } from './register/execution-app.ts';
import { ensureNodeRelease } from '../scripts/node-release.mjs';

const NODE_22 = '22.23.5';
const NODE_CACHE = path.join(REPO, 'test/.cache/node');

const EXAMPLE = path.join(REPO, 'examples/node-app');
const MARKER_DIR = path.join(REPO, 'test/fixtures/native-load-marker');
const CANARY = { ssh: 'CANARY-REGISTER-SSH-51d0', npm: 'CANARY-REGISTER-NPM-77e2', aws: 'CANARY-REGISTER-AWS-0c3f', marker: 'CANARY-REGISTER-MARKER-9a9a' };

/** A fresh app folder in test/.work whose policy isolates the marker fixture (with `entry`'s extra fields), holding `files`. */
function markerApp(name: string, files: Record<string, string>, entry: Record<string, unknown> = {}): string {
  const dir = path.join(REPO, 'test/.work', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'isolate-deps.policy.json'), JSON.stringify({ packages: { 'native-load-marker': { isolate: true, ...entry } } }));
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return dir;
}

function node(args: string[], env: Record<string, string>, cwd: string, binary = process.execPath) {
  return spawnSync(binary, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 300_000 });
}

describe('examples/node-app under node --import isolate-deps/register', () => {
  let home: string;
  let env: Record<string, string>;
  let bundled: string;

  setUpOrFail(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'isolate-register-home-'));
    mkdirSync(path.join(home, '.ssh'));
    writeFileSync(path.join(home, '.ssh/id_rsa'), CANARY.ssh);
    writeFileSync(path.join(home, '.npmrc'), `//registry.npmjs.org/:_authToken=${CANARY.npm}\n`);
    env = { HOME: home, NPM_TOKEN: CANARY.npm, AWS_SECRET_ACCESS_KEY: CANARY.aws, ISOLATE_DEPS_CACHE_DIR: CACHE_DIR };
    const built = node([CLI, 'build', '--quiet'], { ISOLATE_DEPS_CACHE_DIR: CACHE_DIR }, EXAMPLE);
    expect(built.status, built.stderr).toBe(0);
    // The esbuild example, bundled as its build.mjs does, into test/.work (the shared cache, not the example's).
    bundled = path.join(REPO, 'test/.work/register-esbuild-example/app.mjs');
    rmSync(path.dirname(bundled), { recursive: true, force: true });
    await build({ absWorkingDir: path.join(REPO, 'examples/esbuild-app'), entryPoints: ['src/app.js'], bundle: true, platform: 'node', format: 'esm', outfile: bundled, logLevel: 'silent', tsconfigRaw: {}, plugins: [isolateDeps({ cacheDir: CACHE_DIR })] });
  });

  it('the ES module and the CommonJS app print exactly what the bundled esbuild example prints, with the same denials', () => {
    const reference = node([bundled], env, path.dirname(bundled));
    const esm = node(['--import', 'isolate-deps/register', 'src/app.mjs'], env, EXAMPLE);
    const cjs = node(['--import', 'isolate-deps/register', 'src/app.cjs'], env, EXAMPLE);
    for (const run of [reference, esm, cjs]) expect(run.status, run.stderr).toBe(0);
    expect(esm.stdout).toBe(reference.stdout);
    expect(cjs.stdout).toBe(reference.stdout);
    expect(esm.stdout).toContain('evil-telemetry: fs.read /home/isolated/.ssh/id_rsa');
    expect(esm.stdout).toContain('evil-telemetry: net telemetry.evil.example');
    expect(esm.stdout).toContain('formatReport    -> "Report Q3: 3 rows"');
    // The stderr notices (one per package and capability) are the same too.
    expect(esm.stderr).toBe(reference.stderr);
    expect(cjs.stderr).toBe(reference.stderr);
    for (const canary of Object.values(CANARY)) for (const run of [esm, cjs]) expect(run.stdout + run.stderr).not.toContain(canary);
  });

  it('isolate-deps run app.js passes the app its arguments and returns its exit code', () => {
    const dir = path.join(REPO, 'test/.work/register-run');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    cpSync(path.join(EXAMPLE, 'isolate-deps.policy.json'), path.join(dir, 'isolate-deps.policy.json'));
    writeFileSync(path.join(dir, 'app.mjs'), `import { parse } from 'yaml';\nconsole.log(JSON.stringify({ args: process.argv.slice(2), parsed: parse('a: 1') }));\nprocess.exitCode = 3;\n`);
    // yaml resolves from the repository root; the example's policy isolates it there too, with the example's records.
    const run = node([CLI, 'run', '--policy', path.join(EXAMPLE, 'isolate-deps.policy.json'), 'app.mjs', '--port', '8080', 'x'], { ISOLATE_DEPS_CACHE_DIR: CACHE_DIR }, dir);
    expect(run.status, run.stderr).toBe(3);
    expect(JSON.parse(run.stdout)).toEqual({ args: ['--port', '8080', 'x'], parsed: { a: 1 } });
  });
});

// Node 20 has only module.register (hooks on their own thread); Node >= 22.15 has module.registerHooks (in-thread hooks
// that also see the imports of a required ES module). Both must close every route.
const NODE_VERSIONS: [string, () => string, 'hooks-thread' | 'in-thread'][] = [
  [`Node ${process.versions.node}`, () => process.execPath, 'hooks-thread'],
  [`Node ${NODE_22}`, () => ensureNodeRelease(NODE_22, NODE_CACHE), 'in-thread'],
];

describe.each(NODE_VERSIONS)('%s: no route loads an isolated package natively', (_version, nodeBinary, hooks) => {
  let app: BuiltApp;
  let routes: Record<string, any>;
  let stdout: string;
  let result: any;

  setUpOrFail(async () => {
    const node = nodeBinary();
    app = await buildApp(`register-routes-${hooks}`, { delivery: 'register', policy: { packages: { 'native-load-marker': { isolate: true } } }, source: ROUTES_APP, files: ROUTES_FILES });
    // A second copy of the package, installed apart from the one the policy isolates.
    const copy = path.join(app.dir, 'vendor/node_modules/native-load-marker');
    cpSync(MARKER_DIR, copy, { recursive: true });
    // The three paths are arguments of the app: run it by hand.
    const child = spawnSync(node, [...app.nodeArgs!, app.outfile, path.join(MARKER_DIR, 'index.js'), path.join(MARKER_DIR, 'lib/deep.js'), path.join(copy, 'index.js')], {
      cwd: app.dir,
      env: { PATH: process.env.PATH ?? '', ...app.env, MARKER_CANARY: CANARY.marker },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(child.status, child.stderr).toBe(0);
    stdout = child.stdout + child.stderr;
    result = JSON.parse(child.stdout.trim().split('\n').pop()!);
    routes = result.routes;
  });

  it('the fixture’s load-time code never ran in the host, and never read the host’s environment', () => {
    expect(result.hostMarker).toBeNull();
    expect(routes.workerMarker).toBeNull();
    expect(stdout).not.toContain(CANARY.marker);
    expect(result.isolation).toMatchObject({ packages: ['native-load-marker'], frozen: false, cacheDir: CACHE_DIR, hooks });
  });

  it.each([
    'static import',
    'dynamic import()',
    'import() of the main file by file URL',
    'import() of the main file with a query',
    'require()',
    'require() of the main file by absolute path',
    'createRequire() from another folder',
    'Module._load()',
    'import() of an app ES module that imports it',
    'require() of an app CommonJS module that requires it',
    'a worker thread',
  ])('%s: gets the facade, which answers from the component', (route) => {
    expect(routes[route]).toEqual(route === 'a worker thread' ? { answer: 'hello x', seenAtLoad: null } : { answer: 'hello x', seenAtLoad: null });
  });

  it.each(['import() of a deep file by path', 'import() of a deep subpath', 'require() of a deep subpath'])('%s: gets the facade of that file', (route) => {
    expect(routes[route]).toEqual({ answer: 'deep', seenAtLoad: null });
  });

  it('loading a file of the package directly, without resolution, is refused', () => {
    expect(routes['new Module().load() of the file']).toEqual({ refused: 'ERR_ISOLATE_UNSERVED_COPY' });
  });

  it('require() of an ES module: refused with hooks on their own thread (its imports would bypass them), served by the facade with in-thread hooks', () => {
    const expected = hooks === 'hooks-thread' ? { refused: 'ERR_ISOLATE_REQUIRE_ESM' } : { answer: 'hello x', seenAtLoad: null };
    expect(routes['require() of an app ES module that imports it']).toEqual(expected);
    expect(routes['require() of a .js file Node detects as an ES module']).toEqual(expected);
  });

  it('a second installed copy of the package is refused by both loaders', () => {
    expect(routes['require() of a second installed copy'].refused).toBe('ERR_ISOLATE_UNSERVED_COPY');
    expect(JSON.stringify(routes['import() of a second installed copy'].refused)).toMatch(/ERR_ISOLATE_UNSERVED_COPY|refusing to load it unisolated/);
  });

  it('the package’s own package.json is still readable as data', () => {
    expect(routes.manifest).toBe('1.0.0');
  });
});

describe('the component cache at run time', () => {
  const source = `import { greet, seenAtLoad } from 'native-load-marker';\nconsole.log(JSON.stringify({ greet: greet('x'), seen: seenAtLoad() ?? null, marker: globalThis.__nativeLoadMarker ?? null }));\n`;

  const writeApp = (name: string, entry: Record<string, unknown>): string => markerApp(name, { 'app.mjs': source }, entry);

  it('ISOLATE_DEPS_FROZEN=1 with an empty cache stops before the app runs, naming the command to run', () => {
    const dir = writeApp('register-frozen', {});
    const emptyCache = mkdtempSync(path.join(tmpdir(), 'isolate-register-empty-'));
    const run = node(['--import', REGISTER_HOOK, 'app.mjs'], { ISOLATE_DEPS_FROZEN: '1', ISOLATE_DEPS_CACHE_DIR: emptyCache }, dir);
    expect(run.status).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('ERR_ISOLATE_COMPONENT_NOT_BUILT');
    expect(run.stderr).toContain('no component built yet');
    expect(run.stderr).toContain('npx isolate-deps build --policy isolate-deps.policy.json');
    // The same through the CLI's --frozen.
    const viaCli = node([CLI, 'run', '--frozen', 'app.mjs'], { ISOLATE_DEPS_CACHE_DIR: emptyCache }, dir);
    expect(viaCli.status).not.toBe(0);
    expect(viaCli.stderr).toContain('npx isolate-deps build');
  });

  it('a missing component is compiled on first use with a one-line notice, then found without one', () => {
    const dir = writeApp('register-first-use', {});
    // Forget what an earlier run recorded for this policy (the component itself stays cached: the compilation then
    // only bundles and finds it), so that the first run here is a first use.
    const policyId = createHash('sha256').update(path.join(dir, 'isolate-deps.policy.json')).digest('hex').slice(0, 16);
    rmSync(path.join(CACHE_DIR, 'register', `${policyId}-native-load-marker.json`), { force: true });
    const first = node(['--import', REGISTER_HOOK, 'app.mjs'], { ISOLATE_DEPS_CACHE_DIR: CACHE_DIR, MARKER_CANARY: CANARY.marker }, dir);
    expect(first.status, first.stderr).toBe(0);
    const notices = first.stderr.split('\n').filter((l) => l.startsWith('isolate-deps: compiling'));
    expect(notices).toEqual(['isolate-deps: compiling native-load-marker@1.0.0 into its component (no component built yet); `npx isolate-deps build` does this ahead of time']);
    expect(JSON.parse(first.stdout)).toEqual({ greet: 'hello x', seen: null, marker: null });
    const second = node(['--import', REGISTER_HOOK, 'app.mjs'], { ISOLATE_DEPS_CACHE_DIR: CACHE_DIR, ISOLATE_DEPS_FROZEN: '1' }, dir);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).not.toContain('isolate-deps: compiling');
  });

  it('a changed policy entry makes the component stale: an error when frozen, a rebuild that honours the new grant otherwise', () => {
    const dir = writeApp('register-stale', {});
    expect(node([CLI, 'build', '--quiet', '--cache-dir', CACHE_DIR], {}, dir).status).toBe(0);
    writeFileSync(path.join(dir, 'isolate-deps.policy.json'), JSON.stringify({ packages: { 'native-load-marker': { isolate: true, allow: { env: ['MARKER_CANARY'] } } } }));
    const env = { ISOLATE_DEPS_CACHE_DIR: CACHE_DIR, MARKER_CANARY: 'granted-value' };
    const frozen = node(['--import', REGISTER_HOOK, 'app.mjs'], { ...env, ISOLATE_DEPS_FROZEN: '1' }, dir);
    expect(frozen.status).not.toBe(0);
    expect(frozen.stderr).toContain('its policy entry changed');
    const rebuilt = node(['--import', REGISTER_HOOK, 'app.mjs'], env, dir);
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    expect(rebuilt.stderr).toContain('isolate-deps: compiling native-load-marker@1.0.0 into its component (its policy entry changed)');
    expect(JSON.parse(rebuilt.stdout)).toEqual({ greet: 'hello x', seen: 'granted-value', marker: null });
  });

  it('a policy that isolates nothing leaves the app as it is', () => {
    const dir = writeApp('register-nothing', {});
    writeFileSync(path.join(dir, 'isolate-deps.policy.json'), JSON.stringify({ packages: { 'native-load-marker': { reviewed: ['env'] } } }));
    const run = node(['--import', REGISTER_HOOK, 'app.mjs'], { MARKER_CANARY: 'native-value' }, dir);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ greet: 'hello x', seen: 'native-value', marker: 1 });
  });
});

describe('alongside tsx (pinned devDependency), in either --import order', () => {
  let dir: string;
  setUpOrFail(() => {
    dir = markerApp('register-tsx', {
      'app.ts': `import { greet, seenAtLoad } from 'native-load-marker';
import { createRequire } from 'node:module';
import { fromCts } from './lib.cts';
const required: { greet(name: string): string } = createRequire(import.meta.url)('native-load-marker');
const answer: string = greet('ts');
console.log(JSON.stringify({ answer, required: required.greet('req'), fromCts: fromCts(), seen: seenAtLoad() ?? null, marker: (globalThis as { __nativeLoadMarker?: number }).__nativeLoadMarker ?? null }));
`,
      'lib.cts': `const marker = require('native-load-marker');\nexport const fromCts = (): string => marker.greet('cts');\n`,
    });
    const built = node([CLI, 'build', '--quiet', '--cache-dir', CACHE_DIR], {}, dir);
    expect(built.status, built.stderr).toBe(0);
  });

  it.each([
    ['tsx first', ['--import', 'tsx', '--import', REGISTER_HOOK]],
    ['isolate-deps/register first', ['--import', REGISTER_HOOK, '--import', 'tsx']],
  ])('%s: a TypeScript app (ESM and .cts) gets the facades, never the native package', (_order, args) => {
    const run = node([...args, 'app.ts'], { ISOLATE_DEPS_CACHE_DIR: CACHE_DIR, ISOLATE_DEPS_FROZEN: '1', MARKER_CANARY: CANARY.marker }, dir);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ answer: 'hello ts', required: 'hello req', fromCts: 'hello cts', seen: null, marker: null });
    expect(run.stdout + run.stderr).not.toContain(CANARY.marker);
  });

  it('control: under tsx alone the fixture runs natively, and the same checks see it', () => {
    const run = node(['--import', 'tsx', 'app.ts'], { MARKER_CANARY: CANARY.marker }, dir);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ seen: CANARY.marker, marker: 1 });
  });
});

describe(`Node ${NODE_22}: module.registerHooks, and --experimental-strip-types`, () => {
  let node22: string;
  let dir: string;
  const env = { ISOLATE_DEPS_CACHE_DIR: CACHE_DIR, ISOLATE_DEPS_FROZEN: '1', MARKER_CANARY: CANARY.marker };

  setUpOrFail(() => {
    node22 = ensureNodeRelease(NODE_22, NODE_CACHE);
    const built = node([CLI, 'build', '--quiet'], { ISOLATE_DEPS_CACHE_DIR: CACHE_DIR }, EXAMPLE);
    expect(built.status, built.stderr).toBe(0);
    dir = markerApp('register-strip-types', {
      'app.ts': `import { greet, seenAtLoad } from 'native-load-marker';
import { createRequire } from 'node:module';
interface Marker { greet(name: string): string }
// Only under the hook: importing isolate-deps/register would install it.
const hooks = process.execArgv.includes('--import') ? (await import('isolate-deps/register')).registeredIsolation()?.hooks : null;
const required: Marker = createRequire(import.meta.url)('native-load-marker');
const answer: string = greet('ts');
console.log(JSON.stringify({ answer, required: required.greet('req'), seen: seenAtLoad() ?? null, marker: (globalThis as { __nativeLoadMarker?: number }).__nativeLoadMarker ?? null, hooks }));
`,
    });
    expect(node([CLI, 'build', '--quiet', '--cache-dir', CACHE_DIR], {}, dir).status).toBe(0);
  }, 300_000);

  it('examples/node-app (ESM and CommonJS) prints exactly what it prints on this Node, whose output the bundled example fixes', () => {
    const homeEnv = { HOME: mkdtempSync(path.join(tmpdir(), 'isolate-register-home-')), ISOLATE_DEPS_CACHE_DIR: CACHE_DIR };
    const reference = node(['--import', 'isolate-deps/register', 'src/app.mjs'], homeEnv, EXAMPLE);
    expect(reference.status, reference.stderr).toBe(0);
    for (const entry of ['src/app.mjs', 'src/app.cjs']) {
      const run = node(['--import', 'isolate-deps/register', entry], homeEnv, EXAMPLE, node22);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toBe(reference.stdout);
      expect(run.stderr).toBe(reference.stderr);
    }
  });

  it('a TypeScript app run with --experimental-strip-types gets the facades through the in-thread hooks', () => {
    const run = node(['--experimental-strip-types', '--no-warnings', '--import', REGISTER_HOOK, 'app.ts'], env, dir, node22);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ answer: 'hello ts', required: 'hello req', seen: null, marker: null, hooks: 'in-thread' });
    expect(run.stdout + run.stderr).not.toContain(CANARY.marker);
  });

  it('control: without the hook the same app runs the fixture natively, and the same checks see it', () => {
    const run = node(['--experimental-strip-types', '--no-warnings', 'app.ts'], { MARKER_CANARY: CANARY.marker }, dir, node22);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ seen: CANARY.marker, marker: 1, hooks: null });
  });
});

describe('instance modes, limits and the trace hold through the register path', () => {
  const appWith = (name: string, entry: Record<string, unknown>) => buildApp(`register-${name}`, { delivery: 'register', policy: { packages: { misbehaving: { isolate: true, ...entry } } }, source: EXECUTION_APP });

  it('"per-call" gives every call a fresh instance', async () => {
    const app = await appWith('per-call', { instance: 'per-call' });
    const run = await runAppAsync(app, {}, [JSON.stringify([['counter'], ['counter'], ['counter']])]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.result.map((r: { value: unknown }) => r.value)).toEqual([1, 1, 1]);
  });

  for (const thread of ['caller', 'worker']) {
    it(`limits.timeoutMs stops an infinite loop ("thread": "${thread}"), and the next call works`, async () => {
      const app = await appWith(`timeout-${thread}`, { thread, limits: { timeoutMs: 1000 } });
      const run = await runAppAsync(app, {}, [JSON.stringify([['counter'], ['spin'], ['counter']])]);
      expect(run.status, run.stderr).toBe(0);
      expect(run.result).toEqual([{ value: 1 }, { error: 'IsolateTimeoutError', code: 'ERR_ISOLATE_TIMEOUT' }, { value: 1 }]);
    });
  }

  it('ISOLATE_DEPS_TRACE records every crossing', async () => {
    const app = await appWith('trace', {});
    const trace = path.join(app.dir, 'trace.jsonl');
    const run = await runAppAsync(app, { ISOLATE_DEPS_TRACE: trace }, [JSON.stringify([['counter'], ['echo', 'abc']])]);
    expect(run.status, run.stderr).toBe(0);
    const calls = readFileSync(trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.type === 'call');
    expect(calls.map((c) => [c.package, c.export, c.outcome])).toEqual([['misbehaving', 'counter', 'ok'], ['misbehaving', 'echo', 'ok']]);
  });
});
