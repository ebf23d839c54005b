import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local HTTP server standing in for an exfiltration endpoint (or an allowed API): it records every request. */
export interface RecordingServer {
  url: string;
  port: number;
  requests: { method: string; url: string; body: string }[];
  close(): Promise<void>;
}

export async function startRecordingServer(respond?: (req: IncomingMessage) => { status: number; headers?: Record<string, string>; body?: string }): Promise<RecordingServer> {
  const requests: RecordingServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', body });
      const reply = respond?.(req) ?? { status: 200, body: 'ok' };
      res.writeHead(reply.status, reply.headers ?? { 'content-type': 'text/plain' });
      res.end(reply.body ?? '');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, requests, close: () => new Promise((r) => server.close(() => r())) };
}
