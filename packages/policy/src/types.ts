export type ViolationMode = 'throw' | 'log' | 'terminate';
export type InstanceMode = 'shared' | 'per-call' | 'pool';
export type ThreadMode = 'caller' | 'worker';

/** The capabilities granted to one package, with every default filled in. */
export interface Grant {
  fs: { read: string[]; write: string[] };
  env: string[];
  net: string[];
  clock: boolean;
  random: boolean;
  console: boolean;
}

/** One package's policy entry after validation and defaults. */
export interface PackagePolicy {
  /** The key as written in the policy file, e.g. "yaml@^2". */
  key: string;
  name: string;
  range: string | undefined;
  isolate: boolean;
  allow: Grant;
  limits: { memoryMb?: number; timeoutMs?: number };
  instance: InstanceMode;
  poolSize: number;
  /** Where instances run: the calling thread (default) or a worker thread each (needs limits.timeoutMs). */
  thread: ThreadMode;
  onViolation: ViolationMode;
  /** Capabilities reviewed and accepted for this package (the audit's drift baseline); undefined when none are recorded. */
  reviewed?: string[];
  /** Install scripts the package may run ("allowScripts": true lists all three). */
  allowScripts?: InstallScriptName[];
  /** What each allowed script gets in its sandbox (`isolate-deps scripts`); defaults filled in. */
  scriptGrants?: Partial<Record<InstallScriptName, ScriptGrant>>;
  /** Fields of the entry that other tools (the audit) read; kept as written. */
  raw: Record<string, unknown>;
}

export type InstallScriptName = 'preinstall' | 'install' | 'postinstall';

/** Grants of one install script's sandbox beyond the defaults (no network, no host environment). */
export interface ScriptGrant {
  /** host[:port] patterns reachable through the filtering proxy. */
  net: string[];
  /** Environment variable names passed through from the host. */
  env: string[];
  /** Overrides of the sandbox's default resource limits. */
  limits: { memoryMb?: number; pids?: number; timeoutMs?: number; cpuSeconds?: number };
}

export interface Policy {
  /** Absolute path of the policy file. */
  file: string;
  /** Directory that relative paths in the policy resolve against. */
  root: string;
  onViolation: ViolationMode;
  packages: PackagePolicy[];
  /** The parsed JSON, as written. */
  raw: Record<string, unknown>;
}
