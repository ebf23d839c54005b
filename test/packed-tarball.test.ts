import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { setUpOrFail } from './support/setup.ts';
import { REPO } from './support/app.ts';
import { installedClosure, MB } from '../bench/footprint-measure.mjs';
import { linkedFiles, relativeLinks } from '../packages/isolate-deps/shipped-docs.mjs';

/** Issue 14: what `npm i -D isolate-deps` adds (bench:footprint prints the table). */
const FOOTPRINT_BOUND_MB = 150;

// The published package, installed by npm into a project outside the workspace, with no workspace links.
describe('the packed isolate-deps tarball', () => {
  let project: string;

  setUpOrFail(() => {
    const packDir = mkdtempSync(path.join(tmpdir(), 'isolate-pack-'));
    execFileSync('npx', ['-y', 'pnpm@10.34.0', 'pack', '--pack-destination', packDir], { cwd: path.join(REPO, 'packages/isolate-deps'), stdio: 'pipe' });
    const tarball = path.join(packDir, readdirSync(packDir).find((f) => f.endsWith('.tgz'))!);
    project = mkdtempSync(path.join(tmpdir(), 'isolate-npm-project-'));
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({
        name: 'npm-project',
        private: true,
        type: 'module',
        dependencies: { yaml: '2.9.1' },
        devDependencies: { esbuild: '^0.28.0', vite: '8.3.8', '@types/node': '^20.17.0', 'isolate-deps': `file:${tarball}` },
      }),
    );
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, stdio: 'pipe', timeout: 600_000 });
  }, 900_000);

  it('ships the README and the LICENSE', () => {
    const installed = path.join(project, 'node_modules/isolate-deps');
    expect(readFileSync(path.join(installed, 'README.md'), 'utf8')).toBe(readFileSync(path.join(REPO, 'README.md'), 'utf8'));
    expect(readFileSync(path.join(installed, 'LICENSE'), 'utf8')).toContain('Apache License');
  });

  it('ships every file its README links to: each relative link, followed from doc to doc, opens a file in the package', () => {
    const installed = path.join(project, 'node_modules/isolate-deps');
    const links = relativeLinks(readFileSync(path.join(installed, 'README.md'), 'utf8'));
    expect(links).toEqual(expect.arrayContaining(['docs/usage.md', 'bench/README.md#scale', 'SECURITY.md']));
    // Throws, naming the document and the link, when a link leads to no file of the installed package.
    expect(linkedFiles(installed)).toEqual(expect.arrayContaining(['README.md', 'SECURITY.md', 'bench/README.md', 'docs/usage.md', 'docs/adoption.md']));
  });

  it(`adds at most ${FOOTPRINT_BOUND_MB} MB to node_modules`, () => {
    // The app's own vite, esbuild and yaml are not counted: only what isolate-deps and its dependencies bring.
    const closure = installedClosure(project, 'isolate-deps');
    const megabytes = closure.reduce((sum, p) => sum + p.bytes, 0) / MB;
    const largest = closure.slice(0, 5).map((p) => `${p.name} ${(p.bytes / MB).toFixed(1)} MB`).join(', ');
    expect(megabytes, `largest: ${largest}`).toBeLessThanOrEqual(FOOTPRINT_BOUND_MB);
    // The build-only toolchain that used to come with componentize-js must stay out.
    expect(closure.map((p) => p.name)).not.toContain('binaryen');
    expect(closure.map((p) => p.name)).not.toContain('@bytecodealliance/jco');
  });

  it('has no workspace links in its manifest', () => {
    const manifest = execFileSync('node', ['-p', "JSON.stringify(require('isolate-deps/package.json'))"], { cwd: project, encoding: 'utf8' });
    expect(manifest).not.toContain('workspace:');
  });

  it('builds and runs an app with an isolated package from a fresh machine-wide cache (XDG_CACHE_HOME)', () => {
    writeFileSync(path.join(project, 'isolate-deps.policy.json'), JSON.stringify({ $schema: './node_modules/isolate-deps/policy.schema.json', packages: { yaml: { isolate: true } } }));
    mkdirSync(path.join(project, 'src'), { recursive: true });
    writeFileSync(path.join(project, 'src/app.js'), `import { parse } from 'yaml';\nconsole.log(JSON.stringify(parse('from: tarball\\nlist: [1, 2]')));\n`);
    writeFileSync(
      path.join(project, 'build.mjs'),
      `import { build } from 'esbuild';\nimport isolateDeps from 'isolate-deps/esbuild';\nawait build({ entryPoints: ['src/app.js'], bundle: true, platform: 'node', format: 'esm', outfile: 'dist/app.mjs', plugins: [isolateDeps()] });\n`,
    );
    const cacheHome = mkdtempSync(path.join(tmpdir(), 'xdg-cache-'));
    const { ISOLATE_DEPS_CACHE_DIR: _ignored, ...env } = process.env;
    const built = spawnSync('node', ['build.mjs'], { cwd: project, encoding: 'utf8', timeout: 300_000, env: { ...env, XDG_CACHE_HOME: cacheHome } });
    expect(built.status, built.stderr).toBe(0);
    // The component went to the user's cache, not into the project.
    expect(readdirSync(path.join(cacheHome, 'isolate-deps')).filter((f) => /^[0-9a-f]{32}$/.test(f))).toHaveLength(1);
    expect(existsSync(path.join(project, 'node_modules/.cache/isolate-deps'))).toBe(false);
    const run = spawnSync('node', [path.join(project, 'dist/app.mjs')], { cwd: '/', encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    // yaml probes LOG_TOKENS and LOG_STREAM; with no env grant each read is refused and reported, once per name.
    expect(run.stderr).toBe(
      'isolate-deps: denied env "LOG_TOKENS" to "yaml" (not granted in isolate-deps.policy.json; to allow it, add "env": ["LOG_TOKENS"] to packages.yaml.allow, or run `npx isolate-deps suggest` to collect every grant a run needs)\n' +
        'isolate-deps: denied env "LOG_STREAM" to "yaml" (not granted in isolate-deps.policy.json; to allow it, add "env": ["LOG_STREAM"] to packages.yaml.allow, or run `npx isolate-deps suggest` to collect every grant a run needs)\n',
    );
    expect(JSON.parse(run.stdout)).toEqual({ from: 'tarball', list: [1, 2] });
  });

  // The repo's tsc, run on the project: it sees only the installed package's dist/types and esbuild's and vite's own types.
  it.each([
    { moduleResolution: 'node16', module: 'node16' },
    { moduleResolution: 'bundler', module: 'preserve' },
  ])('type-checks a TypeScript user of every entry point (moduleResolution $moduleResolution)', ({ moduleResolution, module }) => {
    mkdirSync(path.join(project, 'src'), { recursive: true });
    writeFileSync(path.join(project, 'src/uses-types.ts'), TYPED_USER);
    const tsconfig = `tsconfig.${moduleResolution}.json`;
    writeFileSync(
      path.join(project, tsconfig),
      JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module, moduleResolution, noEmit: true, skipLibCheck: false, types: ['node'] }, files: ['src/uses-types.ts'] }),
    );
    const checked = spawnSync('node', [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], { cwd: project, encoding: 'utf8', timeout: 120_000 });
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.status).toBe(0);
  });
});

