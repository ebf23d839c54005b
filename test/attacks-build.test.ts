/**
 * Build-time exfiltration (test/attacks/build-exfil/): an isolated package with no grants tries to get host
 * data inlined into its own component by the guest bundler, where it would read it at run time without any
 * grant. Each build runs in a fresh Node process with the canaries planted in a host file, the build's
 * environment, its working directory and esbuild's `define`, and a fresh component cache. Asserted from
 * outside: the build fails with an error naming the package, the importing file and the specifier, and no
 * canary appears in any file under the output folder or the cache.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleGuest, GuestImportError } from 'isolate-deps';
import { afterAll, describe, expect, it } from 'vitest';
import { setUpOrFail } from './support/setup.ts';
import { REPO } from './support/app.ts';

const FIXTURES = path.join(REPO, 'test/attacks/build-exfil');
const WORK = path.join(REPO, 'test/.work/build-exfil');
/** The host file the absolute-path and file: URL attacks name (their sources hold this fixed path). */
const HOST_SECRET_FILE = '/tmp/isolate-deps-build-exfil/secret.json';

const CANARY = {
  hostFile: 'CANARY-BUILD-HOST-FILE-5b8e2d',
  environ: 'CANARY-BUILD-ENVIRON-71c3aa',
  cwdConfig: 'CANARY-BUILD-CWD-CONFIG-e0f4b9',
  outsidePackage: 'CANARY-BUILD-OUTSIDE-PACKAGE-c4d9a7', // test/attacks/build-exfil/secrets.json
  textLoader: 'CANARY-BUILD-TEXT-LOADER-6a1f0e', // the package's own notes.txt
  nativeAddon: 'CANARY-BUILD-NATIVE-ADDON-93e2c1', // the package's own addon.node
  defined: 'CANARY-BUILD-DEFINE-2f6b8c',
};
const ALL_CANARIES = Object.values(CANARY);

type Bundler = 'esbuild' | 'vite';

interface BuildResult {
  dir: string;
  ok: boolean;
  /** Every error text the bundler reported, joined. */
  error: string;
  stderr: string;
}

const BUILD_SCRIPT: Record<Bundler, string> = {
  esbuild: `
    import { build } from 'esbuild';
    import isolateDeps from 'isolate-deps/esbuild';
    const { define } = JSON.parse(process.argv[2]);
    try {
      await build({
        absWorkingDir: process.cwd(), entryPoints: ['src/app.js'], bundle: true, platform: 'node', format: 'esm',
        outfile: 'dist/app.mjs', logLevel: 'silent', tsconfigRaw: {}, define,
        plugins: [isolateDeps({ cacheDir: 'cache' })],
      });
      console.log(JSON.stringify({ ok: true, error: '' }));
    } catch (error) {
      console.log(JSON.stringify({ ok: false, error: [error.message, ...(error.errors ?? []).map((e) => e.text)].join('\\n') }));
    }
  `,
  vite: `
    import { build } from 'vite';
    import isolateDeps from 'isolate-deps/vite';
    const { define } = JSON.parse(process.argv[2]);
    try {
      await build({
        root: process.cwd(), configFile: false, logLevel: 'silent', define,
        plugins: [isolateDeps({ cacheDir: 'cache' })],
        build: { outDir: 'dist', emptyOutDir: true, lib: { entry: 'src/app.js', formats: ['es'], fileName: 'app' } },
      });
      console.log(JSON.stringify({ ok: true, error: '' }));
    } catch (error) {
      console.log(JSON.stringify({ ok: false, error: String(error.message) }));
    }
  `,
};

/**
 * Writes an app that imports `packages` (each linked into its node_modules, isolated with no grant) and
 * builds it in a fresh Node process, from the app's folder, with the canaries planted.
 */
