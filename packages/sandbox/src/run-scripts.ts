import { spawn } from 'node:child_process';
import path from 'node:path';
import { INSTALL_SCRIPTS, readInstalledTree, type InstalledPackage, type InstallScript } from '@isolate-deps/analyzer';
import { findPackagePolicy, type Policy } from '@isolate-deps/policy';
import { sandboxSupport } from './availability.ts';
import { findToolchain, lifecycleEnv, type LifecycleScript } from './lifecycle.ts';
import { runSandboxed } from './run-sandboxed.ts';
import type { LimitsVia, SandboxLimits, Violation } from './types.ts';

export interface ScriptsOptions {
  /** The project whose node_modules holds the installed dependencies. */
  root: string;
  /** Its policy: "allowScripts" says which scripts run, and with what grants. Without one, none runs. */
  policy: Policy | undefined;
  /** Runs the allowed scripts with no sandbox and the full environment, as npm would. */
  unsandboxed?: boolean;
  /** The environment that granted variable names are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Called before each script runs. */
  onScript?: (script: LifecycleScript) => void;
  /** Called with each chunk of a script's output. */
  onOutput?: (script: LifecycleScript, chunk: string) => void;
}

/** One script that ran. */
export interface ScriptRun {
  /** name@version */
  package: string;
  /** The package's folder, relative to the root. */
  dir: string;
  event: InstallScript;
  command: string;
  sandboxed: boolean;
  /** Hosts granted to the script (through the sandbox's proxy). */
  net: string[];
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  violations: Violation[];
  /** The end of its output. */
  output: string;
}

/** A script that did not run, and why. */
export interface SkippedScript {
  package: string;
  dir: string;
  event: InstallScript;
  command: string;
  reason: string;
}

/** What `isolate-deps scripts` did. */
export interface ScriptsReport {
  root: string;
  policyFile: string | undefined;
  /** "bubblewrap", or "none" with --unsandboxed. */
  sandbox: 'bubblewrap' | 'none';
  limitsVia: LimitsVia | undefined;
  /** Why limits fell back to rlimits, when they did. */
  limitsNote: string | undefined;
  scripts: ScriptRun[];
  skipped: SkippedScript[];
  durationMs: number;
}

/**
 * Runs the install scripts of the installed dependencies that the policy's allowScripts allows, in
 * dependency order (a package after the packages it depends on), each in its own sandbox. Throws
 * SandboxUnavailableError (unless unsandboxed) before running anything.
 */
