/** fetch() for the guest over isolate:guest/net. The host checks every URL (and every redirect) against the net grant. */
import { sendRequest } from './net-request.ts';

// As in the Fetch standard (and Node's fetch): a method must be a token, these are upper-cased, and
// CONNECT, TRACE and TRACK are refused. The host checks every request again.
const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
const NORMALIZED = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];
const FORBIDDEN = ['CONNECT', 'TRACE', 'TRACK'];

function fetchMethod(method: string): string {
  if (!TOKEN.test(method)) throw new TypeError(`'${method}' is not a valid HTTP method.`);
  const upper = method.toUpperCase();
  if (FORBIDDEN.includes(upper)) throw new TypeError(`'${method}' HTTP method is unsupported.`);
  return NORMALIZED.includes(upper) ? upper : method;
}

export async function isolatedFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const method = fetchMethod(init.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET'));
  const headers: [string, string][] = [];
  new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined)).forEach((value, key) => headers.push([key, value]));
  // The body is init's, else the Request's own (fetch(new Request(url, { method: 'POST', body })), as axios's fetch adapter sends).
  const body =
    init.body !== undefined && init.body !== null
      ? new Uint8Array(await new Response(init.body).arrayBuffer())
      : input instanceof Request && input.body !== null
        ? new Uint8Array(await input.arrayBuffer())
        : undefined;
  const response = sendRequest(url, method, headers, body);
  const result = new Response(response.status === 204 || response.status === 304 ? null : response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  Object.defineProperty(result, 'url', { value: response.url });
  return result;
}
