// Stands in for isolate:guest/net when the policy grants no hosts.
import { denial } from '../denial.ts';

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };

export function request(request: string): string {
  let target = '?';
  try {
    const url = new URL((JSON.parse(request) as { url: string }).url);
    // host:port, as the host reports a denial when some hosts are granted (and as a grant names it).
    target = `${url.hostname.includes(':') ? `[${url.hostname.replace(/^\[|\]$/g, '')}]` : url.hostname}:${url.port || DEFAULT_PORTS[url.protocol] || '?'}`;
  } catch {
    // a malformed request is still a network attempt
  }
  throw denial('net', target);
}
