import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readSync, closeSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sandboxSupport } from './availability.ts';
import { capturedWrites, mountArgs, RUN_DIR, type FilesystemLayout } from './filesystem.ts';
import { releaseLauncher, takeLauncher, warmLauncher } from './launcher.ts';
import { NetGrants } from './net-grant.ts';
import { FilteringProxy } from './proxy.ts';
import { NET_RECORDER, PROXY_FORWARDER, PROXY_PORT } from './sandbox-helpers.ts';
import { DEFAULT_LIMITS, DEFAULT_PATH, type SandboxOptions, type SandboxResult, type Violation } from './types.ts';

const OUTPUT_TAIL = 16 * 1024;
const MAX_NET_RECORDS = 1024 * 1024;
const MAX_VIOLATIONS_PER_KIND = 200;
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs one shell command in a fresh sandbox (bubblewrap: mount, PID, network, IPC, UTS namespaces, and
 * a user namespace when not root) and reports what it was stopped from doing. Throws
 * SandboxUnavailableError where the sandbox cannot be made.
 */
export async function runSandboxed(options: SandboxOptions): Promise<SandboxResult> {
  const support = sandboxSupport();
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const grants = new NetGrants(options.net ?? []);
  // Resolved first: a missing folder throws before anything is created.
  const root = realpathSync(options.root);
  const writable = (options.writable ?? []).map((d) => realpathSync(d));
  const work = mkdtempSync(path.join(os.tmpdir(), 'isolate-deps-sandbox-'));
  const runDir = path.join(work, 'run');
  mkdirSync(path.join(runDir, 'events'), { recursive: true });
  writeFileSync(path.join(runDir, 'net-recorder.cjs'), NET_RECORDER);
  const layout: FilesystemLayout = {
    capture: path.join(work, 'root'),
    runDir,
    root,
    home: os.homedir(),
    cwd: options.cwd,
    writable,
    readOnly: options.readOnly ?? [],
  };
  mkdirSync(layout.capture);
  const { args: mounts, destinations } = mountArgs(layout);
  const node = realpathSync(process.execPath);
  // The script is sourced from a file (as `sh -c` would run it): the launcher's control line then holds
  // only our own arguments, never the script's text.
  writeFileSync(path.join(runDir, 'script'), options.command);
  let command = ['/bin/sh', '-c', `. ${RUN_DIR}/script`];
  const env: Record<string, string> = { PATH: DEFAULT_PATH, ...options.env, HOME: layout.home, TMPDIR: '/tmp', NODE_OPTIONS: `--require ${RUN_DIR}/net-recorder.cjs` };
  let proxy: FilteringProxy | undefined;
  if (grants.granted.length > 0) {
    proxy = new FilteringProxy(grants);
    await proxy.listen(path.join(runDir, 'proxy.sock'));
    writeFileSync(path.join(runDir, 'forwarder.cjs'), PROXY_FORWARDER);
    command = [node, `${RUN_DIR}/forwarder.cjs`, String(PROXY_PORT), `${RUN_DIR}/proxy.sock`, ...command];
    const url = `http://127.0.0.1:${PROXY_PORT}`;
    for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'npm_config_proxy', 'npm_config_https_proxy']) env[name] = url;
    for (const name of ['NO_PROXY', 'no_proxy']) delete env[name];
  }
  const namespaces = [...(support.userNamespace ? ['--unshare-user'] : ['--cap-drop', 'ALL']), '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try', '--hostname', 'isolate-deps-sandbox'];
  const environment = ['--clearenv', ...Object.entries(env).flatMap(([name, value]) => ['--setenv', name, value])];
  // bubblewrap reads its options NUL-separated from a file: no length limit, no quoting; the command follows.
  const bwrapOptions = [...namespaces, '--die-with-parent', '--new-session', ...environment, ...mounts];
  // A NUL inside one argument would split it into several bubblewrap options (a package.json can hold one).
  const withNul = bwrapOptions.find((arg) => arg.includes('\0'));
  const refusal =
    withNul !== undefined
      ? `a sandbox argument or environment value contains a NUL byte: ${JSON.stringify(withNul.slice(0, 200))}`
      : command.some((arg) => arg.includes('\n'))
        ? `a path with a line break cannot be run in the sandbox: ${JSON.stringify(command)}`
        : undefined;
  if (refusal !== undefined) {
    await proxy?.close();
    rmSync(work, { recursive: true, force: true });
    throw new Error(refusal);
  }
  const argsFile = path.join(work, 'bwrap-args');
  writeFileSync(argsFile, `${bwrapOptions.join('\0')}\0`);
  const launcher = takeLauncher();
  const jail = launcher.jail;
  const started = performance.now();
  let output = '';
  let timedOut = false;
  try {
    jail.setLimits(limits);
    const child = launcher.child;
    launcher.start(`${jail.rlimits(limits)} && exec ${quote(support.bwrap)} --args 3 -- ${command.map(quote).join(' ')} 3<${quote(argsFile)} </dev/null`);
    // Once this sandbox is on its way: spawning the next launcher blocks the event loop for a few ms.
    if (options.warmNext) setImmediate(warmLauncher);
    const onChunk = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-OUTPUT_TAIL);
      options.onOutput?.(text);
    };
    child.stdout.on('data', onChunk);
    child.stderr.on('data', onChunk);
    const timer = setTimeout(() => {
      timedOut = true;
      jail.killAll();
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, limits.timeoutMs);
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve([child.exitCode, child.signalCode]);
      else child.once('close', (code, sig) => resolve([code, sig]));
    });
    clearTimeout(timer);
    const durationMs = Math.round(performance.now() - started);
    const violations: Violation[] = [];
    if (timedOut) violations.push({ kind: 'limit', limit: 'timeout', detail: `wall-clock limit of ${limits.timeoutMs} ms reached: every process of the sandbox was killed` });
    // bubblewrap exits with 128 + the signal that ended the command: SIGXCPU is RLIMIT_CPU.
    if (exitCode === 128 + os.constants.signals.SIGXCPU) violations.push({ kind: 'limit', limit: 'cpu', detail: `CPU-time limit of ${limits.cpuSeconds} s per process reached (SIGXCPU)` });
    violations.push(...jail.hits(limits));
    violations.push(...cap([...(proxy?.refused ?? []), ...netRecords(path.join(runDir, 'events', 'net.jsonl'))]));
    violations.push(...capturedWrites(layout.capture, layout, destinations));
    if (exitCode !== 0) violations.push({ kind: 'exit', exitCode, signal });
    return { exitCode, signal, durationMs, violations, output, limitsVia: jail.via, ...(jail.note ? { limitsNote: jail.note } : {}) };
  } finally {
    releaseLauncher(launcher);
    await proxy?.close();
    // In the background: the kernel may still be tearing down the sandbox's mounts, and the result is ready.
    rm(work, { recursive: true, force: true, maxRetries: 5 }).catch(() => {});
  }
}

