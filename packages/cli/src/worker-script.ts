import { fileURLToPath } from 'node:url';

/**
 * The running bundle (dist/cli.js), which can host analysis worker threads because main() serves
 * analyses inside a worker; undefined when running from TypeScript source (Node 20 cannot start a .ts worker).
 */
export function workerScript(): string | undefined {
  return /\.(?:c|m)?js$/.test(import.meta.url) ? fileURLToPath(import.meta.url) : undefined;
}
