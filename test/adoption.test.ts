/**
 * The adoption walkthrough, as a new user meets the tool: a fresh app made from the packed tarball, `npm i`,
 * `init` (it proposes isolating yaml and marked), the esbuild plugin, a first build that prints progress, a run
 * whose denials `suggest` turns into grants, a rebuild with no denials, and `audit` exiting 0. Packages that can
 * never run isolated (cross-spawn starts processes, utf-8-validate is a native addon) are refused before compiling.
 * The app uses its own fresh machine-wide cache (XDG_CACHE_HOME), so its builds compile: budgeted below.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/app.ts';
import { setUpOrFail } from './support/setup.ts';

const BUILD_MS = 600_000;

describe('adopting isolate-deps in an existing app', () => {
  let project: string;
  let env: NodeJS.ProcessEnv;
  const npx = (args: string[], extra: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> =>
    spawnSync(process.execPath, [path.join(project, 'node_modules/isolate-deps/dist/cli.js'), ...args], { cwd: project, encoding: 'utf8', env: { ...env, ...extra }, timeout: BUILD_MS });
  const node = (args: string[], extra: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> => spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', env: { ...env, ...extra }, timeout: BUILD_MS });
  const policy = () => JSON.parse(readFileSync(path.join(project, 'isolate-deps.policy.json'), 'utf8'));

  setUpOrFail(() => {
    const packDir = mkdtempSync(path.join(tmpdir(), 'adoption-pack-'));
    execFileSync('npx', ['-y', 'pnpm@10.34.0', 'pack', '--pack-destination', packDir], { cwd: path.join(REPO, 'packages/isolate-deps'), stdio: 'pipe' });
    const tarball = path.join(packDir, readdirSync(packDir).find((f) => f.endsWith('.tgz'))!);
    project = mkdtempSync(path.join(tmpdir(), 'adoption-app-'));
    const { ISOLATE_DEPS_CACHE_DIR: _unset, ...base } = process.env;
    env = { ...base, XDG_CACHE_HOME: mkdtempSync(path.join(tmpdir(), 'adoption-cache-')), NO_COLOR: '1' };
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({
        name: 'adoption-app',
        private: true,
        type: 'module',
        dependencies: { yaml: '2.9.1', marked: '15.0.12', semver: '7.8.6', lodash: '4.18.1', ajv: '8.20.0' },
        devDependencies: { esbuild: '0.28.2', 'isolate-deps': `file:${tarball}`, 'cross-spawn': '7.0.6', 'utf-8-validate': '6.0.6' },
      }),
    );
    mkdirSync(path.join(project, 'src'));
    writeFileSync(
      path.join(project, 'src/app.js'),
      [
        `import YAML from 'yaml';`,
        `import { marked } from 'marked';`,
        `import semver from 'semver';`,
        `import _ from 'lodash';`,
        `const docs = [1, 2, 3].map((n) => YAML.parse('n: ' + n + '\\nlist: [a, b]\\n'));`,
        `const html = marked.parse('# Title\\n\\n*hi*');`,
        `console.log(JSON.stringify({ docs, html, ok: semver.satisfies('1.2.3', '^1'), sum: _.sum([1, 2]), violations: globalThis.violations ?? [] }));`,
      ].join('\n'),
    );
    // The README's onViolation example: one event per package, capability and target, its count growing.
    writeFileSync(path.join(project, 'src/report.js'), `export default (v) => { (globalThis.violations ??= []).push(v); };\n`);
    writeFileSync(
      path.join(project, 'build.mjs'),
      [
        `import { build } from 'esbuild';`,
        `import isolateDeps from 'isolate-deps/esbuild';`,
        `const policy = process.env.POLICY ?? 'isolate-deps.policy.json';`,
        `await build({ entryPoints: ['src/app.js'], bundle: true, platform: 'node', format: 'esm', outfile: 'dist/app.mjs', logLevel: 'info', plugins: [isolateDeps({ policy, onViolation: './src/report.js' })] }).catch(() => process.exit(1));`,
      ].join('\n'),
    );
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, stdio: 'pipe', timeout: 600_000, env });
  }, 900_000);

  it('init proposes isolating yaml and marked, with reasons, and writes $schema', () => {
    const init = npx(['init']);
    expect(init.status, init.stderr).toBe(0);
    const proposed = init.stdout.split('Isolated ("isolate": true)')[1]!.split('\n\n')[0]!;
    expect(proposed).toMatch(/^ {2}\d\. yaml +handles untrusted input \("yaml" in its description\); reads env LOG_STREAM, LOG_TOKENS$/m);
    expect(proposed).toMatch(/^ {2}\d\. marked +handles untrusted input \("markdown" in its description\)/m);
    // isolate-deps' own toolchain (componentize-js, jco, typescript, esbuild) and the dev dependencies are never in it.
    expect(init.stdout).toMatch(/of \d+ production dependencies/);
    const written = policy();
    expect(written.$schema).toBe('./node_modules/isolate-deps/policy.schema.json');
    expect(written.packages.yaml).toEqual({ isolate: true });
    expect(written.packages.marked).toEqual({ isolate: true });
    expect(Object.keys(written.packages).filter((k) => /componentize|jco|typescript|esbuild|cross-spawn/.test(k))).toEqual([]);
  });

  it('review: the user keeps yaml and marked isolated and leaves semver native, recording what it reads', () => {
    const reviewed = policy();
    reviewed.packages.semver = { reviewed: ['env'] };
    writeFileSync(path.join(project, 'isolate-deps.policy.json'), `${JSON.stringify(reviewed, null, 2)}\n`);
  });

  it('the first build prints each package it isolates, with its time', () => {
    const built = node(['build.mjs']);
    expect(built.status, built.stderr).toBe(0);
    expect(built.stderr).toMatch(/^isolate-deps: isolating yaml@2\.9\.1 \([12]\/2\): bundling, componentizing, reading its exports…$/m);
    expect(built.stderr).toMatch(/^isolate-deps: isolated marked@15\.0\.12 \([12]\/2\) in \d+\.\d s$/m);
  }, BUILD_MS);

  it('a run shows each denial once with the JSON to add; suggest turns them into grants', () => {
    const run = node(['dist/app.mjs']);
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.docs[2]).toEqual({ n: 3, list: ['a', 'b'] });
    // Three parses read LOG_TOKENS three times: one event, counted; one stderr line.
    const tokens = out.violations.filter((v: { target: string }) => v.target === 'LOG_TOKENS');
    expect(tokens).toHaveLength(1);
    expect(tokens[0].count).toBeGreaterThanOrEqual(3);
    expect(run.stderr.split('\n').filter((l) => l.includes('"LOG_TOKENS"'))).toEqual([
      'isolate-deps: denied env "LOG_TOKENS" to "yaml" (not granted in isolate-deps.policy.json; to allow it, add "env": ["LOG_TOKENS"] to packages.yaml.allow, or run `npx isolate-deps suggest` to collect every grant a run needs)',
    ]);

    const suggest = npx(['suggest', '--write', '--', process.execPath, 'dist/app.mjs']);
    expect(suggest.status, suggest.stderr).toBe(0);
    expect(suggest.stdout).toMatch(/^yaml \("yaml"\)\n {2}\+ "env": \[[^\]]*"LOG_TOKENS"[^\]]*\] {2}\(\d+ denied attempts?\)$/m);
    // The diff adds yaml's "allow" as one line below its "isolate"; the rest of the file is unchanged.
    expect(suggest.stdout).toMatch(/^\+ {6}"allow": \{ "env": \[(?:"LOG_STREAM", )?"LOG_TOKENS"\] \}$/m);
    expect(policy().packages.yaml.allow.env).toContain('LOG_TOKENS');
    expect(policy().packages.marked).toEqual({ isolate: true });
  });

  it('the rebuild runs with no denials, and audit exits 0', () => {
    const built = node(['build.mjs']);
    expect(built.status, built.stderr).toBe(0);
    const run = node(['dist/app.mjs']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('isolate-deps: denied');
    expect(JSON.parse(run.stdout).violations).toEqual([]);
    const audit = npx(['audit']);
    expect(audit.stdout).toMatch(/packages audited against policy isolate-deps\.policy\.json \(production dependencies, \d+ other installed packages left out; .*\): 0 errors/);
    expect(audit.status, audit.stdout).toBe(0);
    // From a subfolder too: the project is found above.
    expect(spawnSync(process.execPath, [path.join(project, 'node_modules/isolate-deps/dist/cli.js'), 'audit'], { cwd: path.join(project, 'src'), env, encoding: 'utf8' }).status).toBe(0);
  }, BUILD_MS);

  it.each([
    ['cross-spawn', /cross-spawn@7\.0\.6 cannot run isolated: starts processes \(child_process\)[^]*node_modules\/cross-spawn\/index\.js:\d+ {2}child_process\.spawn/],
    ['utf-8-validate', /utf-8-validate@6\.0\.6 cannot run isolated: loads a native addon \(\.node\)[^]*node_modules\/utf-8-validate\/(binding\.gyp|prebuilds\/)/],
  ])('%s, which can never run isolated, is refused before compiling, in under 5 s', (name, error) => {
    writeFileSync(path.join(project, 'impossible.policy.json'), JSON.stringify({ packages: { [name]: { isolate: true } } }));
    writeFileSync(path.join(project, 'src/impossible.js'), `import m from '${name}';\nconsole.log(typeof m);\n`);
    const started = Date.now();
    const built = spawnSync(
      process.execPath,
      ['-e', `import('esbuild').then(({ build }) => import('isolate-deps/esbuild').then(({ default: isolateDeps }) => build({ entryPoints: ['src/impossible.js'], bundle: true, platform: 'node', format: 'esm', outfile: 'dist/impossible.mjs', logLevel: 'error', plugins: [isolateDeps({ policy: 'impossible.policy.json' })] }))).catch(() => process.exit(1));`],
      { cwd: project, encoding: 'utf8', env, timeout: 120_000 },
    );
    const wallMs = Date.now() - started;
    expect(built.status).toBe(1);
    expect(built.stderr).toMatch(error);
    expect(built.stderr).toContain(`Fix: remove "isolate" from "${name}" in impossible.policy.json`);
    const analyzerMs = Number(/found by the analyzer in (\d+) ms, before compiling/.exec(built.stderr)?.[1]);
    expect(analyzerMs).toBeLessThan(5000);
    // The whole build process (Node start, esbuild, the scan) on a loaded machine: generous, but far from a compilation.
    expect(wallMs).toBeLessThan(60_000);
    expect(built.stderr).not.toMatch(/\n\s+at .*(isolate-deps|plugin-core)/);
  });
});
