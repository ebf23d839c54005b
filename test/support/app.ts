import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
  /** Components compiled by the plugin (the bundle delivery only). */
  compiled: CompiledPackage[];
  /** Node options and environment the app runs with (the register delivery: the hook and the shared cache). */
  nodeArgs?: string[];
  env?: Record<string, string>;
}

/** How an app gets its isolated packages: bundled by the esbuild plugin, or unbundled under `node --import isolate-deps/register`. */
export type Delivery = 'bundle' | 'register';
export const DELIVERIES: Delivery[] = ['bundle', 'register'];
export const REGISTER_HOOK = pathToFileURL(path.join(REPO, 'packages/isolate-deps/dist/register.js')).href;
export const CLI = path.join(REPO, 'packages/isolate-deps/dist/cli.js');

interface AppOptions {
  policy: unknown;
  source: string;
  format?: Format;
  files?: Record<string, string>;
  plugin?: Record<string, unknown>;
  delivery?: Delivery;
  /** Rebuild over the previous build's output, as a user's next build does. */
  keepOutput?: boolean;
}

/** Writes a tiny app (policy + source) under test/.work/<name> and bundles it with the plugin, or prepares it for the register hook. */
export async function buildApp(name: string, options: AppOptions): Promise<BuiltApp> {
  const dir = path.join(WORK, name);
  if (!options.keepOutput) rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  writeFileSync(path.join(dir, 'isolate-deps.policy.json'), JSON.stringify(options.policy, null, 2));
  writeFileSync(path.join(dir, 'src/app.js'), options.source);
  for (const [file, content] of Object.entries(options.files ?? {})) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  if (options.delivery === 'register') return await prepareRegisterApp(dir, options);
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

/**
 * The same app unbundled: its source as src/app.mjs (or .cjs), its components built ahead with `isolate-deps build`
 * into the shared cache (serving every specifier of an isolated package the source names, as the plugin's scan), run with the hook.
 */
async function prepareRegisterApp(dir: string, options: AppOptions): Promise<BuiltApp> {
  const outfile = path.join(dir, 'src', options.format === 'cjs' ? 'app.cjs' : 'app.mjs');
  writeFileSync(outfile, options.source);
  const names = Object.entries((options.policy as { packages: Record<string, { isolate?: boolean }> }).packages).filter(([, e]) => e.isolate).map(([key]) => key.replace(/(?<=.)@.*$/, ''));
  // The specifiers the app imports, found as the plugin's scan finds them: a bundle pass with those imports external.
  const found = new Set<string>();
  await build({
    absWorkingDir: dir,
    entryPoints: [outfile],
    bundle: true,
    write: false,
    platform: 'node',
    format: options.format ?? 'esm',
    logLevel: 'silent',
    tsconfigRaw: {},
    plugins: [{ name: 'scan', setup: (b) => b.onResolve({ filter: /.*/ }, (args) => (names.some((n) => args.path === n || args.path.startsWith(`${n}/`)) ? (found.add(args.path), { path: args.path, external: true }) : undefined)) }],
  });
  const specifiers = [...found].sort();
  const args = [CLI, 'build', '--policy', path.join(dir, 'isolate-deps.policy.json'), '--cache-dir', CACHE_DIR, '--quiet', ...(specifiers.length > 0 ? ['--specifiers', specifiers.join(',')] : [])];
  const built = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  if (built.status !== 0) throw new Error(`isolate-deps build failed for ${dir}:\n${built.stderr}${built.stdout}`);
  return { dir, outfile, compiled: [], nodeArgs: ['--import', REGISTER_HOOK], env: { ISOLATE_DEPS_CACHE_DIR: CACHE_DIR } };
}

/** Runs a built app in a fresh Node process, from its own folder. */
export function runApp(app: BuiltApp, env: Record<string, string> = {}, cwd = app.dir, options: { timeoutMs?: number; maxBuffer?: number } = {}): RunResult {
  const child = spawnSync(process.execPath, [...(app.nodeArgs ?? []), app.outfile], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...app.env, ...env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: options.maxBuffer,
  });
  return { stdout: child.stdout, stderr: child.stderr, status: child.status, result: lastJsonLine(child.stdout) };
}

/** Apps print their results as one JSON line, last: that line parsed, or undefined. */
function lastJsonLine(stdout: string): unknown {
  const lines = stdout.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1] ?? 'null');
  } catch {
    return undefined;
  }
}

/** Like runApp, without blocking this process (tests that serve HTTP to the app need their event loop). */
export function runAppAsync(app: BuiltApp, env: Record<string, string> = {}, args: string[] = [], options: { timeoutMs?: number; nodeArgs?: string[] } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const nodeArgs = [...(options.nodeArgs ?? []), ...(app.nodeArgs ?? [])];
    const child = spawn(process.execPath, [...nodeArgs, app.outfile, ...args], { cwd: app.dir, env: { PATH: process.env.PATH ?? '', ...app.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, status, result: lastJsonLine(stdout) });
    });
  });
}
