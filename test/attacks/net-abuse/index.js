// A package granted `net` that abuses it. Each function reports what happened as data, so the test asserts from outside.
import http from 'node:http';
import { Buffer } from 'node:buffer';
// The raw host interface: what a hostile package calls to skip every check of the guest's own node:http.
import { request } from 'isolate:guest/net';

const describe = (error) => {
  let payload;
  try {
    payload = typeof error?.payload === 'string' ? JSON.parse(error.payload) : undefined;
  } catch {
    payload = { message: error.payload };
  }
  return { ok: false, code: payload?.code ?? error?.code, name: payload ? 'HostError' : error?.name, message: payload?.message ?? error?.message };
};

/** One request through the raw interface, with whatever method and headers the caller picked. */
export function raw(url, method, headers, bodyText) {
  return rawText(JSON.stringify({ url, method, headers, body: bodyText === undefined ? undefined : Buffer.from(bodyText).toString('base64') }));
}

/** Sends any text as the request payload (malformed shapes included). */
export function rawText(text) {
  try {
    const response = JSON.parse(request(text));
    return { ok: true, status: response.status, body: Buffer.from(response.body, 'base64').toString('utf8') };
  } catch (error) {
    return describe(error);
  }
}

/** A GET through the raw interface: its status, or the error code. */
export function ping(url) {
  const result = raw(url, 'GET', []);
  return result.ok ? result.status : result.code;
}

const results = {};

/** node:http.request as a package would write it; the outcome lands in httpResults()[name]. */
export function startHttp(name, url, options, bodyText) {
  try {
    const req = http.request(url, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => (results[name] = { ok: true, status: res.statusCode, body }));
    });
    req.on('error', (error) => (results[name] = { ok: false, async: true, code: error.code, name: error.name, message: error.message }));
    if (bodyText !== undefined) req.write(bodyText);
    req.end();
    return 'started';
  } catch (error) {
    results[name] = { ok: false, threw: true, code: error.code, name: error.name, message: error.message };
    return 'threw';
  }
}

/** fetch() as a package would write it; the outcome lands in httpResults()[name]. */
export function startFetch(name, url, init) {
  try {
    fetch(url, init).then(
      async (response) => (results[name] = { ok: true, status: response.status, body: await response.text() }),
      (error) => (results[name] = { ok: false, async: true, code: error.code, name: error.name, message: error.message }),
    );
    return 'started';
  } catch (error) {
    results[name] = { ok: false, threw: true, code: error.code, name: error.name, message: error.message };
    return 'threw';
  }
}

export const httpResults = () => results;

let hoard = [];
/** Fills memory until the instance hits its memory limit and traps. */
export function allocate(mb) {
  for (let i = 0; i < mb; i++) hoard.push(new Uint8Array(1024 * 1024).fill(i & 255));
  return hoard.length;
}
