// The net grant's host patterns and the guest's request format, shared by the Node and browser net providers.

export interface HostPattern {
  host: string;
  port: string | undefined;
}

/** "api.example.com:443", "*.example.com", "127.0.0.1:*" → host and optional port. */
export function parsePattern(pattern: string): HostPattern {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+|\*))?$/.exec(pattern.trim().toLowerCase());
  return { host: match?.[1] ?? pattern, port: match?.[2] };
}

export function hostMatches(pattern: HostPattern, host: string, port: string): boolean {
  const hostOk = pattern.host.startsWith('*.') ? host.endsWith(pattern.host.slice(1)) : host === pattern.host;
  const portOk = pattern.port === undefined ? port === '80' || port === '443' : pattern.port === '*' || pattern.port === port;
  return hostOk && portOk;
}

/** A request as the guest's fetch/http sends it over isolate:guest/net. */
export interface GuestRequest {
  url: string;
  method: string;
  headers: [string, string][];
  body?: string; // base64
}

// RFC 9110: a method and a header name are tokens; a header value has no CR, LF, NUL or other control but tab.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

const refuse = (code: string, message: string): never => {
  throw JSON.stringify({ code, message });
};

/**
 * Parses and checks the guest's request before anything acts on it: the request is untrusted input, and
 * a malformed one reaching Node's http client would throw on the request thread instead of failing this
 * call. A bad URL is a TypeError-like payload for the guest, as in Node.
 */
export function parseGuestRequest(text: string): { request: GuestRequest; url: URL } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    refuse('ERR_INVALID_ARG_VALUE', 'isolate-deps: the network request is not JSON');
  }
  const { url, method, headers, body } = (typeof parsed === 'object' && parsed !== null ? parsed : refuse('ERR_INVALID_ARG_TYPE', 'isolate-deps: the network request is not an object')) as Record<string, unknown>;
  if (typeof url !== 'string') refuse('ERR_INVALID_ARG_TYPE', 'isolate-deps: the request URL must be a string');
  if (typeof method !== 'string' || !TOKEN.test(method)) refuse('ERR_INVALID_HTTP_TOKEN', 'isolate-deps: the request method must be a valid HTTP token');
  // Fetch's forbidden methods: CONNECT opens a tunnel (the request thread would wait for a response that never comes), TRACE/TRACK echo credentials.
  if (FORBIDDEN_METHODS.has((method as string).toUpperCase())) refuse('ERR_INVALID_ARG_VALUE', `isolate-deps: the ${(method as string).toUpperCase()} method is not available to an isolated package`);
  if (!Array.isArray(headers)) refuse('ERR_INVALID_ARG_TYPE', 'isolate-deps: the request headers must be a list of [name, value] pairs');
  for (const header of headers as unknown[]) {
    if (!Array.isArray(header) || header.length !== 2 || typeof header[0] !== 'string' || typeof header[1] !== 'string') refuse('ERR_INVALID_ARG_TYPE', 'isolate-deps: each request header must be a [name, value] pair of strings');
    const [name, value] = header as [string, string];
    if (!TOKEN.test(name)) refuse('ERR_INVALID_HTTP_TOKEN', 'isolate-deps: a header name must be a valid HTTP token');
    if (!HEADER_VALUE.test(value)) refuse('ERR_INVALID_CHAR', `isolate-deps: invalid character in the value of header "${name}"`);
  }
  if (body !== undefined && (typeof body !== 'string' || !BASE64.test(body))) refuse('ERR_INVALID_ARG_TYPE', 'isolate-deps: the request body must be base64');
  const request: GuestRequest = { url: url as string, method: method as string, headers: (headers as [string, string][]).map(([name, value]) => [name, value]), body: body as string | undefined };
  try {
    return { request, url: new URL(request.url) };
  } catch {
    return refuse('ERR_INVALID_URL', `Invalid URL: ${request.url}`);
  }
}
