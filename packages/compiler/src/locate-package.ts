import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

export interface InstalledPackage {
  name: string;
  version: string;
  /** Real path of the package folder. */
  dir: string;
}

/** Finds `name` the way Node would from `fromDir`: the nearest node_modules/<name> up the tree. */
export function locatePackage(name: string, fromDir: string): InstalledPackage {
  for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { version?: string };
      return { name, version: manifest.version ?? '0.0.0', dir: realpathSync(path.dirname(candidate)) };
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`isolate-deps: the policy isolates "${name}", but it is not installed (looked in node_modules from ${fromDir} upwards)`);
}
