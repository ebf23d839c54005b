import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The corpus's HTTP server on 127.0.0.1, for the packages granted net (axios, node-fetch): `GET /json` answers
 * a fixed document, `/missing` a 404, anything else echoes the request (method, path, the headers scenarios set,
 * body). It runs in the test process: a guest's request blocks the app's thread until it completes, so a server
 * inside the app could never answer.
 */
export async function startCorpusServer(): Promise<{ origin: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => void answer(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body = '';
  for await (const chunk of req) body += chunk;
  if (req.url === '/json') return send(res, 200, { hello: 'world', list: [1, 2, 3] });
  if (req.url === '/missing') return send(res, 404, { error: 'not found' });
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name.startsWith('x-') || name === 'content-type' || name === 'authorization'));
  send(res, 200, { method: req.method, url: req.url, headers, body });
}

function send(res: ServerResponse, status: number, value: unknown): void {
  // No keep-alive: a native client's pooled socket, idle while the isolated side runs, would race the server's
  // idle timeout and end in "socket hang up".
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-served-by': 'corpus', connection: 'close' });
  res.end(JSON.stringify(value));
}
