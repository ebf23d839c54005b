/** fetch() for the guest over isolate:guest/net. The host checks every URL (and every redirect) against the net grant. */
import { request } from 'isolate:guest/net';
import { Buffer } from 'buffer';
import { hostError } from './denial.ts';

interface HostResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  url: string;
  body: string; // base64
}

export async function isolatedFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const method = init.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET');
  const headers: [string, string][] = [];
  new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined)).forEach((value, key) => headers.push([key, value]));
  const body = init.body === undefined || init.body === null ? undefined : await new Response(init.body).arrayBuffer();
  const payload = JSON.stringify({ url, method, headers, body: body ? Buffer.from(body).toString('base64') : undefined });
  let response: HostResponse;
  try {
    response = JSON.parse(request(payload)) as HostResponse;
  } catch (error) {
    throw hostError(error);
  }
  const bytes = Buffer.from(response.body, 'base64');
  const result = new Response(response.status === 204 || response.status === 304 ? null : bytes, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  Object.defineProperty(result, 'url', { value: response.url });
  return result;
}
