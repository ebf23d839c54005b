/** One "host[:port]" grant: an exact host or "*.suffix", any port when none is given. */
interface HostPattern {
  host: string;
  wildcard: boolean;
  port: number | undefined;
}

function parse(pattern: string): HostPattern {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(pattern.trim().toLowerCase());
  if (!match) throw new Error(`invalid host pattern "${pattern}" (expected host, host:port or *.domain[:port])`);
  const host = match[1]!.replace(/^\[|\]$/g, '');
  const wildcard = host.startsWith('*.');
  return { host: wildcard ? host.slice(1) : host, wildcard, port: match[2] === undefined ? undefined : Number(match[2]) };
}

/** The hosts a sandboxed command may reach, checked by the filtering proxy for each connection. */
export class NetGrants {
  private readonly patterns: HostPattern[];
  constructor(readonly granted: string[]) {
    this.patterns = granted.map(parse);
  }

  allows(host: string, port: number): boolean {
    const h = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
    return this.patterns.some((p) => (p.port === undefined || p.port === port) && (p.wildcard ? h.endsWith(p.host) && h.length > p.host.length : h === p.host));
  }
}
