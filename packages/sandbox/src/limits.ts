import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_LIMITS, type LimitsVia, type SandboxLimits, type Violation } from './types.ts';

const CGROUP = '/sys/fs/cgroup';
let counter = 0;

/** The resource limits of one sandbox, from its first process to its cleanup. */
export interface ResourceJail {
  via: LimitsVia;
  /** Why the limits are rlimits, when they are (printed with the report). */
  note?: string;
  /** Shell commands that move the shell running them into the cgroup ("true" with rlimits). */
  join: string;
  /** Sets the cgroup's limits (before the sandbox starts). */
  setLimits(limits: SandboxLimits): void;
  /** Shell commands that set the per-process rlimits for these limits. */
  rlimits(limits: SandboxLimits): string;
  /** Limits hit during the run (the timeout is the caller's). */
  hits(limits: SandboxLimits): Violation[];
  /** Kills every process left in the cgroup (a no-op with rlimits: the PID namespace dies with its init). */
  killAll(): void;
  dispose(): void;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A cgroup (v2, else v1) for the sandbox when this process may create one, else per-process rlimits. */
export function createJail(): ResourceJail {
  const name = `isolate-deps-${process.pid}-${++counter}`;
  const problems: string[] = [];
  const jail = existsSync(`${CGROUP}/cgroup.controllers`) ? cgroupV2(name, problems) : cgroupV1(name, problems);
  if (jail) return jail;
  return {
    via: 'rlimit',
    note: `no writable cgroup (${problems.join('; ')}): memory and process limits are per-process rlimits (RLIMIT_DATA, RLIMIT_NPROC counts all of this user's processes)`,
    join: 'true',
    setLimits: () => {},
    rlimits: (limits) => `ulimit -d ${limits.memoryMb * 1024} && { ulimit -u ${limits.pids} 2>/dev/null || ulimit -p ${limits.pids}; } && ${alwaysRlimits(limits)}`,
    hits: () => [],
    killAll: () => {},
    dispose: () => {},
  };
}

/** RLIMIT_CPU bounds each process's CPU time in every mode; RLIMIT_FSIZE keeps one file from filling the disk (512-byte blocks). */
const alwaysRlimits = (limits: SandboxLimits) => `ulimit -t ${limits.cpuSeconds} && ulimit -f ${4 * 1024 * 1024 * 2}`;

function cgroupV1(name: string, problems: string[]): ResourceJail | undefined {
  const memory = `${CGROUP}/memory/${name}`;
  const pids = `${CGROUP}/pids/${name}`;
  const made: string[] = [];
  try {
    for (const dir of [memory, pids]) {
      mkdirSync(dir);
      made.push(dir);
    }
  } catch (error) {
    problems.push(`cgroup v1: ${(error as Error).message}`);
    made.reverse().forEach(removeCgroup);
    return undefined;
  }
  const setLimits = (limits: SandboxLimits) => {
    const bytes = String(limits.memoryMb * 1024 * 1024);
    // memsw must stay >= the memory limit: lower it last, raise it first.
    const memsw = `${memory}/memory.memsw.limit_in_bytes`;
    const swap = existsSync(memsw);
    if (swap) writeFileSync(memsw, '-1');
    writeFileSync(`${memory}/memory.limit_in_bytes`, bytes);
    // Without swap accounting the ceiling would only push the sandbox into swap.
    if (swap) writeFileSync(memsw, bytes);
    writeFileSync(`${pids}/pids.max`, String(limits.pids));
  };
  try {
    setLimits(DEFAULT_LIMITS);
  } catch (error) {
    problems.push(`cgroup v1: ${(error as Error).message}`);
    made.reverse().forEach(removeCgroup);
    return undefined;
  }
  return {
    via: 'cgroup-v1',
    join: made.map((d) => `echo $$ > ${quote(`${d}/cgroup.procs`)}`).join(' && '),
    setLimits,
    rlimits: alwaysRlimits,
    hits: (limits) => [...(counterOf(`${memory}/memory.oom_control`, 'oom_kill') > 0 ? [memoryHit(limits)] : []), ...(counterOf(`${pids}/pids.events`, 'max') > 0 ? [pidsHit(limits)] : [])],
    killAll: () => killProcs(made),
    dispose: () => {
      killProcs(made);
      made.forEach(removeCgroup);
    },
  };
}

function cgroupV2(name: string, problems: string[]): ResourceJail | undefined {
  const own = /^0::(.*)$/m.exec(readFileSync('/proc/self/cgroup', 'utf8'))?.[1] ?? '/';
  const parent = path.join(CGROUP, own);
  const dir = path.join(parent, name);
  try {
    const enabled = readFileSync(`${parent}/cgroup.subtree_control`, 'utf8');
    // Enabling controllers for children fails while this cgroup holds processes (unless it is the root): then rlimits.
    if (!/\bmemory\b/.test(enabled) || !/\bpids\b/.test(enabled)) writeFileSync(`${parent}/cgroup.subtree_control`, '+memory +pids');
    mkdirSync(dir);
  } catch (error) {
    problems.push(`cgroup v2 under ${parent}: ${(error as Error).message}`);
    return undefined;
  }
  const setLimits = (limits: SandboxLimits) => {
    writeFileSync(`${dir}/memory.max`, String(limits.memoryMb * 1024 * 1024));
    if (existsSync(`${dir}/memory.swap.max`)) writeFileSync(`${dir}/memory.swap.max`, '0');
    writeFileSync(`${dir}/pids.max`, String(limits.pids));
  };
  try {
    setLimits(DEFAULT_LIMITS);
  } catch (error) {
    problems.push(`cgroup v2: ${(error as Error).message}`);
    removeCgroup(dir);
    return undefined;
  }
  const kill = () => {
    try {
      writeFileSync(`${dir}/cgroup.kill`, '1');
    } catch {
      killProcs([dir]);
    }
  };
  return {
    via: 'cgroup-v2',
    join: `echo $$ > ${quote(`${dir}/cgroup.procs`)}`,
    setLimits,
    rlimits: alwaysRlimits,
    hits: (limits) => [...(counterOf(`${dir}/memory.events`, 'oom_kill') > 0 ? [memoryHit(limits)] : []), ...(counterOf(`${dir}/pids.events`, 'max') > 0 ? [pidsHit(limits)] : [])],
    killAll: kill,
    dispose: () => {
      kill();
      removeCgroup(dir);
    },
  };
}

const memoryHit = (limits: SandboxLimits): Violation => ({ kind: 'limit', limit: 'memory', detail: `memory ceiling of ${limits.memoryMb} MiB reached: the kernel killed a process of the sandbox` });
const pidsHit = (limits: SandboxLimits): Violation => ({ kind: 'limit', limit: 'pids', detail: `process limit of ${limits.pids} reached: fork/clone refused` });

/** "name N" lines of a cgroup events file. */
function counterOf(file: string, key: string): number {
  try {
    const match = new RegExp(`^${key} (\\d+)$`, 'm').exec(readFileSync(file, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function killProcs(dirs: string[]): void {
  // A fork bomb may fork while we kill: repeat until the cgroup is empty (bounded).
  for (let round = 0; round < 50; round++) {
    let left = 0;
    for (const dir of dirs) {
      let pids: string[] = [];
      try {
        pids = readFileSync(`${dir}/cgroup.procs`, 'utf8').split('\n').filter(Boolean);
      } catch {
        continue;
      }
      left += pids.length;
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
    if (left === 0) return;
  }
}

function removeCgroup(dir: string): void {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      rmdirSync(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      // EBUSY while the last killed processes are reaped.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}