function buildApp(name: string, bundler: Bundler, packages: Record<string, string>, source: string, policy?: Record<string, unknown>, env: Record<string, string> = {}): BuildResult {
  const dir = path.join(WORK, `${bundler}-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  mkdirSync(path.join(dir, 'node_modules'));
  for (const [pkg, folder] of Object.entries(packages)) symlinkSync(path.join(FIXTURES, folder), path.join(dir, 'node_modules', pkg));
  writeFileSync(path.join(dir, 'isolate-deps.policy.json'), JSON.stringify({ packages: policy ?? Object.fromEntries(Object.keys(packages).map((p) => [p, { isolate: true }])) }));
  writeFileSync(path.join(dir, 'src/app.js'), source);
  // The app's own configuration, which a package reaches through /proc/self/cwd.
  writeFileSync(path.join(dir, 'src/config.json'), JSON.stringify({ apiKey: CANARY.cwdConfig }));
  writeFileSync(path.join(dir, 'build.mjs'), BUILD_SCRIPT[bundler]);
  const define = {
    'process.env.BUILD_EXFIL_DEFINED': JSON.stringify(CANARY.defined),
    __BUILD_EXFIL_DEFINE__: JSON.stringify(CANARY.defined),
  };
  const child = spawnSync(process.execPath, ['build.mjs', JSON.stringify({ define })], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', BUILD_EXFIL_ENV_CANARY: CANARY.environ, BUILD_EXFIL_DEFINED: CANARY.defined, ...env },
    encoding: 'utf8',
    timeout: 600_000,
  });
  const lines = child.stdout.trim().split('\n');
  let parsed: { ok: boolean; error: string } = { ok: false, error: `no result (status ${child.status}): ${child.stderr}` };
  try {
    parsed = JSON.parse(lines[lines.length - 1] ?? '') as typeof parsed;
  } catch {
    // keep the "no result" error
  }
  return { dir, ...parsed, stderr: child.stderr };
}

/** Every file under the build's output folder and its component cache (the artifacts that ship or get reused). */
function artifactFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (folder: string) => {
    if (!existsSync(folder)) return;
    for (const entry of readdirSync(folder)) {
      const file = path.join(folder, entry);
      if (statSync(file).isDirectory()) walk(file);
      else files.push(file);
    }
  };
  walk(path.join(dir, 'dist'));
  walk(path.join(dir, 'cache'));
  return files;
}

function expectNoCanaryInArtifacts(dir: string) {
  for (const file of artifactFiles(dir)) {
    const bytes = readFileSync(file);
    for (const canary of ALL_CANARIES) expect(bytes.includes(canary), `${canary} in ${path.relative(dir, file)}`).toBe(false);
  }
}

interface Route {
  /** Fixture folder under test/attacks/build-exfil/ (the package is attack-build-<folder>). */
  folder: string;
  what: string;
  specifier: string;
  /** How the error names the importing file. */
  importer: string;
  bundler?: Bundler;
  /** Capabilities the policy entry acknowledges, so that the build reaches the guest bundle's own refusal. */
  reviewed?: string[];
}

const ROUTES: Route[] = [
  { folder: 'abs-path', what: 'an absolute path to a host file', specifier: HOST_SECRET_FILE, importer: 'abs-path/index.js' },
  { folder: 'proc-environ', what: '/proc/self/environ with a text import attribute', specifier: '/proc/self/environ', importer: 'proc-environ/index.js' },
  { folder: 'proc-cwd', what: "the app's config through /proc/self/cwd", specifier: '/proc/self/cwd/src/config.json', importer: 'proc-cwd/index.js' },
  { folder: 'dotdot', what: 'a relative path out of the package tree', specifier: '../secrets.json', importer: 'dotdot/index.js' },
  { folder: 'symlink', what: 'its own file that is a symlink to a file outside the package', specifier: './config.json', importer: 'symlink/index.js' },
  { folder: 'tsconfig-paths', what: 'a bare name its own tsconfig.json maps to a file outside the package', specifier: 'app-config', importer: 'tsconfig-paths/index.js' },
  { folder: 'file-url', what: 'a file: URL', specifier: `file://${HOST_SECRET_FILE}`, importer: 'file-url/index.js' },
  { folder: 'data-url', what: 'a data: URL', specifier: 'data:text/javascript,', importer: 'data-url/index.js' },
  { folder: 'text-loader', what: 'a non-JavaScript file (.txt)', specifier: './notes.txt', importer: 'text-loader/index.js' },
  // The analyzer refuses a package with a .node file before bundling; acknowledged, the guest bundle still refuses it.
  { folder: 'native-addon', what: 'a native addon (.node)', specifier: './addon.node', importer: 'native-addon/index.js', reviewed: ['native'] },
  { folder: 'guest-interface', what: "the guest environment's raw isolate:guest/boundary interface", specifier: 'isolate:guest/boundary', importer: 'guest-interface/index.js' },
  { folder: 'abs-path', what: 'an absolute path to a host file, through the vite plugin', specifier: HOST_SECRET_FILE, importer: 'abs-path/index.js', bundler: 'vite' },
  { folder: 'proc-environ', what: '/proc/self/environ, through the vite plugin', specifier: '/proc/self/environ', importer: 'proc-environ/index.js', bundler: 'vite' },
];

describe('build-time exfiltration: the guest bundle holds only the package, its dependencies and the guest environment', () => {
  setUpOrFail(() => {
    mkdirSync(path.dirname(HOST_SECRET_FILE), { recursive: true });
    writeFileSync(HOST_SECRET_FILE, JSON.stringify({ token: CANARY.hostFile }));
    rmSync(WORK, { recursive: true, force: true });
  });
  afterAll(() => {
    rmSync(path.dirname(HOST_SECRET_FILE), { recursive: true, force: true });
  });

  for (const route of ROUTES) {
    const bundler = route.bundler ?? 'esbuild';
    const pkg = `attack-build-${route.folder}`;
    it(`${bundler}: refuses ${route.what}, naming package, importer and specifier; no canary in the output or cache`, () => {
      const policy = { [pkg]: { isolate: true, ...(route.reviewed && { reviewed: route.reviewed }) } };
      const result = buildApp(route.folder, bundler, { [pkg]: route.folder }, `import { leaked } from '${pkg}';\nconsole.log(JSON.stringify(leaked()));\n`, policy);
      expectNoCanaryInArtifacts(result.dir);
      expect(result.ok, 'the build must fail').toBe(false);
      expect(result.error).toContain(`"${pkg}"`);
      expect(result.error).toContain(route.importer);
      expect(result.error).toContain(route.specifier);
      expect(result.error).toContain('ERR_GUEST_IMPORT_REFUSED');
    });
  }

  it('bundleGuest (the programmatic API) throws a GuestImportError with code ERR_GUEST_IMPORT_REFUSED', async () => {
    const dir = path.join(WORK, 'api-abs-path');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
    symlinkSync(path.join(FIXTURES, 'abs-path'), path.join(dir, 'node_modules', 'attack-build-abs-path'));
    const grant = { fs: { read: [], write: [] }, env: [], net: [], clock: true, random: true, console: true };
    const bundling = bundleGuest({ packageName: 'attack-build-abs-path', specifiers: ['attack-build-abs-path'], resolveDir: dir, grant, policyFileName: 'isolate-deps.policy.json', cwd: '/project' });
    await expect(bundling).rejects.toBeInstanceOf(GuestImportError);
    await expect(bundling).rejects.toMatchObject({ code: 'ERR_GUEST_IMPORT_REFUSED', message: expect.stringContaining(`"${HOST_SECRET_FILE}" (from attack-build-abs-path/index.js)`) });
  });

  it("esbuild: refuses the guest environment's config module (isolate-deps:guest-config) to package code", () => {
    const result = buildApp('guest-config', 'esbuild', { 'attack-build-guest-interface': 'guest-interface' }, `import { leaked } from 'attack-build-guest-interface';\nconsole.log(JSON.stringify(leaked()));\n`);
    expect(result.ok).toBe(false);
    expect(result.error).toContain('"attack-build-guest-interface"');
    expect(result.error).toContain('isolate-deps:guest-config');
    expectNoCanaryInArtifacts(result.dir);
  });

  it('esbuild: refuses a computed require() that esbuild expands over the folder above the package, naming package, importer, the expression and the file', () => {
    const result = buildApp('glob', 'esbuild', { 'attack-build-glob': 'glob' }, `import { leaked } from 'attack-build-glob';\nconsole.log(JSON.stringify(leaked('secrets')));\n`);
    expectNoCanaryInArtifacts(result.dir);
    expect(result.ok, 'the build must fail').toBe(false);
    expect(result.error).toContain('"attack-build-glob"');
    expect(result.error).toContain('glob/index.js:2:');
    expect(result.error).toContain("require('../' + name + '.json')");
    expect(result.error).toContain('build-exfil/secrets.json');
    expect(result.error).toContain('ERR_GUEST_IMPORT_REFUSED');
  });

  it("esbuild: inlines nothing from the build's environment or its define into the guest; the package reads nothing at run time", () => {
    const result = buildApp('define-env', 'esbuild', { 'attack-build-define-env': 'define-env' }, `import { leaked } from 'attack-build-define-env';\nconsole.log(JSON.stringify(leaked() ?? null));\n`);
    expect(result.ok, result.error).toBe(true);
    expectNoCanaryInArtifacts(result.dir);
    // Run with the same values in the environment: the package has no env grant, so it reads nothing.
    const run = spawnSync(process.execPath, ['dist/app.mjs'], { cwd: result.dir, env: { PATH: process.env.PATH ?? '', BUILD_EXFIL_ENV_CANARY: CANARY.environ, BUILD_EXFIL_DEFINED: CANARY.defined }, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(JSON.parse(lines[lines.length - 1]!)).toEqual({});
    for (const canary of ALL_CANARIES) expect(run.stdout + run.stderr).not.toContain(canary);
  });

  /** What each component in the build's cache says about when its package's top-level code runs. */
  const loadedAt = (dir: string) =>
    readdirSync(path.join(dir, 'cache'))
      .map((entry) => path.join(dir, 'cache', entry, 'meta.json'))
      .filter((file) => existsSync(file))
      .map((file) => (JSON.parse(readFileSync(file, 'utf8')) as { loadedAt: { when: string; why?: string } }).loadedAt);

  it("esbuild: top-level code the build runs (to snapshot the loaded package) gets nothing of the build host; what it got is what a run without grants gets", () => {
    const result = buildApp('load-time', 'esbuild', { 'attack-build-load-time': 'load-time' }, `import { leaked } from 'attack-build-load-time';\nconsole.log(JSON.stringify(leaked()));\n`);
    expect(result.ok, result.error).toBe(true);
    // Every read was refused by the guest itself, so the build could load the package: the snapshot holds these answers.
    expect(loadedAt(result.dir)).toEqual([{ when: 'build' }]);
    expectNoCanaryInArtifacts(result.dir);
    const run = spawnSync(process.execPath, ['dist/app.mjs'], { cwd: result.dir, env: { PATH: process.env.PATH ?? '', BUILD_EXFIL_ENV_CANARY: CANARY.environ }, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    for (const canary of ALL_CANARIES) expect(run.stdout + run.stderr).not.toContain(canary);
    const got = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(got.env).toBeUndefined(); // JSON leaves the key out
    expect(got).toMatchObject({ envKeys: [], envJson: '{}', cwd: '/project', listing: expect.stringMatching(/^refused: /), file: expect.stringMatching(/^refused: /), environ: expect.stringMatching(/^refused: /), config: expect.stringMatching(/^refused: /) });
    // The refusals the build recorded are reported when the run first calls the package.
    expect(run.stderr).toContain('denied env "BUILD_EXFIL_ENV_CANARY" to "attack-build-load-time"');
  });

  it('esbuild: with the variable granted, top-level code that reads it is not run at build time (the build notices the refused read) and reads the run\'s value', () => {
    const policy = { 'attack-build-load-time': { isolate: true, allow: { env: ['BUILD_EXFIL_ENV_CANARY'] } } };
    const result = buildApp('load-time-granted', 'esbuild', { 'attack-build-load-time': 'load-time' }, `import { leaked } from 'attack-build-load-time';\nconsole.log(JSON.stringify(leaked()));\n`, policy);
    expect(result.ok, result.error).toBe(true);
    expect(loadedAt(result.dir)).toEqual([{ when: 'first call', why: expect.stringContaining('env.get') }]);
    expectNoCanaryInArtifacts(result.dir);
    const run = spawnSync(process.execPath, ['dist/app.mjs'], { cwd: result.dir, env: { PATH: process.env.PATH ?? '', BUILD_EXFIL_ENV_CANARY: 'the-run-value' }, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    for (const canary of ALL_CANARIES) expect(run.stdout + run.stderr).not.toContain(canary);
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toMatchObject({ env: 'the-run-value', envKeys: ['BUILD_EXFIL_ENV_CANARY'] });
  });

  it('esbuild: top-level code that never finishes stops the build job at its time limit, with its Wizer process, and fails the build', () => {
    const tmp = path.join(WORK, 'load-forever-tmp');
    mkdirSync(tmp, { recursive: true });
    const limitMs = 60_000;
    const started = Date.now();
    // TMPDIR: the build's scratch folders (and so Wizer's command line) are under a folder only this build uses.
    const result = buildApp('load-forever', 'esbuild', { 'attack-build-load-forever': 'load-forever' }, `import { leaked } from 'attack-build-load-forever';\nconsole.log(leaked());\n`, undefined, { ISOLATE_DEPS_BUILD_TIMEOUT_MS: String(limitMs), TMPDIR: tmp });
    expect(result.ok, 'the build must fail').toBe(false);
    expect(result.error).toContain('a build job was stopped after 60 s');
    expect(result.error).toContain('attack-build-load-forever');
    expect(Date.now() - started).toBeGreaterThanOrEqual(limitMs);
    const left = readdirSync('/proc').filter((pid) => /^\d+$/.test(pid)).filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(tmp);
      } catch {
        return false;
      }
    });
    expect(left, 'no build process of this build is left running').toEqual([]);
  });

  it('esbuild: an honest package with its own JSON (import attribute) and a real dependency still builds and works, and so does a pnpm-installed package with nested dependencies and JSON tables', () => {
    const source = [
      `import { describe as say } from 'build-honest';`,
      `import iconv from 'iconv-lite';`,
      `console.log(JSON.stringify({ honest: say('day'), sjis: iconv.decode(new Uint8Array([0x82, 0xa0]), 'shift_jis') }));`,
      '',
    ].join('\n');
    const result = buildApp('honest', 'esbuild', { 'build-honest': 'honest' }, source, { 'build-honest': { isolate: true }, 'iconv-lite': { isolate: true } });
    expect(result.ok, result.error).toBe(true);
    const run = spawnSync(process.execPath, ['dist/app.mjs'], { cwd: result.dir, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(JSON.parse(lines[lines.length - 1]!)).toEqual({ honest: 'day lasts 1d', sjis: 'あ' });
  });
});
