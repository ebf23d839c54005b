/** node:url over the engine's WHATWG URL. */
import path from 'path-browserify';

export const URL = globalThis.URL;
export const URLSearchParams = globalThis.URLSearchParams;

export function fileURLToPath(url: string | URL): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  if (parsed.protocol !== 'file:') throw new TypeError('The URL must be of scheme file');
  return decodeURIComponent(parsed.pathname);
}

export function pathToFileURL(file: string): URL {
  return new URL(`file://${encodeURI(path.resolve(file))}`);
}

export function parse(text: string): Record<string, unknown> {
  const u = new URL(text, 'relative:///');
  const relative = u.protocol === 'relative:';
  return {
    protocol: relative ? null : u.protocol,
    host: relative ? null : u.host,
    hostname: relative ? null : u.hostname,
    port: u.port || null,
    pathname: u.pathname,
    search: u.search || null,
    query: u.search ? u.search.slice(1) : null,
    hash: u.hash || null,
    href: relative ? text : u.href,
    path: u.pathname + u.search,
  };
}

export function format(value: URL | { href?: string }): string {
  return value instanceof URL ? value.href : String(value.href ?? '');
}

export default { URL, URLSearchParams, fileURLToPath, pathToFileURL, parse, format };
