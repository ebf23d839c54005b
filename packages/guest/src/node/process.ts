/** The guest's `process`: a policy-mediated environment and nothing that reaches the host's process. */
import { monotonic } from 'isolate:guest/clock';
import config from 'isolate-deps:guest-config';
import { reportDenial } from 'isolate:guest/boundary';
import { denial, LOG_ONLY } from '../denial.ts';
import { EventEmitter } from './events.ts';
import { env } from './process-env.ts';

function hrtime(previous?: [number, number]): [number, number] {
  const ns = monotonic();
  const seconds = Number(ns / 1_000_000_000n);
  const nanos = Number(ns % 1_000_000_000n);
  if (!previous) return [seconds, nanos];
  const diff = (seconds - previous[0]) * 1e9 + (nanos - previous[1]);
  return [Math.floor(diff / 1e9), diff % 1e9];
}
hrtime.bigint = () => monotonic();

// Under "onViolation": "log" these do nothing (reported all the same); otherwise they throw.
const refused = (what: string) => (): undefined => {
  if (!LOG_ONLY) throw denial('process', `process.${what}`);
  reportDenial('process', `process.${what}`);
  return undefined;
};

class GuestProcess extends EventEmitter {
  env = env;
  argv = ['node', config.packageName];
  execArgv: string[] = [];
  platform = 'linux';
  arch = 'wasm32';
  version = 'v20.0.0';
  versions = { node: '20.0.0', isolate: '1' };
  release = { name: 'node' };
  pid = 1;
  ppid = 0;
  title = config.packageName;
  exitCode: number | undefined = undefined;
  browser = false;
  stdout = { isTTY: false, write: (text: string) => (console.log(String(text).replace(/\n$/, '')), true) };
  stderr = { isTTY: false, write: (text: string) => (console.error(String(text).replace(/\n$/, '')), true) };
  hrtime = hrtime;
  exit = refused('exit');
  abort = refused('abort');
  kill = refused('kill');
  binding = refused('binding');
  dlopen = refused('dlopen');
  chdir = refused('chdir');
  setuid = refused('setuid');
  setgid = refused('setgid');
  reallyExit = refused('reallyExit');
  _linkedBinding = refused('_linkedBinding');
  // No real identity leaks in: the same "nobody" os.userInfo() reports.
  getuid = (): number => -1;
  getgid = (): number => -1;
  geteuid = (): number => -1;
  getegid = (): number => -1;
  stdin = { isTTY: false, fd: 0, on: () => this.stdin, resume: () => this.stdin, pause: () => this.stdin };
  cwd(): string {
    return config.cwd;
  }
  umask(): number {
    return 0o22;
  }
  uptime(): number {
    return Number(monotonic()) / 1e9;
  }
  memoryUsage(): { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number } {
    return { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  }
  nextTick(fn: (...args: unknown[]) => void, ...args: unknown[]): void {
    queueMicrotask(() => fn(...args));
  }
  emitWarning(warning: string | Error): void {
    console.warn(`Warning: ${typeof warning === 'string' ? warning : warning.message}`);
  }
}

export const process = new GuestProcess();
// Node's own tag: Object.prototype.toString.call(process) is "[object process]", which packages test to tell
// Node from a browser (axios picks its http adapter by it).
Object.defineProperty(process, Symbol.toStringTag, { value: 'process', writable: true, enumerable: false, configurable: false });
export default process;
// `import * as process from 'process'` reads these as named exports.
export const { argv, execArgv, platform, arch, version, versions, release, pid, ppid, title, browser, stdout, stderr } = process;
export { env, hrtime };
export const cwd = () => process.cwd();
export const nextTick = process.nextTick.bind(process);
export const emitWarning = process.emitWarning.bind(process);
export const exit = process.exit;
export const kill = process.kill;
export const abort = process.abort;
export const binding = process.binding;
export const dlopen = process.dlopen;
export const chdir = process.chdir;
export const umask = process.umask.bind(process);
export const uptime = process.uptime.bind(process);
export const memoryUsage = process.memoryUsage.bind(process);
export const on = process.on.bind(process);
export const once = process.once.bind(process);
export const off = process.off.bind(process);
export const emit = process.emit.bind(process);
