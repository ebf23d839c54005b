import { createRequire, syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

type WorkerOptions = { execArgv?: string[]; env?: unknown } & Record<string, unknown>;
type WorkerClass = new (file: string | URL, options?: WorkerOptions) => object;

/**
 * Node runs --import preloads on the main thread only: a worker would load isolated packages natively. Every
 * worker created from here on gets the hook as a --require preload instead (the same hook, loaded synchronously),
 * with this thread's policy and cache in its environment, whatever its own script or working folder. The
 * runtime's own worker for time-limited packages is left alone: it loads no package code.
 */
export function preloadInWorkers(preload: string, runtimeWorker: string, settings: Record<string, string>): void {
  const threads = createRequire(import.meta.url)('node:worker_threads') as { Worker: WorkerClass; SHARE_ENV: symbol };
  const Original = threads.Worker;
  class Worker extends Original {
    constructor(file: string | URL, options: WorkerOptions = {}) {
      const execArgv = options.execArgv ?? process.execArgv;
      if (typeof file === 'string' && path.resolve(file) === runtimeWorker) {
        super(file, options);
        return;
      }
      if (options.env === threads.SHARE_ENV) Object.assign(process.env, settings);
      const env = options.env === threads.SHARE_ENV ? options.env : { ...((options.env as NodeJS.ProcessEnv | undefined) ?? process.env), ...settings };
      super(file, { ...options, env, execArgv: execArgv.includes(preload) ? execArgv : [...execArgv, '--require', preload] });
    }
  }
  threads.Worker = Worker;
  syncBuiltinESMExports(); // `import { Worker } from 'node:worker_threads'` sees the same class
}
