// The net grant's host patterns, shared by the Node and browser net providers.

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
