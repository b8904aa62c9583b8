import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConfiguredHTTPClient, tlsConnectionOptions, type HTTPClientSettings, type TLSSettings } from './index.js';

const secret = (s: string) => ({ reveal: () => s });

const NO_TLS: TLSSettings = {
  ca: '',
  cert: '',
  key: secret(''),
  ca_file: '',
  cert_file: '',
  key_file: '',
  server_name: '',
  insecure_skip_verify: false,
  min_version: '',
  max_version: '',
};

/** Runs `fn` against a local server that records request headers and answers 204. */
async function withServer(fn: (url: string, seen: IncomingHttpHeaders[]) => Promise<void>): Promise<void> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, seen);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

async function send(cfg: HTTPClientSettings, opts: Parameters<typeof createConfiguredHTTPClient>[1], url: string, headers?: Record<string, string>): Promise<void> {
  const c = createConfiguredHTTPClient(cfg, opts);
  try {
    const res = await c.request(url, { headers });
    await res.body.dump();
  } finally {
    await c.close();
  }
}

test('headers: http_headers under request headers under authentication; the User-Agent fixed or overridable', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ignis-util-http-'));
  try {
    writeFileSync(join(dir, 'h'), 'from-file\n');
    writeFileSync(join(dir, 'token'), 'tok\n');
    const cfg: HTTPClientSettings = {
      tls_config: NO_TLS,
      authorization: { type: '', credentials: secret(''), credentials_file: join(dir, 'token') },
      http_headers: {
        'X-Multi': { values: ['a'], secrets: [secret('b')], files: [join(dir, 'h')] },
        'X-Req': { values: ['configured'], secrets: [], files: [] },
        'User-Agent': { values: ['from-config'], secrets: [], files: [] },
        Authorization: { values: ['never'], secrets: [], files: [] },
      },
    };
    await withServer(async (url, seen) => {
      await send(cfg, { userAgent: 'fixed/1' }, url, { 'X-Req': 'request' });
      await send(cfg, { userAgent: 'default/1', userAgentOverridable: true }, url);
      assert.equal(seen[0]!['x-multi'], 'a, b, from-file');
      assert.equal(seen[0]!['x-req'], 'request');
      assert.equal(seen[0]!['user-agent'], 'fixed/1');
      assert.equal(seen[0]!.authorization, 'Bearer tok');
      assert.equal(seen[1]!['user-agent'], 'from-config');
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('authentication: basic_auth wins over the fallback; the fallback is used when nothing is configured', async () => {
  await withServer(async (url, seen) => {
    const fallback = async () => 'Bearer fallback';
    await send({ tls_config: NO_TLS, basic_auth: { username: 'u', username_file: '', password: secret('p'), password_file: '' } }, { userAgent: 'x', fallbackAuthorization: fallback }, url);
    await send({ tls_config: NO_TLS }, { userAgent: 'x', fallbackAuthorization: fallback }, url);
    await send({ tls_config: NO_TLS }, { userAgent: 'x' }, url);
    assert.equal(seen[0]!.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.equal(seen[1]!.authorization, 'Bearer fallback');
    assert.equal(seen[2]!.authorization, undefined);
  });
});

test('tlsConnectionOptions: TLS 1.2 minimum by default, version bounds, an unreadable file named in the error', () => {
  assert.equal(tlsConnectionOptions(NO_TLS).minVersion, 'TLSv1.2');
  const o = tlsConnectionOptions({ ...NO_TLS, min_version: 'TLS13', max_version: 'TLS13', server_name: 'x', insecure_skip_verify: true, ca: 'PEM' });
  assert.deepEqual(
    { min: o.minVersion, max: o.maxVersion, sni: o.servername, verify: o.rejectUnauthorized, ca: o.ca },
    { min: 'TLSv1.3', max: 'TLSv1.3', sni: 'x', verify: false, ca: 'PEM' },
  );
  assert.throws(() => tlsConnectionOptions({ ...NO_TLS, ca_file: '/nonexistent/ca.pem' }), /unable to read CA cert \/nonexistent\/ca\.pem/);
});
