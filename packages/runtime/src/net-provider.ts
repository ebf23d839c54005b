import { guestError, parseGuestRequest } from './guest-request.ts';
import { hostMatches, parsePattern } from './host-patterns.ts';
import { isGlobalUnicast, isIpLiteral } from './net-address.ts';
import { netHelper, type ResolvedAddress } from './net-helper.ts';

/** The package's limits, as far as they bound its requests. */
export interface NetLimits {
  timeoutMs?: number;
  memoryMb?: number;
}

/** Without limits.timeoutMs, one request (all its redirects) may take this long. */
export const DEFAULT_NET_TIMEOUT_MS = 30_000;
/** Without limits.memoryMb, a response body may be this large (the guest has to hold it anyway). */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const MAX_REDIRECTS = 10;
const PRIVATE_REFUSED = 'refused: a loopback, private or reserved address; a grant reaches one only by naming its IP address';
/** Sent only to the origin the guest named: a redirect elsewhere drops them, as fetch does. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/**
 * The host side of isolate:guest/net: http and https only, every hop (redirects included) checked against
 * the grant, and the connection made to the address that was checked. A name must resolve to global
 * unicast addresses only; a loopback, private or reserved address is reached only through a pattern that
 * names that IP address literally. Host and framing headers are decided here, not by the guest.
 */
export function createNetProvider(patterns: string[], deny: (target: string, why?: string) => never, limits: NetLimits = {}) {
  const parsed = patterns.map(parsePattern);
  const timeoutMs = limits.timeoutMs ?? DEFAULT_NET_TIMEOUT_MS;
  const maxBodyBytes = limits.memoryMb === undefined ? DEFAULT_MAX_RESPONSE_BYTES : limits.memoryMb * 1024 * 1024;

  /** The checked address to connect to for this hop. */
  const resolve = (host: string, port: string, patternHost: string, deadline: number): ResolvedAddress => {
    const bare = host.replace(/^\[|\]$/g, '');
    const privateAllowed = isIpLiteral(patternHost);
    if (isIpLiteral(bare)) {
      if (!privateAllowed && !isGlobalUnicast(bare)) deny(`${host}:${port}`, PRIVATE_REFUSED);
      return { address: bare, family: bare.includes(':') ? 6 : 4 };
    }
    const addresses = netHelper().lookup(bare, deadline);
    if (addresses.length === 0) throw guestError('ENOTFOUND', `getaddrinfo ENOTFOUND ${bare}`);
    if (!privateAllowed && !addresses.every((a) => isGlobalUnicast(a.address))) deny(`${host}:${port}`, PRIVATE_REFUSED);
    return addresses[0]!;
  };

  return {
    request(text: string): string {
      const deadline = Date.now() + timeoutMs;
      const { request, url: first } = parseGuestRequest(text);
      let url = first;
      for (let redirects = 0; redirects <= MAX_REDIRECTS; redirects++) {
        if (url.protocol !== 'http:' && url.protocol !== 'https:') deny(`${url.protocol}//${url.host}`);
        const port = url.port || (url.protocol === 'https:' ? '443' : '80');
        const host = url.hostname.toLowerCase();
        const match = parsed.find((p) => hostMatches(p, host, port));
        if (!match) deny(`${host}:${port}`);
        const address = resolve(host, port, match.host, deadline);
        const result = netHelper().exchange({ url: url.href, method: request.method, headers: request.headers, body: request.body, address, maxBodyBytes }, deadline);
        const location = result.headers.find(([k]) => k.toLowerCase() === 'location')?.[1];
        if (result.status >= 300 && result.status < 400 && location) {
          let next: URL;
          try {
            next = new URL(location, url);
          } catch {
            throw guestError('ERR_INVALID_URL', `Invalid URL in the redirect from ${url.host}: ${location}`);
          }
          if (next.origin !== url.origin) request.headers = request.headers.filter(([name]) => !CREDENTIAL_HEADERS.has(name.toLowerCase()));
          if (result.status === 303 || ((result.status === 301 || result.status === 302) && request.method === 'POST')) {
            request.method = request.method === 'HEAD' ? 'HEAD' : 'GET';
            request.body = undefined;
          }
          url = next;
          continue;
        }
        return JSON.stringify({ status: result.status, statusText: result.statusText, headers: result.headers, url: url.href, body: result.body });
      }
      throw guestError('ERR_TOO_MANY_REDIRECTS', 'too many redirects');
    },
  };
}
