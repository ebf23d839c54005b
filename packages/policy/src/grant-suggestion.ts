// Pure functions, no dependencies: the runtime (Node and browser) imports this file to print denials.

/** The smallest grant that would have allowed one refused attempt, as the policy's "allow" fields. */
export type GrantSuggestion =
  | { field: 'env'; value: string }
  | { field: 'fs.read' | 'fs.write'; value: string }
  | { field: 'net'; value: string }
  | { field: 'clock' | 'random' | 'console'; value: true };

const BOOLEAN_GRANTS = new Set(['clock', 'random', 'console']);
const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };

/**
 * The grant for a denied (capability, target), or undefined when the capability can never be granted
 * (child_process, worker_threads, process internals) or the target is not one a grant should name (a
 * path outside the project, an env wildcard). fs paths are narrowed to their folder (`./config/**`);
 * a file at the project root is named alone; a URL becomes host:port.
 */
export function grantFor(capability: string, target: string): GrantSuggestion | undefined {
  if (capability === 'env') return target === '*' || target === '' ? undefined : { field: 'env', value: target };
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

/** "https://api.example.com/x" → "api.example.com:443"; "127.0.0.1:8080" stays; a bare host gets no port guess. */
function hostAndPort(target: string): string | undefined {
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? safeUrl(target) : undefined;
  if (url) return url.hostname === '' ? undefined : `${url.hostname}:${url.port || DEFAULT_PORTS[url.protocol] || '*'}`;
  return /^[^\s/]+:(\d+|\*)$/.test(target) ? target : /^[^\s/:]+$/.test(target) ? `${target}:*` : undefined;
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
