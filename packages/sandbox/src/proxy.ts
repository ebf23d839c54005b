import net from 'node:net';
import type { NetGrants } from './net-grant.ts';
import type { Violation } from './types.ts';

const MAX_HEAD = 64 * 1024;

/**
 * The host side of a sandbox's network: an HTTP proxy on a unix socket (bound into the sandbox) that
 * opens a connection only to granted host:port, for CONNECT (HTTPS) and absolute-URI HTTP requests.
 * Name resolution happens here, so the sandbox needs no DNS; each refusal is recorded.
 */
export class FilteringProxy {
  readonly refused: Violation[] = [];
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly grants: NetGrants) {
    this.server = net.createServer((client) => this.accept(client));
  }

  listen(socketPath: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(socketPath, () => resolve());
    });
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: net.Socket): net.Socket {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    return socket;
  }

  private accept(client: net.Socket): void {
    this.track(client);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) {
        if (head.length > MAX_HEAD) this.refuse(client, 431, '(request head too large)', 'request head over 64 KiB');
        return;
      }
      client.off('data', onData);
      client.pause();
      this.route(client, head.subarray(0, end).toString('latin1'), head.subarray(end + 4));
    };
    client.on('data', onData);
  }

  private route(client: net.Socket, head: string, rest: Buffer): void {
    const [requestLine = '', ...headers] = head.split('\r\n');
    const [method = '', target = '', version = 'HTTP/1.1'] = requestLine.split(' ');
    let host: string;
    let port: number;
    let forwardHead: string | undefined;
    if (method === 'CONNECT') {
      const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(target);
      if (!m) return this.refuse(client, 400, target, 'malformed CONNECT target');
      host = m[1]!.replace(/^\[|\]$/g, '');
      port = Number(m[2]);
    } else {
      let url: URL;
      try {
        url = new URL(target);
      } catch {
        return this.refuse(client, 400, target, `not a proxy request (${method} ${target})`);
      }
      if (url.protocol !== 'http:') return this.refuse(client, 400, target, `unsupported scheme ${url.protocol}`);
      host = url.hostname.replace(/^\[|\]$/g, '');
      port = Number(url.port || 80);
      // One request per connection: a second request on a kept-alive connection could name another host.
      const kept = headers.filter((h) => !/^(proxy-connection|connection|keep-alive|proxy-authorization):/i.test(h));
      forwardHead = [`${method} ${url.pathname}${url.search} ${version}`, ...kept, 'Connection: close', '', ''].join('\r\n');
    }
    if (!this.grants.allows(host, port)) return this.refuse(client, 403, `${host}:${port}`, 'not granted');
    const upstream = this.track(net.connect({ host, port }));
    upstream.once('connect', () => {
      if (forwardHead === undefined) client.write(`${version} 200 Connection Established\r\n\r\n`);
      else upstream.write(forwardHead);
      if (rest.length > 0) upstream.write(rest);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.once('error', (error) => {
      if (!client.destroyed) client.end(`${version} 502 Bad Gateway\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nisolate-deps proxy: ${host}:${port}: ${(error as Error).message}\n`);
    });
  }

  private refuse(client: net.Socket, status: number, target: string, reason: string): void {
    this.refused.push({ kind: 'net', target, via: 'proxy', detail: `refused by the sandbox proxy: ${reason}` });
    const text = status === 403 ? 'Forbidden' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
    client.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nisolate-deps sandbox: ${target} is not granted to this script\n`);
  }
}
