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

/** Parses the guest's request; a bad URL is a TypeError-like payload for the guest, as in Node. */
export function parseGuestRequest(text: string): { request: GuestRequest; url: URL } {
  const request = JSON.parse(text) as GuestRequest;
  try {
    return { request, url: new URL(request.url) };
  } catch {
    throw JSON.stringify({ code: 'ERR_INVALID_URL', message: `Invalid URL: ${request.url}` });
  }
}
