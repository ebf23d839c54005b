/**
 * What the plugins tell the person running the build: before it starts, when the policy protects less than
 * it seems to (it isolates nothing, or a package that is not installed); while it runs, each package's
 * progress, at the bundler's info level.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import isolateDeps from 'isolate-deps/esbuild';
import isolateDepsVite from 'isolate-deps/vite';
import { build as viteBuild, createLogger } from 'vite';
import { describe, expect, it } from 'vitest';
import { CACHE_DIR, REPO } from './support/app.ts';

function project(name: string, policy: unknown): string {
  const dir = path.join(REPO, 'test/.work', `warnings-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `warnings-${name}`, private: true, type: 'module', dependencies: { yaml: '2.9.1', marked: '15.0.12' } }));
  writeFileSync(path.join(dir, 'isolate-deps.policy.json'), JSON.stringify(policy));
  writeFileSync(path.join(dir, 'app.js'), `console.log('app');\n`);
  writeFileSync(path.join(dir, 'index.html'), `<script type="module" src="./app.js"></script>\n`);
  return dir;
}

async function esbuildWarnings(dir: string): Promise<string[]> {
  const result = await build({ absWorkingDir: dir, entryPoints: ['app.js'], bundle: true, write: false, logLevel: 'silent', plugins: [isolateDeps({ cacheDir: CACHE_DIR })] });
  return result.warnings.map((w) => w.text);
}

async function viteWarnings(dir: string): Promise<string[]> {
  const warnings: string[] = [];
  const logger = createLogger('silent');
  logger.warn = (message) => void warnings.push(message);
  await viteBuild({ root: dir, configFile: false, customLogger: logger, logLevel: 'silent', plugins: [isolateDepsVite({ cacheDir: CACHE_DIR })], build: { outDir: path.join(dir, 'dist'), write: false } });
  return warnings;
}

describe('policy warnings before the build', () => {
  it('warns that a policy which isolates nothing gives a native build', async () => {
    const dir = project('nothing', { packages: { yaml: { isolate: false } } });
    const expected = 'isolate-deps: isolate-deps.policy.json isolates no package, so this build is native. Mark a dependency with "isolate": true (npx isolate-deps init proposes which).';
    expect(await esbuildWarnings(dir)).toEqual([expected]);
    expect(await viteWarnings(dir)).toEqual([expected]);
  });

  it('warns about an isolated package that is not installed, with the declared dependency it was likely meant to be', async () => {
    const dir = project('typo', { packages: { yamll: { isolate: true }, 'left-pad-nowhere': { isolate: true } } });
    const expected = [
      'isolate-deps: isolate-deps.policy.json isolates "yamll", which is not installed, so it protects nothing (did you mean "yaml"?).',
      'isolate-deps: isolate-deps.policy.json isolates "left-pad-nowhere", which is not installed, so it protects nothing.',
    ];
    expect(await esbuildWarnings(dir)).toEqual(expected);
    expect(await viteWarnings(dir)).toEqual(expected);
  });

  it('says nothing when every isolated package is installed', async () => {
    const dir = project('clean', { packages: { yaml: { isolate: true } } });
    expect(await esbuildWarnings(dir)).toEqual([]);
  });
});

describe('progress while isolating', () => {
  const script = (logLevel: string) => `
    import { build } from 'esbuild';
    import isolateDeps from 'isolate-deps/esbuild';
    await build({ entryPoints: ['app.js'], bundle: true, platform: 'node', format: 'esm', outfile: 'dist/app.mjs', logLevel: '${logLevel}',
      plugins: [isolateDeps({ cacheDir: ${JSON.stringify(CACHE_DIR)} })] });
  `;
  const runBuild = (dir: string, logLevel: string) => {
    writeFileSync(path.join(dir, 'build.mjs'), script(logLevel));
    return spawnSync(process.execPath, ['build.mjs'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  };

  it('prints each package\'s start and time at logLevel "info", as esbuild prints its own lines', () => {
    const dir = project('progress', { packages: { yaml: { isolate: true }, marked: { isolate: true } } });
    writeFileSync(path.join(dir, 'app.js'), `import { parse } from 'yaml';\nimport { marked } from 'marked';\nconsole.log(parse('a: 1'), marked('x'));\n`);
    const { status, stderr } = runBuild(dir, 'info');
    expect(status, stderr).toBe(0);
    expect(stderr).toMatch(/^isolate-deps: isolating yaml@2\.9\.1 \([12]\/2\): bundling, componentizing, reading its exports…$/m);
    expect(stderr).toMatch(/^isolate-deps: isolated yaml@2\.9\.1 \([12]\/2\) in \d+\.\d s( \(from the cache\))?$/m);
    expect(stderr).toMatch(/^isolate-deps: isolated marked@15\.0\.12 \([12]\/2\) in \d+\.\d s/m);
  });

  it('prints nothing at logLevel "silent"', () => {
    const dir = project('progress-silent', { packages: { yaml: { isolate: true } } });
    writeFileSync(path.join(dir, 'app.js'), `import { parse } from 'yaml';\nconsole.log(parse('a: 1'));\n`);
    const { status, stderr } = runBuild(dir, 'silent');
    expect(status, stderr).toBe(0);
    expect(stderr).toBe('');
  });
});
