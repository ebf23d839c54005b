import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

// @isolate-deps/policy's DEFAULT_POLICY_FILE, not imported: this module runs in every process started with the hook,
// and the policy package brings its JSON Schema validator (tens of milliseconds) even when nothing is isolated.
const DEFAULT_POLICY_FILE = 'isolate-deps.policy.json';

/** What the hook needs to know before it loads anything heavy: where the policy is, and how to treat the cache. */
export interface RegisterSettings {
  policyFile: string;
  /** ISOLATE_DEPS_CACHE_DIR; default: the machine-wide cache, as the plugins (@isolate-deps/compiler/cache-location). */
  cacheDir: string | undefined;
  /** ISOLATE_DEPS_FROZEN=1: a missing or stale component is an error, never a compilation. */
  frozen: boolean;
}

/**
 * ISOLATE_DEPS_POLICY, else the nearest isolate-deps.policy.json from the entry script's folder up
 * (the working directory when there is no script, as with `node -e`). Undefined when there is none.
 */
export function registerSettings(env: NodeJS.ProcessEnv, entry: string | undefined): RegisterSettings | undefined {
  const frozen = env.ISOLATE_DEPS_FROZEN !== undefined && env.ISOLATE_DEPS_FROZEN !== '' && env.ISOLATE_DEPS_FROZEN !== '0';
  const cacheDir = env.ISOLATE_DEPS_CACHE_DIR ? path.resolve(env.ISOLATE_DEPS_CACHE_DIR) : undefined;
  if (env.ISOLATE_DEPS_POLICY) return { policyFile: path.resolve(env.ISOLATE_DEPS_POLICY), cacheDir, frozen };
  const policyFile = findPolicyFile(entry === undefined ? process.cwd() : path.dirname(realEntry(entry)));
  return policyFile === undefined ? undefined : { policyFile, cacheDir, frozen };
}

function findPolicyFile(from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, DEFAULT_POLICY_FILE);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function realEntry(entry: string): string {
  try {
    return realpathSync(path.resolve(entry));
  } catch {
    return path.resolve(entry); // e.g. a name Node will resolve with an extension; its folder is still right
  }
}

/**
 * Whether the policy marks any package isolated, read without validating it: a policy that isolates
 * nothing costs the app no more than this read. Anything unexpected answers true, so the full load reports it.
 */
export function isolatesAnything(policyFile: string): boolean {
  try {
    const packages = (JSON.parse(readFileSync(policyFile, 'utf8')) as { packages?: Record<string, { isolate?: unknown }> }).packages;
    return Object.values(packages ?? {}).some((entry) => entry?.isolate !== false && entry?.isolate !== undefined);
  } catch {
    return true;
  }
}