export async function runScripts(options: ScriptsOptions): Promise<ScriptsReport> {
  const started = performance.now();
  if (!options.unsandboxed) sandboxSupport();
  const hostEnv = options.env ?? process.env;
  const tree = readInstalledTree(options.root);
  const root = tree.root;
  const tools = findToolchain(root, hostEnv);
  const report: ScriptsReport = { root, policyFile: options.policy?.file, sandbox: options.unsandboxed ? 'none' : 'bubblewrap', limitsVia: undefined, limitsNote: undefined, scripts: [], skipped: [] , durationMs: 0 };
  const ordered = dependencyOrder(tree.packages);
  const policyOf = (pkg: InstalledPackage) => (options.policy ? findPackagePolicy(options.policy, pkg.name, pkg.version) : undefined);
  let toRun = ordered.reduce((n, pkg) => n + INSTALL_SCRIPTS.filter((e) => pkg.installScripts[e] !== undefined && policyOf(pkg)?.allowScripts?.includes(e)).length, 0);
  for (const pkg of ordered) {
    const entry = policyOf(pkg);
    const id = `${pkg.name}@${pkg.version}`;
    const dir = path.relative(root, pkg.dir) || '.';
    let failed: string | undefined;
    for (const event of INSTALL_SCRIPTS) {
      const written = pkg.installScripts[event];
      if (written === undefined) continue;
      // The tree reader describes npm's implicit install of a package with binding.gyp in words.
      const command = written.startsWith('node-gyp rebuild (implicit') ? 'node-gyp rebuild' : written;
      const base = { package: id, dir, event, command };
      if (!entry?.allowScripts?.includes(event)) {
        report.skipped.push({ ...base, reason: options.policy ? `not in the policy's allowScripts for ${pkg.name}` : 'no policy: no script is allowed' });
        continue;
      }
      toRun--;
      if (failed) {
        report.skipped.push({ ...base, reason: `the package's ${failed} script failed` });
        continue;
      }
      const grant = entry.scriptGrants?.[event] ?? { net: [], env: [], limits: {} };
      const script: LifecycleScript = { name: pkg.name, version: pkg.version, dir: pkg.dir, event, command };
      options.onScript?.(script);
      const env = lifecycleEnv(script, root, tools);
      for (const name of grant.env) if (hostEnv[name] !== undefined) env[name] = hostEnv[name]!;
      const onOutput = options.onOutput ? (chunk: string) => options.onOutput!(script, chunk) : undefined;
      let run: ScriptRun;
      if (options.unsandboxed) {
        run = { ...base, sandboxed: false, net: grant.net, ...(await runBare(command, pkg.dir, { ...hostEnv, ...env, PATH: `${env.PATH}:${hostEnv.PATH ?? ''}` }, onOutput)) };
      } else {
        const readOnly = tools.nodedir && !tools.nodedir.startsWith('/usr/') && tools.nodedir !== '/usr' ? [tools.nodedir] : [];
        const result = await runSandboxed({ command, cwd: pkg.dir, root, writable: [pkg.dir], net: grant.net, env, limits: grant.limits as Partial<SandboxLimits>, readOnly, onOutput, warmNext: toRun > 0 });
        report.limitsVia = result.limitsVia;
        report.limitsNote = result.limitsNote;
        run = { ...base, sandboxed: true, net: grant.net, exitCode: result.exitCode, signal: result.signal, durationMs: result.durationMs, violations: result.violations, output: result.output };
      }
      report.scripts.push(run);
      if (run.exitCode !== 0) failed = event;
    }
  }
  report.durationMs = Math.round(performance.now() - started);
  return report;
}

/** Packages after the packages they depend on (Kahn's algorithm; a cycle keeps the tree's order). */
function dependencyOrder(packages: InstalledPackage[]): InstalledPackage[] {
  const byId = new Map<string, InstalledPackage[]>();
  for (const p of packages) byId.set(`${p.name}@${p.version}`, [...(byId.get(`${p.name}@${p.version}`) ?? []), p]);
  const waitingOn = new Map<InstalledPackage, number>(packages.map((p) => [p, 0]));
  const dependentsOf = new Map<InstalledPackage, InstalledPackage[]>();
  for (const p of packages) {
    const dependents = p.dependents.flatMap((d) => byId.get(d) ?? []).filter((d) => d !== p);
    dependentsOf.set(p, dependents);
    for (const d of dependents) waitingOn.set(d, waitingOn.get(d)! + 1);
  }
  const ready = packages.filter((p) => waitingOn.get(p) === 0);
  const order: InstalledPackage[] = [];
  const placed = new Set<InstalledPackage>();
  while (order.length < packages.length) {
    const next = ready.shift() ?? packages.find((p) => !placed.has(p))!;
    if (placed.has(next)) continue;
    placed.add(next);
    order.push(next);
    for (const d of dependentsOf.get(next) ?? []) {
      const left = waitingOn.get(d)! - 1;
      waitingOn.set(d, left);
      if (left === 0) ready.push(d);
    }
  }
  return order;
}

/** --unsandboxed: the script as npm would run it, with the full environment. */
function runBare(command: string, cwd: string, env: NodeJS.ProcessEnv, onOutput?: (chunk: string) => void): Promise<Pick<ScriptRun, 'exitCode' | 'signal' | 'durationMs' | 'violations' | 'output'>> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onChunk = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-16 * 1024);
      onOutput?.(chunk.toString('utf8'));
    };
    child.stdout.on('data', onChunk);
    child.stderr.on('data', onChunk);
    child.once('error', reject);
    child.once('close', (exitCode, signal) =>
      resolve({ exitCode, signal, durationMs: Math.round(performance.now() - started), violations: exitCode === 0 ? [] : [{ kind: 'exit', exitCode, signal }], output }),
    );
  });
}
