// Stands in for isolate:guest/net when the policy grants no hosts.
import { denial } from '../denial.ts';

export function request(request: string): string {
  let target = '?';
  try {
    const url = new URL((JSON.parse(request) as { url: string }).url);
    target = url.host;
  } catch {
    // a malformed request is still a network attempt
  }
  throw denial('net', target);
}