/** Typed options, the runtime API and the error classes; the @ts-expect-error lines fail the check if the types were `any`. */
const TYPED_USER = `import { build } from 'esbuild';
import { defineConfig } from 'vite';
import isolateDeps, { type IsolateDepsOptions } from 'isolate-deps/esbuild';
import isolateDepsVite from 'isolate-deps/vite';
import { CapabilityDeniedError, IsolateTimeoutError, onEvent, onViolation, type IsolateEvent, type Violation } from 'isolate-deps/runtime';
import { onViolation as onPageViolation } from 'isolate-deps/browser';
import { loadPolicy, PolicyError, type IsolationOptions, type Policy } from 'isolate-deps';

const options: IsolateDepsOptions = { policy: 'isolate-deps.policy.json', cacheDir: '.cache', onViolation: './src/report.js', onCompiled: (compiled) => console.log(compiled.name, compiled.cacheHit) };
await build({ entryPoints: ['src/app.js'], bundle: true, plugins: [isolateDeps(options)] });
export default defineConfig({ plugins: [isolateDepsVite({ cacheDir: '.cache' } satisfies IsolationOptions)] });

// @ts-expect-error cacheDir is a path
isolateDeps({ cacheDir: 42 });
// @ts-expect-error no such option
isolateDepsVite({ polcy: 'isolate-deps.policy.json' });

const unsubscribe: () => void = onEvent((event: IsolateEvent) => {
  if (event.type === 'call') console.log(event.package, event.durationUs.toFixed(1));
  // @ts-expect-error a denial event has no duration
  else if (event.type === 'denial') console.log(event.durationUs);
});
unsubscribe();
onViolation((violation: Violation) => console.log(violation.package, violation.capability, violation.target));
onPageViolation((violation) => console.log(violation.capability));

try {
  const policy: Policy = loadPolicy('isolate-deps.policy.json');
  console.log(Object.keys(policy.packages));
} catch (error) {
  if (error instanceof PolicyError) console.log(error.code satisfies 'ERR_POLICY_INVALID', error.jsonPath, error.expected);
  else if (error instanceof CapabilityDeniedError || error instanceof IsolateTimeoutError) console.log(error.code.startsWith('ERR_'));
}
`;

describe('the links the packed README follows', () => {
  it('are the relative links of its prose: not URLs, in-page anchors or code', () => {
    const markdown = [
      'See [usage](docs/usage.md#vite), [the site](https://example.com/x.md), [top](#limits) and ![a chart](bench/chart%20one.svg "Chart").',
      '`fn[0](docs/in-a-code-span.md)`',
      '```js',
      'const f = handlers[0](docs/in-a-fence.md);',
      '```',
      '[security]: SECURITY.md',
      '[mail]: mailto:security@example.com',
    ].join('\n');
    expect(relativeLinks(markdown)).toEqual(['docs/usage.md#vite', 'bench/chart%20one.svg', 'SECURITY.md']);
  });
});
