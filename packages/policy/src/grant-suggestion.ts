// Pure functions, no dependencies: the runtime (Node and browser) imports this file to print denials.

/** The smallest grant that would have allowed one refused attempt, as the policy's "allow" fields. */
export type GrantSuggestion =
  | { field: 'env'; value: string }
  | { field: 'fs.read' | 'fs.write'; value: string }
  | { field: 'net'; value: string }
  | { field: 'clock' | 'random' | 'console'; value: true };

const BOOLEAN_GRANTS = new Set(['clock', 'random', 'console']);
const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };

// The target comes from the isolated package. A grant is a pattern, so a target with pattern syntax in it
// ("AWS_*", "config/{a,..}", "*:*") would widen itself: only plain names, paths and host:port are suggested.
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const PLAIN_PATH = /^[\w .@+~-]+(?:\/[\w .@+~-]+)*$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*|\[[0-9a-fA-F:.]+\])$/;

/**
 * The grant for a denied (capability, target), or undefined when the capability can never be granted
 * (child_process, worker_threads, process internals) or the target is not one a grant should name (a
 * path outside the project, a name with pattern characters). fs paths are narrowed to their folder
 * (`./config/**`); a file at the project root is named alone; a URL becomes host:port.
 */
export function grantFor(capability: string, target: string): GrantSuggestion | undefined {
  if (capability === 'env') return ENV_NAME.test(target) ? { field: 'env', value: target } : undefined;
  if (capability === 'fs.read' || capability === 'fs.write') {
    const value = folderGlob(target);
    return value === undefined ? undefined : { field: capability, value };
  }
  if (capability === 'net') {
    const value = hostAndPort(target);
    return value === undefined ? undefined : { field: 'net', value };
  }
  if (BOOLEAN_GRANTS.has(capability)) return { field: capability as 'clock', value: true };
  return undefined;
}

/** "config/app.json" → "./config/**"; ".env" → "./.env"; "../x", "/etc/passwd" → undefined (outside the project). */
function folderGlob(target: string): string | undefined {
  if (!PLAIN_PATH.test(target.replace(/^\/+/, ''))) return undefined;
  const parts: string[] = [];
  for (const part of target.replace(/\\/g, '/').replace(/^\.\//, '').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.pop() === undefined) return undefined;
    } else parts.push(part);
  }
  if (target.startsWith('/') || parts.length === 0) return undefined;
  return parts.length === 1 ? `./${parts[0]}` : `./${parts.slice(0, -1).join('/')}/**`;
}

/** "https://api.example.com/x" → "api.example.com:443"; "127.0.0.1:8080" stays; no port known, no suggestion. */
function hostAndPort(target: string): string | undefined {
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? safeUrl(target) : undefined;
  const [host, port] = url ? [url.hostname, url.port || DEFAULT_PORTS[url.protocol]] : [target.slice(0, target.lastIndexOf(':')), target.slice(target.lastIndexOf(':') + 1)];
  if (!host || !port || !HOST.test(host) || !/^\d{1,5}$/.test(port) || Number(port) > 65535) return undefined;
  return `${host}:${port}`;
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** The JSON a user adds to the package's "allow" object for one suggestion: `"env": ["LOG_TOKENS"]`. */
export function grantJson(grant: GrantSuggestion): string {
  if (grant.field === 'fs.read' || grant.field === 'fs.write') return `"fs": { "${grant.field.slice(3)}": [${JSON.stringify(grant.value)}] }`;
  if (grant.value === true) return `"${grant.field}": true`;
  return `"${grant.field}": [${JSON.stringify(grant.value)}]`;
}

/** Where in the policy the grant goes: packages.yaml.allow, packages["@scope/x"].allow. */
export function allowPath(packageName: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(packageName) ? `packages.${packageName}.allow` : `packages[${JSON.stringify(packageName)}].allow`;
}
