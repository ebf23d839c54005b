import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The script of the audit's worker threads: analysis-worker.js beside the running bundle (the analyser
 * alone, as the package build writes it), else the bundle itself, which can host them because main()
 * serves analyses inside a worker; undefined when running from TypeScript source (Node 20 cannot start a .ts worker).
 */
export function workerScript(): string | undefined {
  const extension = /\.(?:c|m)?js$/.exec(import.meta.url)?.[0];
  if (extension === undefined) return undefined;
  const dedicated = fileURLToPath(new URL(`./analysis-worker${extension}`, import.meta.url));
  return existsSync(dedicated) ? dedicated : fileURLToPath(import.meta.url);
}
