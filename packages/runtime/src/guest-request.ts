// The guest's request over isolate:guest/net, checked on the host side: the guest is untrusted, so the
// checks of its own node:http and fetch count for nothing here. Shared by the Node and browser providers.

/** A request as the guest's fetch/http sends it over isolate:guest/net. */
export interface GuestRequest {
  url: string;
  method: string;
  headers: [string, string][];
  body?: string; // base64
}

/**
 * Headers the host decides: Host comes from the checked URL, and the framing (length, chunking, connection
 * reuse, upgrades) from the body the host sends. A guest value there could reach another virtual host on
 * the same address or smuggle a second request on the connection.
 */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
const HOST_DECIDED = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect', 'proxy-connection', 'http2-settings']);

// The same rules and messages as Node's http (lib/_http_common.js, lib/_http_outgoing.js).
const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
const INVALID_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** An error for the guest, in the JSON form its net client turns into a Node error with `code`. */
export function guestError(code: string, message: string): string {
  return JSON.stringify({ code, message });
}

function malformed(what: string): string {
  return guestError('ERR_INVALID_ARG_TYPE', `isolate-deps: malformed net request from the guest: ${what}`);
}

/**
 * Parses and checks the guest's request: its shape, the method and each header as Node's http would, and
 * the URL. Throws the guest-facing error payload; returns the request with the host-decided headers removed.
 */
export function parseGuestRequest(text: string): { request: GuestRequest; url: URL } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed('not JSON');
  }
  const { url, method, headers, body } = (value ?? {}) as Record<string, unknown>;
  if (typeof url !== 'string') throw malformed('"url" must be a string');
  if (typeof method !== 'string') throw malformed('"method" must be a string');
  if (!Array.isArray(headers) || !headers.every((h) => Array.isArray(h) && h.length === 2 && typeof h[0] === 'string' && typeof h[1] === 'string')) {
    throw malformed('"headers" must be an array of [name, value] strings');
  }
  if (body !== undefined && (typeof body !== 'string' || !BASE64.test(body))) throw malformed('"body" must be a base64 string');
  if (!TOKEN.test(method)) throw guestError('ERR_INVALID_HTTP_TOKEN', `Method must be a valid HTTP token ["${method}"]`);
  // Fetch's forbidden methods: CONNECT opens a tunnel, not a request/response exchange; TRACE and TRACK echo credentials back.
  if (FORBIDDEN_METHODS.has(method.toUpperCase())) throw guestError('ERR_INVALID_ARG_VALUE', `The ${method.toUpperCase()} method is not available to an isolated package`);
  for (const [name, headerValue] of headers as [string, string][]) {
    if (!TOKEN.test(name)) throw guestError('ERR_INVALID_HTTP_TOKEN', `Header name must be a valid HTTP token ["${name}"]`);
    if (INVALID_HEADER_CHAR.test(headerValue)) throw guestError('ERR_INVALID_CHAR', `Invalid character in header content ["${name}"]`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw guestError('ERR_INVALID_URL', `Invalid URL: ${url}`);
  }
  const kept = (headers as [string, string][]).filter(([name]) => !HOST_DECIDED.has(name.toLowerCase()));
  return { request: { url, method, headers: kept, body }, url: parsed };
}
