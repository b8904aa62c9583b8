import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { PlainGetConnection, plainGetRequest, type PlainGetHead, type PlainGetSink } from './plain-get.js';

/** Collects one response. */
class Collect implements PlainGetSink {
  h: PlainGetHead | undefined;
  parts: Buffer[] = [];
  head(h: PlainGetHead): void {
    this.h = h;
  }
  body(src: Buffer, start: number, end: number): void {
    this.parts.push(Buffer.from(src.subarray(start, end))); // the source is only valid during the call
  }
  get text(): string {
    return Buffer.concat(this.parts).toString();
  }
}

async function withServer(handler: http.RequestListener, fn: (port: number, stats: { connections: number }) => Promise<void>): Promise<void> {
  const server = http.createServer(handler);
  const stats = { connections: 0 };
  server.on('connection', () => stats.connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await fn((server.address() as AddressInfo).port, stats);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

async function get(conn: PlainGetConnection, port: number, path = '/metrics', headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Collect> {
  const c = new Collect();
  await conn.get(plainGetRequest(new URL(`http://127.0.0.1:${port}${path}`), headers), c, signal);
  return c;
}

test('PlainGetConnection: Content-Length bodies over one kept-alive connection, request line and headers as given', async () => {
  const big = 'x'.repeat(300_000) + '\n';
  const seen: http.IncomingHttpHeaders[] = [];
  await withServer(
    (req, res) => {
      seen.push(req.headers);
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end(req.url === '/big' ? big : `path ${req.url}`);
    },
    async (port, stats) => {
      const conn = new PlainGetConnection('127.0.0.1', port);
      const a = await get(conn, port, '/metrics?x=1', { accept: 'text/plain', 'user-agent': 'ua/1' });
      assert.equal(a.h!.status, 200);
      assert.equal(a.h!.statusText, 'OK');
      assert.equal(a.h!.headers.get('content-type'), 'text/plain; version=0.0.4');
      assert.equal(a.text, 'path /metrics?x=1');
      assert.equal(seen[0]!.host, `127.0.0.1:${port}`);
      assert.equal(seen[0]!['user-agent'], 'ua/1');
      assert.equal(seen[0]!.accept, 'text/plain');
      for (let i = 0; i < 3; i++) assert.equal((await get(conn, port, '/big')).text, big);
      assert.equal(stats.connections, 1);
      conn.close();
    },
  );
});

test('PlainGetConnection: chunked and close-delimited bodies; 1xx skipped; error statuses delivered', async () => {
  await withServer(
    (req, res) => {
      if (req.url === '/chunked') {
        res.writeProcessing();
        res.write('a'.repeat(70_000));
        setTimeout(() => res.end('tail'), 5);
      } else if (req.url === '/close') {
        res.shouldKeepAlive = false;
        res.removeHeader('content-length');
        res.write('until ');
        res.end('close');
      } else {
        res.statusCode = 503;
        res.end('down');
      }
    },
    async (port, stats) => {
      const conn = new PlainGetConnection('127.0.0.1', port);
      const c = await get(conn, port, '/chunked');
      assert.equal(c.h!.headers.get('transfer-encoding'), 'chunked');
      assert.equal(c.text, 'a'.repeat(70_000) + 'tail');
      assert.equal((await get(conn, port, '/close')).text, 'until close');
      const e = await get(conn, port, '/other');
      assert.equal(e.h!.status, 503);
      assert.equal(e.h!.statusText, 'Service Unavailable');
      assert.equal(e.text, 'down');
      assert.equal(stats.connections, 2); // the close-delimited body ended the first connection
      conn.close();
    },
  );
});

test('PlainGetConnection: a server closing the idle connection is retried on a new one; refused and aborted requests reject', async () => {
  let n = 0;
  await withServer(
    (_req, res) => {
      n++;
      res.end(`r${n}`);
      // Close every connection right after its first response, keeping the keep-alive headers.
      res.socket?.end();
    },
    async (port, stats) => {
      const conn = new PlainGetConnection('127.0.0.1', port);
      assert.equal((await get(conn, port)).text, 'r1');
      await new Promise((r) => setTimeout(r, 20));
      assert.equal((await get(conn, port)).text, 'r2');
      assert.equal(stats.connections, 2);
      conn.close();
      await assert.rejects(get(conn, port), { code: 'ERR_CLOSED' });
    },
  );
  // A port nobody listens on: Node's connect error, as undici reports it.
  const free = net.createServer();
  await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
  const port = (free.address() as AddressInfo).port;
  await new Promise((r) => free.close(r));
  await assert.rejects(get(new PlainGetConnection('127.0.0.1', port), port), { code: 'ECONNREFUSED' });
  // A server that never answers: the signal's reason.
  const held: net.Socket[] = [];
  const silent = net.createServer((s) => held.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const sport = (silent.address() as AddressInfo).port;
  const conn = new PlainGetConnection('127.0.0.1', sport);
  await assert.rejects(get(conn, sport, '/', {}, AbortSignal.timeout(50)), { name: 'TimeoutError' });
  conn.close();
  for (const s of held) s.destroy();
  await new Promise((r) => silent.close(r));
});

test('PlainGetConnection: a server closing before answering is EOF; mid-body is unexpected EOF; garbage is malformed', async () => {
  const server = net.createServer((sock) => {
    sock.once('data', (d) => {
      const path = d.toString().split(' ')[1];
      if (path === '/eof') sock.end();
      else if (path === '/short') sock.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
      else sock.end('SSH-2.0-OpenSSH\r\n\r\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    await assert.rejects(get(new PlainGetConnection('127.0.0.1', port), port, '/eof'), { code: 'EOF', message: 'EOF' });
    await assert.rejects(get(new PlainGetConnection('127.0.0.1', port), port, '/short'), { message: 'unexpected EOF' });
    await assert.rejects(get(new PlainGetConnection('127.0.0.1', port), port, '/ssh'), { code: 'ERR_MALFORMED_RESPONSE', message: /malformed HTTP response "SSH-2.0-OpenSSH"/ });
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test('PlainGetConnection: a sink that throws fails the request with its error and drops the connection', async () => {
  await withServer(
    (_req, res) => res.end('y'.repeat(200_000)),
    async (port, stats) => {
      const conn = new PlainGetConnection('127.0.0.1', port);
      const sink: PlainGetSink = {
        head: () => undefined,
        body: () => {
          throw new Error('too big');
        },
      };
      await assert.rejects(conn.get(plainGetRequest(new URL(`http://127.0.0.1:${port}/`), {}), sink), { message: 'too big' });
      assert.equal((await get(conn, port)).text.length, 200_000);
      assert.equal(stats.connections, 2);
      conn.close();
    },
  );
});
