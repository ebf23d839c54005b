/** One HTTP exchange through isolate:guest/net; the host checks the URL and every redirect against the net grant. */
import { Buffer } from 'buffer';
import { request } from 'isolate:guest/net';
import { hostError, isDenial, LOG_ONLY } from './denial.ts';

export interface NetResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  /** The final URL, after redirects. */
  url: string;
  body: Buffer<ArrayBuffer>;
}

export function sendRequest(url: string, method: string, headers: [string, string][], body: Uint8Array | undefined): NetResponse {
  const payload = JSON.stringify({ url, method, headers, body: body && body.length > 0 ? Buffer.from(body).toString('base64') : undefined });
  let response: Omit<NetResponse, 'body'> & { body: string };
  try {
    response = JSON.parse(request(payload));
  } catch (error) {
    const mapped = hostError(error);
    // Under "onViolation": "log" a refused request is answered as a server would refuse it.
    if (LOG_ONLY && isDenial(mapped)) return { status: 403, statusText: 'Forbidden', headers: [], url, body: Buffer.alloc(0) };
    throw mapped;
  }
  return { ...response, body: Buffer.from(response.body, 'base64') };
}
