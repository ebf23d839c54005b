/** fetch() for the guest over isolate:guest/net. The host checks every URL (and every redirect) against the net grant. */
import { sendRequest } from './net-request.ts';

export async function isolatedFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const method = init.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET');
  const headers: [string, string][] = [];
  new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined)).forEach((value, key) => headers.push([key, value]));
  const body = init.body === undefined || init.body === null ? undefined : new Uint8Array(await new Response(init.body).arrayBuffer());
  const response = sendRequest(url, method, headers, body);
  const result = new Response(response.status === 204 || response.status === 304 ? null : response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  Object.defineProperty(result, 'url', { value: response.url });
  return result;
}
