import { write } from 'isolate:guest/console';
import { format } from './node/util.ts';

/** Routes console output to the host, which prefixes it with the package name. */
export function installConsole(): void {
  const levels = { log: 'log', info: 'info', debug: 'debug', warn: 'warn', error: 'error', trace: 'error' } as const;
  const target = globalThis.console as unknown as Record<string, unknown>;
  for (const [method, level] of Object.entries(levels)) {
    target[method] = (...args: unknown[]) => write(level, format(...args));
  }
}
