import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createJail, type ResourceJail } from './limits.ts';
import { DEFAULT_PATH } from './types.ts';

/**
 * A shell that has already moved itself into a fresh cgroup and waits for the one line that starts the
 * sandbox (rlimits, then exec bubblewrap). Why: moving a process into a cgroup waits for an RCU grace
 * period (~15 ms here); a launcher made while the previous script runs takes that wait off the next
 * script's path.
 */
export interface Launcher {
  jail: ResourceJail;
  child: ChildProcessWithoutNullStreams;
  /** Starts the sandbox: the shell runs `line` (our own command, never the script's text). */
  start(line: string): void;
}

export function spawnLauncher(): Launcher {
  const jail = createJail();
  // stdin is the control pipe: read one line, run it; EOF (the host went away) ends the shell.
  const child = spawn('/bin/sh', ['-c', `${jail.join} || exit 97; IFS= read -r line || exit 0; eval "$line"`], {
    env: { PATH: DEFAULT_PATH },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  child.on('error', () => {});
  return {
    jail,
    child,
    start(line) {
      child.stdin.end(`${line}\n`);
    },
  };
}

let spare: Launcher | undefined;
/** Launchers handed out and not yet released: their cgroups are removed at exit too. */
const inUse = new Set<Launcher>();
let exitHook = false;

function onExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    if (spare) dispose(spare);
    for (const launcher of inUse) dispose(launcher);
  });
}

/** Done with a launcher taken by takeLauncher: its cgroup is removed. */
export function releaseLauncher(launcher: Launcher): void {
  inUse.delete(launcher);
  launcher.jail.dispose();
}

/** The waiting launcher if there is a live one, else a new one. */
export function takeLauncher(): Launcher {
  onExit();
  const ready = spare;
  spare = undefined;
  let launcher: Launcher;
  if (ready && ready.child.exitCode === null && ready.child.signalCode === null) {
    ready.child.ref();
    for (const stream of [ready.child.stdin, ready.child.stdout, ready.child.stderr]) (stream as unknown as { ref?: () => void }).ref?.();
    launcher = ready;
  } else {
    if (ready) dispose(ready);
    launcher = spawnLauncher();
  }
  inUse.add(launcher);
  return launcher;
}

/** Prepares the launcher of the next sandbox in the background (runScripts runs scripts one after another). */
export function warmLauncher(): void {
  if (spare) return;
  const launcher = spawnLauncher();
  // A spare must not keep the process alive; it is killed, and its cgroup removed, at exit.
  launcher.child.unref();
  for (const stream of [launcher.child.stdin, launcher.child.stdout, launcher.child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
  spare = launcher;
  onExit();
}

function dispose(launcher: Launcher): void {
  try {
    process.kill(-launcher.child.pid!, 'SIGKILL');
  } catch {
    // Already gone.
  }
  launcher.jail.dispose();
}
