/**
 * The scrape target the UI tests control: a small app instrumented with prom-client (its own
 * registry) on an ephemeral 127.0.0.1 port. Its counters and gauge hold fixed values, so that a
 * query's answer is known; `broken = true` makes `/metrics` answer 500 until it is set back.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import client from 'prom-client';

/** `http_requests_total` of the target, by `{method, code}`. */
export const APP_REQUESTS: readonly { method: string; code: string; value: number }[] = [
  { method: 'get', code: '200', value: 1027 },
  { method: 'post', code: '500', value: 3 },
];

/** `app_temperature_celsius` of the target. */
export const APP_TEMPERATURE = 21.5;

/** A running target. */
export interface AppTarget {
  /** `127.0.0.1:<port>`, the target's `instance`. */
  readonly address: string;
  /** While true, `/metrics` answers `500 broken on purpose`. */
  broken: boolean;
  close(): Promise<void>;
}

/** Starts the target. */
export async function startAppTarget(): Promise<AppTarget> {
  const registry = new client.Registry();
  const requests = new client.Counter({ name: 'http_requests_total', help: 'Total HTTP requests.', labelNames: ['method', 'code'], registers: [registry] });
  for (const r of APP_REQUESTS) requests.inc({ method: r.method, code: r.code }, r.value);
  const temp = new client.Gauge({ name: 'app_temperature_celsius', help: "Temperature of the app's room.", registers: [registry] });
  temp.set(APP_TEMPERATURE);
  const state = { broken: false };
  const srv: Server = createServer((req, res) => {
    if (req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    if (state.broken) {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end('broken on purpose\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(body),
      (err: Error) => res.writeHead(500).end(err.message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const { port } = srv.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    get broken() {
      return state.broken;
    },
    set broken(b: boolean) {
      state.broken = b;
    },
    close: () =>
      new Promise<void>((resolve) => {
        srv.closeAllConnections();
        srv.close(() => resolve());
      }),
  };
}
