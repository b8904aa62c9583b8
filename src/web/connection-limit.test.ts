import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conformancePath } from '../../test/support/paths.js';
import { createLogger } from '../util/index.js';
import { Router } from './router.js';
import { startWebServer, type WebServer } from './web-server.js';
import type { WebLimits } from './connection-limit.js';

const logger = createLogger({ level: 'error' });

async function start(limits: WebLimits, webConfigFile = ''): Promise<WebServer> {
  const router = new Router().handle('GET', '/', (_req, res) => {
    res.end('ok');
  });
  return startWebServer('127.0.0.1:0', router, logger, webConfigFile, limits);
}

/** A raw client connection that collects what it receives. */
interface Conn {
  sock: Socket;
  received(): string;
  closed: Promise<void>;
}

async function open(port: number, secure = false): Promise<Conn> {
  const sock: Socket = secure ? tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false }) : connect(port, '127.0.0.1');
  let got = '';
  sock.on('data', (b: Buffer) => (got += b.toString('latin1')));
  sock.on('error', () => {});
  const closed = new Promise<void>((r) => sock.once('close', () => r()));
  await new Promise<void>((r, j) => {
    sock.once(secure ? 'secureConnect' : 'connect', () => r());
    sock.once('error', j);
  });
  return { sock, received: () => got, closed };
}

/** Waits until `cond()` or `ms` elapsed; returns `cond()`. */
async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return cond();
}

const GET = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
const answered = (c: Conn) => c.received().includes('\r\n\r\nok');

async function connectionLimit(secure: boolean, webConfigFile = ''): Promise<void> {
  const server = await start({ maxConnections: 2 }, webConfigFile);
  try {
    const port = server.address().port;
    const a = await open(port, secure);
    const b = await open(port, secure);
    a.sock.write(GET);
    b.sock.write(GET);
    assert.ok(await waitFor(() => answered(a) && answered(b), 5000), 'the first two connections are served');
    // The third is accepted by the kernel but not served while two keep-alive connections are open.
    const c = secure ? undefined : await open(port);
    if (c) {
      c.sock.write(GET);
      assert.equal(await waitFor(() => answered(c), 300), false, 'a third connection waits');
      a.sock.destroy();
      assert.ok(await waitFor(() => answered(c), 5000), 'and is served once one closes');
      c.sock.destroy();
    } else {
      // Over TLS the handshake itself waits: start it in the background.
      let served = false;
      const pending = open(port, true).then((conn) => {
        conn.sock.write(GET);
        return waitFor(() => answered(conn), 5000).then((ok) => {
          served = ok;
          conn.sock.destroy();
        });
      });
      assert.equal(await waitFor(() => served, 300), false, 'a third connection waits');
      a.sock.destroy();
      await pending;
      assert.ok(served, 'and is served once one closes');
    }
    b.sock.destroy();
  } finally {
    await server.stop();
  }
}

test('--web.max-connections: connections beyond the limit wait until one closes (plain HTTP)', () => connectionLimit(false));

const corpus = conformancePath('webconfig/testdata');
test('--web.max-connections applies to TLS connections too', { skip: corpus ? false : 'conformance data absent' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ignis-limits-'));
  try {
    for (const f of ['server.crt', 'server.key']) copyFileSync(join(corpus!, f), join(dir, f));
    const file = join(dir, 'web.yml');
    writeFileSync(file, 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nhttp_server_config:\n  http2: false\n');
    await connectionLimit(true, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--web.read-timeout: a request that does not arrive in time, and an idle keep-alive connection, are closed', async () => {
  const server = await start({ readTimeoutMs: 300 });
  try {
    const port = server.address().port;
    const slow = await open(port);
    slow.sock.write('GET / HTTP/1.1\r\nHost: x\r\n'); // headers never finished
    const idle = await open(port);
    idle.sock.write(GET);
    assert.ok(await waitFor(() => answered(idle), 5000));
    const t0 = Date.now();
    await Promise.race([Promise.all([slow.closed, idle.closed]), new Promise((r) => setTimeout(r, 10_000))]);
    assert.ok(slow.sock.destroyed || slow.sock.readableEnded, 'the slow request was cut off');
    assert.ok(idle.sock.destroyed || idle.sock.readableEnded, 'the idle connection was closed');
    assert.ok(Date.now() - t0 < 10_000);
    // A connection that keeps sending requests within the timeout is served normally.
    const busy = await open(port);
    for (let i = 0; i < 3; i++) {
      const before = busy.received().length;
      busy.sock.write(GET);
      assert.ok(await waitFor(() => busy.received().length > before && busy.received().endsWith('ok'), 5000), `request ${i}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    busy.sock.destroy();
  } finally {
    await server.stop();
  }
});

test('without limits every connection is served at once', async () => {
  const server = await start({});
  try {
    const conns = await Promise.all(Array.from({ length: 20 }, () => open(server.address().port)));
    for (const c of conns) c.sock.write(GET);
    assert.ok(await waitFor(() => conns.every(answered), 5000));
    for (const c of conns) c.sock.destroy();
  } finally {
    await server.stop();
  }
});
