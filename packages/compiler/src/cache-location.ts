import os from 'node:os';
import path from 'node:path';

/**
 * The machine-wide component cache, shared by every project of the user (a component depends only on the
 * package's code, its grant's shape and the tools, never on the project): ISOLATE_DEPS_CACHE_DIR, else
 * $XDG_CACHE_HOME/isolate-deps, else the platform's cache folder (~/.cache/isolate-deps on Linux).
 * Kept free of heavy imports: the register hook reads it in every process it starts in.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ISOLATE_DEPS_CACHE_DIR) return path.resolve(env.ISOLATE_DEPS_CACHE_DIR);
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'isolate-deps');
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'isolate-deps');
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'isolate-deps', 'Cache');
  return path.join(home, '.cache', 'isolate-deps');
}
