import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Format } from 'esbuild';
import isolateDeps from 'isolate-deps/esbuild';
import type { CompiledPackage } from 'isolate-deps';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** Shared by every test: a component is built once per run (and reused across runs). */
export const CACHE_DIR = path.join(REPO, 'test/.cache/components');
/**
 * Fixtures that play a guest which subverted its guest environment: they call the host interfaces
 * (isolate:guest/*) directly, to attack the host's own checks (see SECURITY.md).
 */
export const HOSTILE_GUESTS = ['misbehaving', 'attack-net-abuse', 'hostile-guest'];
const WORK = path.join(REPO, 'test/.work');

export interface BuiltApp {
  dir: string;
  outfile: string;
  compiled: CompiledPackage[];
}

/** Writes a tiny app (policy + source) under test/.work/<name> and bundles it with the plugin. */
export async function buildApp(
  name: string,
  options: { policy: unknown; source: string; format?: Format; files?: Record<string, string>; plugin?: Record<string, unknown>; keepOutput?: boolean },
): Promise<BuiltApp> {
  const dir = path.join(WORK, name);
  // keepOutput: rebuild over the previous build's output, as a user's next build does.
  if (!options.keepOutput) rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  writeFileSync(path.join(dir, 'isolate-deps.policy.json'), JSON.stringify(options.policy, null, 2));
  writeFileSync(path.join(dir, 'src/app.js'), options.source);
  for (const [file, content] of Object.entries(options.files ?? {})) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  const format = options.format ?? 'esm';
  const outfile = path.join(dir, 'dist', format === 'esm' ? 'app.mjs' : 'app.cjs');
  const compiled: CompiledPackage[] = [];
  await build({
    absWorkingDir: dir,
    entryPoints: ['src/app.js'],
    bundle: true,
    platform: 'node',
    format,
    outfile,
    logLevel: 'silent',
    // The repo's tsconfig maps isolate-deps/* to workspace sources (for typechecking); a built app must import
    // the same runtime copy as the plugin's generated code, so it reads no tsconfig from above its folder.
    tsconfigRaw: {},
    plugins: [isolateDeps({ cacheDir: CACHE_DIR, hostInterfacesFromPackages: HOSTILE_GUESTS, onCompiled: (c) => compiled.push(c), ...options.plugin })],
  });
  // Under `vitest run`, test/setup/prebuild.ts has compiled every component the suite needs, once, up front.
  const compiledHere = compiled.filter((c) => !c.cacheHit).map((c) => c.name);
  if (process.env.ISOLATE_DEPS_TEST_PREBUILT && !options.plugin?.cacheDir && compiledHere.length > 0) {
    throw new Error(`buildApp("${name}") had to compile ${compiledHere.join(', ')}: add the policy entry to test/setup/prebuild.ts so it is built once, before the tests`);
  }
  return { dir, outfile, compiled };
}

export interface RunResult {
  stdout: string;
  stderr: string;
  status: number | null;
  /** The app's last stdout line parsed as JSON (apps print their results that way). */
  result: any;
}

/** Runs a built app in a fresh Node process, from its own folder. */
export function runApp(app: BuiltApp, env: Record<string, string> = {}, cwd = app.dir): RunResult {
  const child = spawnSync(process.execPath, [app.outfile], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 60_000 });
  const lines = child.stdout.trim().split('\n');
  let result: unknown;
  try {
    result = JSON.parse(lines[lines.length - 1] ?? 'null');
  } catch {
    result = undefined;
  }
  return { stdout: child.stdout, stderr: child.stderr, status: child.status, result };
}

/** Like runApp, without blocking this process (tests that serve HTTP to the app need their event loop). */
export function runAppAsync(app: BuiltApp, env: Record<string, string> = {}, args: string[] = []): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [app.outfile, ...args], { cwd: app.dir, env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      const lines = stdout.trim().split('\n');
      let result: unknown;
      try {
        result = JSON.parse(lines[lines.length - 1] ?? 'null');
      } catch {
        result = undefined;
      }
      resolve({ stdout, stderr, status, result });
    });
  });
}