/** The in-sandbox recorder's lines (written by code that may be hostile: parsed defensively, size-capped). */
function netRecords(file: string): Violation[] {
  let text = '';
  try {
    const fd = openSync(file, 'r');
    const buffer = Buffer.alloc(MAX_NET_RECORDS);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    closeSync(fd);
    text = buffer.subarray(0, n).toString('utf8');
  } catch {
    return [];
  }
  const records: Violation[] = [];
  for (const line of text.split('\n')) {
    try {
      const r = JSON.parse(line) as { via?: unknown; target?: unknown; code?: unknown };
      if ((r.via === 'node' || r.via === 'dns') && typeof r.target === 'string') {
        const what = r.via === 'dns' ? 'DNS lookup failed' : 'connection failed';
        records.push({ kind: 'net', via: r.via, target: r.target.slice(0, 300), detail: `${what} in the sandbox (${String(r.code).slice(0, 60)}): no network is granted to this host` });
      }
    } catch {
      // A partial or forged line: ignored.
    }
  }
  return records;
}

/** Identical records once each, at most MAX_VIOLATIONS_PER_KIND (a script may retry in a loop). */
function cap(violations: Violation[]): Violation[] {
  const seen = new Set<string>();
  const kept: Violation[] = [];
  for (const v of violations) {
    const key = JSON.stringify(v);
    if (seen.has(key)) continue;
    seen.add(key);
    if (kept.length < MAX_VIOLATIONS_PER_KIND) kept.push(v);
  }
  return kept;
}
