/**
 * `ignis server --web.max-connections --web.read-timeout` end to end: with two connections
 * allowed, two idle keep-alive clients hold both slots and a third client waits; the read
 * timeout closes the idle ones, and the third is then served.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startIgnis } from './server/processes.js';

const GET = 'GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n';

interface Conn {
  sock: Socket;
  received(): string;
  closed: Promise<void>;
}

async function open(port: number): Promise<Conn> {
  const sock = connect(port, '127.0.0.1');
  let got = '';
  sock.on('data', (b: Buffer) => (got += b.toString('latin1')));
  sock.on('error', () => {});
  const closed = new Promise<void>((r) => sock.once('close', () => r()));
  await new Promise<void>((r, j) => {
    sock.once('connect', () => r());
    sock.once('error', j);
  });
  return { sock, received: () => got, closed };
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return cond();
}

const ok = (c: Conn) => c.received().startsWith('HTTP/1.1 200');

test('ignis server: --web.max-connections holds extra connections; --web.read-timeout closes idle ones', { timeout: 60_000 }, async (t) => {
  const ignis = await startIgnis({ config: 'global:\n  scrape_interval: 1s\n', args: ['--web.max-connections=2', '--web.read-timeout=2s'] });
  t.after(() => ignis.stop());
  const a = await open(ignis.port);
  const b = await open(ignis.port);
  a.sock.write(GET);
  b.sock.write(GET);
  assert.ok(await waitFor(() => ok(a) && ok(b), 10_000), 'two connections are served');
  const c = await open(ignis.port);
  c.sock.write(GET);
  assert.equal(await waitFor(() => ok(c), 500), false, 'the third waits while two are open');
  // Both idle keep-alive connections are closed by the read timeout; then the third is served.
  assert.ok(await waitFor(() => ok(c), 15_000), 'the third is served once the idle ones time out');
  await Promise.race([Promise.all([a.closed, b.closed]), new Promise((r) => setTimeout(r, 5000))]);
  assert.ok(a.sock.destroyed || a.sock.readableEnded);
  assert.ok(b.sock.destroyed || b.sock.readableEnded);
  c.sock.destroy();
});
