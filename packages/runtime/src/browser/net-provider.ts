import { parseGuestRequest, type GuestRequest } from '../guest-request.ts';
import { hostMatches, parsePattern } from '../host-patterns.ts';

// Taken when the runtime loads, so a page script that later replaces it cannot see the guest's traffic.
const PageXMLHttpRequest = globalThis.XMLHttpRequest;

/**
 * The host side of isolate:guest/net in a page. The guest's host call is synchronous, so the request is a
 * synchronous XMLHttpRequest: it blocks the page while it runs (as the package's own synchronous API
 * would). The browser applies CORS and follows redirects itself: the first URL is checked before the
 * request, the final URL after it (a response from a host outside the grant is discarded and reported).
 * There is no DNS here, so a granted name cannot be checked for a private address as on Node.
 */
export function createBrowserNetProvider(patterns: string[], deny: (target: string) => never) {
  const parsed = patterns.map(parsePattern);
  const check = (url: URL): void => {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') deny(`${url.protocol}//${url.host}`);
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    const host = url.hostname.toLowerCase();
    if (!parsed.some((p) => hostMatches(p, host, port))) deny(`${host}:${port}`);
  };

  return {
    request(text: string): string {
      const incoming = parseGuestRequest(text);
      const request: GuestRequest = incoming.request;
      const url = incoming.url;
      check(url);
      const xhr = new PageXMLHttpRequest();
      xhr.open(request.method, url.href, false);
      // Bytes, not text: each char of the response is one byte.
      xhr.overrideMimeType('text/plain; charset=x-user-defined');
      for (const [name, value] of request.headers) {
        try {
          xhr.setRequestHeader(name, value);
        } catch {
          // headers a page may not set (Host, Cookie, ...) are left to the browser
        }
      }
      try {
        xhr.send(request.body ? fromBase64(request.body) : null);
      } catch (error) {
        throw JSON.stringify({ code: 'ERR_NETWORK', message: `request to ${url.host} failed: ${error instanceof Error ? error.message : String(error)}` });
      }
      if (xhr.status === 0) throw JSON.stringify({ code: 'ERR_NETWORK', message: `request to ${url.host} failed (network error or refused by CORS)` });
      const final = new URL(xhr.responseURL || url.href);
      if (final.href !== url.href) check(final);
      return JSON.stringify({ status: xhr.status, statusText: xhr.statusText, headers: parseHeaders(xhr.getAllResponseHeaders()), url: final.href, body: binaryToBase64(xhr.responseText) });
    },
  };
}

function parseHeaders(raw: string): [string, string][] {
  return raw
    .split(/\r?\n/)
    .filter((line) => line.includes(':'))
    .map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as [string, string];
    });
}

function fromBase64(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function binaryToBase64(binary: string): string {
  let bytes = '';
  for (let i = 0; i < binary.length; i++) bytes += String.fromCharCode(binary.charCodeAt(i) & 0xff);
  return btoa(bytes);
}
