import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './support/app.ts';

// The published package, installed by npm into a project outside the workspace, with no workspace links.
describe('the packed isolate-deps tarball', () => {
  let project: string;

  beforeAll(() => {
    const packDir = mkdtempSync(path.join(tmpdir(), 'isolate-pack-'));
    execFileSync('npx', ['-y', 'pnpm@10.34.0', 'pack', '--pack-destination', packDir], { cwd: path.join(REPO, 'packages/isolate-deps'), stdio: 'pipe' });
    const tarball = path.join(packDir, readdirSync(packDir).find((f) => f.endsWith('.tgz'))!);
    project = mkdtempSync(path.join(tmpdir(), 'isolate-npm-project-'));
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'npm-project', private: true, type: 'module', dependencies: { yaml: '2.9.1' }, devDependencies: { esbuild: '^0.28.0', 'isolate-deps': `file:${tarball}` } }),
    );
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, stdio: 'pipe', timeout: 600_000 });
  }, 900_000);

  it('has no workspace links in its manifest', () => {
    const manifest = execFileSync('node', ['-p', "JSON.stringify(require('isolate-deps/package.json'))"], { cwd: project, encoding: 'utf8' });
    expect(manifest).not.toContain('workspace:');
  });

  it('builds and runs an app with an isolated package from a fresh cache', () => {
    writeFileSync(path.join(project, 'isolate-deps.policy.json'), JSON.stringify({ $schema: './node_modules/isolate-deps/policy.schema.json', packages: { yaml: { isolate: true } } }));
    mkdirSync(path.join(project, 'src'));
    writeFileSync(path.join(project, 'src/app.js'), `import { parse } from 'yaml';\nconsole.log(JSON.stringify(parse('from: tarball\\nlist: [1, 2]')));\n`);
    writeFileSync(
      path.join(project, 'build.mjs'),
      `import { build } from 'esbuild';\nimport isolateDeps from 'isolate-deps/esbuild';\nawait build({ entryPoints: ['src/app.js'], bundle: true, platform: 'node', format: 'esm', outfile: 'dist/app.mjs', plugins: [isolateDeps()] });\n`,
    );
    const built = spawnSync('node', ['build.mjs'], { cwd: project, encoding: 'utf8', timeout: 300_000 });
    expect(built.status, built.stderr).toBe(0);
    const run = spawnSync('node', [path.join(project, 'dist/app.mjs')], { cwd: '/', encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    // yaml probes LOG_TOKENS; with no env grant that read is refused and reported, once.
    expect(run.stderr).toBe('isolate-deps: denied env "LOG_TOKENS" to "yaml" (not granted in isolate-deps.policy.json; further env denials for it are not repeated)\n');
    expect(JSON.parse(run.stdout)).toEqual({ from: 'tarball', list: [1, 2] });
  });
});
