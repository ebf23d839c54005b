/** Resource limits of one sandbox. */
export interface SandboxLimits {
  /** Memory ceiling of the whole sandbox (cgroup), in MiB. */
  memoryMb: number;
  /** Most processes and threads at once (cgroup pids), including the script's own. */
  pids: number;
  /** Wall-clock limit, after which every process of the sandbox is killed. */
  timeoutMs: number;
  /** CPU time of any one process (RLIMIT_CPU), in seconds. */
  cpuSeconds: number;
}

/** Generous enough for node-gyp builds of large addons; a policy's "limits" overrides them per script. */
export const DEFAULT_LIMITS: SandboxLimits = { memoryMb: 4096, pids: 1024, timeoutMs: 600_000, cpuSeconds: 1200 };

/** The system part of a script's PATH. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** How the limits were enforced: a cgroup of the sandbox, or per-process rlimits where no cgroup was writable. */
export type LimitsVia = 'cgroup-v2' | 'cgroup-v1' | 'rlimit';

/** Something a sandboxed command did that the sandbox stopped or caught. */
export type Violation =
  | { kind: 'net'; target: string; via: 'proxy' | 'node' | 'dns'; detail: string }
  | { kind: 'write'; path: string; type: 'file' | 'directory' | 'symlink'; bytes?: number }
  | { kind: 'limit'; limit: 'memory' | 'pids' | 'timeout' | 'cpu'; detail: string }
  | { kind: 'exit'; exitCode: number | null; signal: string | null };

/** What to run, and what it may touch. */
export interface SandboxOptions {
  /** A shell command (run with /bin/sh -c), as npm runs lifecycle scripts. */
  command: string;
  /** Working directory inside the sandbox (must be writable or inside node_modules). */
  cwd: string;
  /** The project root: its node_modules is visible read-only, everything else of it is hidden. */
  root: string;
  /** Folders bound writable at their own path (the package's folder for an install script). */
  writable?: string[];
  /** host[:port] patterns reachable through the filtering proxy; none means no network at all. */
  net?: string[];
  /** The complete environment of the command (HOME and PATH are set by the sandbox when absent). */
  env?: Record<string, string>;
  limits?: Partial<SandboxLimits>;
  /** Extra read-only folders (node headers for node-gyp, a node installation outside /usr). */
  readOnly?: string[];
  /** Called with each chunk the command writes to stdout or stderr. */
  onOutput?: (chunk: string) => void;
  /**
   * Prepare the next sandbox's cgroup while this one runs (for a series of commands, as runScripts
   * does); an unused one is removed when the process exits.
   */
  warmNext?: boolean;
}

/** The outcome of one sandboxed command. */
export interface SandboxResult {
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  violations: Violation[];
  /** The last 16 KiB of stdout and stderr, interleaved. */
  output: string;
  limitsVia: LimitsVia;
  /** Why limits fell back to rlimits, when they did. */
  limitsNote?: string;
}
