/**
 * A fake Alertmanager for notifier tests: an HTTP server on 127.0.0.1 (ephemeral port) that
 * records every request and answers it with a fixed status, or never (`'hang'`, for timeouts).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

/** One request the fake received. */
export interface ReceivedPost {
  /** `Date.now()` when the body had arrived. */
  readonly at: number;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The body as sent. */
  readonly text: string;
}

/** Starts the fake; it answers `status` (200 by default) or never, and is closed after `t`. */
export async function startFakeAlertmanager(t: TestContext, status: number | 'hang' = 200): Promise<{ addr: string; posts: ReceivedPost[] }> {
  const posts: ReceivedPost[] = [];
  const srv = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      posts.push({ at: Date.now(), path: req.url ?? '', headers: req.headers, text });
      if (status !== 'hang') res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(
    () =>
      new Promise<void>((r) => {
        srv.closeAllConnections();
        srv.close(() => r());
      }),
  );
  return { addr: `127.0.0.1:${(srv.address() as AddressInfo).port}`, posts };
}
