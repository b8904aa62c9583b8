import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '../../model/labels/index.js';
import { createRegistry } from '../../util/index.js';
import { createRemoteHTTPClient } from './http-client.js';
import { RecoverableError, RemoteWriteError, createWriteClient, retryAfterMs } from './write-client.js';
import { RemoteWriteStorage } from './write-storage.js';
import { SyntheticSource, testWriteSettings } from './testing.js';
import { testCerts } from '../../../test/support/test-certs.js';

const secret = (s: string) => ({ reveal: () => s });

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

test('auth and headers: basic_auth (password file), bearer credentials re-read per request, headers, http_headers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ignis-rw-auth-'));
  const seen: IncomingMessage['headers'][] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  const port = await listen(server);
  const url = `http://127.0.0.1:${port}/api/v1/write`;
  try {
    writeFileSync(join(dir, 'pw'), 's3cret\n');
    const basic = testWriteSettings(url, {}, { basic_auth: { username: 'prom', username_file: '', password: secret(''), password_file: join(dir, 'pw') }, headers: { 'X-Scope-OrgID': 'tenant-1' } });
    await createWriteClient(createRemoteHTTPClient(basic), url, false).store(Buffer.from('x'));
    assert.equal(seen[0]!.authorization, `Basic ${Buffer.from('prom:s3cret').toString('base64')}`);
    assert.equal(seen[0]!['x-scope-orgid'], 'tenant-1');
    assert.equal(seen[0]!['content-encoding'], 'snappy');
    writeFileSync(join(dir, 'token'), 'tok-1');
    const bearer = testWriteSettings(url, {}, {
      authorization: { type: 'Bearer', credentials: secret(''), credentials_file: join(dir, 'token') },
      http_headers: { 'X-Extra': { values: ['a'], secrets: [secret('b')], files: [] } },
    });
    const c = createWriteClient(createRemoteHTTPClient(bearer), url, false);
    await c.store(Buffer.from('x'));
    writeFileSync(join(dir, 'token'), 'tok-2');
    await c.store(Buffer.from('x'));
    assert.equal(seen[1]!.authorization, 'Bearer tok-1');
    assert.equal(seen[2]!.authorization, 'Bearer tok-2', 'rotated token picked up');
    assert.equal(seen[1]!['x-extra'], 'a, b');
    await c.close();
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('TLS: tls_config.ca_file verifies the server; an unknown CA is a recoverable failure', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ignis-rw-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const c = testCerts(dir);
  if (!c) return t.skip('openssl not available');
  const server = createHttpsServer({ cert: c.cert, key: c.key }, (req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  const port = await listen(server as unknown as Server);
  const url = `https://127.0.0.1:${port}/api/v1/write`;
  try {
    const tls = { ...testWriteSettings(url).tls_config, ca_file: c.caFile };
    await createWriteClient(createRemoteHTTPClient(testWriteSettings(url, {}, { tls_config: tls })), url, false).store(Buffer.from('x'));
    await assert.rejects(createWriteClient(createRemoteHTTPClient(testWriteSettings(url)), url, false).store(Buffer.from('x')), (err: Error) => err instanceof RecoverableError && /certificate/i.test(err.message));
    const skip = { ...testWriteSettings(url).tls_config, insecure_skip_verify: true };
    await createWriteClient(createRemoteHTTPClient(testWriteSettings(url, {}, { tls_config: skip })), url, false).store(Buffer.from('x'));
    assert.throws(() => createRemoteHTTPClient(testWriteSettings(url, {}, { tls_config: { ...tls, ca_file: join(dir, 'missing.crt') } })), /unable to read CA cert/);
  } finally {
    server.close();
  }
});

test('status classification and remote_timeout, with upstream\'s error texts', async () => {
  let answer = 500;
  let delay = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => res.writeHead(answer, { 'Retry-After': '7' }).end('first line\nsecond line'), delay));
  });
  const port = await listen(server);
  const url = `http://127.0.0.1:${port}/api/v1/write`;
  try {
    const c = createWriteClient(createRemoteHTTPClient(testWriteSettings(url, {}, { remote_timeout: 1500 })), url, true);
    await assert.rejects(c.store(Buffer.from('x')), (e: Error) => e instanceof RecoverableError && e.retryAfterMs === 0 && e.message === 'server returned HTTP status 500 Internal Server Error: first line');
    answer = 429;
    await assert.rejects(c.store(Buffer.from('x')), (e: Error) => e instanceof RecoverableError && e.retryAfterMs === 7000);
    answer = 400;
    await assert.rejects(c.store(Buffer.from('x')), (e: Error) => e instanceof RemoteWriteError && !(e instanceof RecoverableError) && /400 Bad Request: first line$/.test(e.message));
    const no429 = createWriteClient(createRemoteHTTPClient(testWriteSettings(url)), url, false);
    answer = 429;
    await assert.rejects(no429.store(Buffer.from('x')), (e: Error) => !(e instanceof RecoverableError));
    answer = 204;
    delay = 3000;
    await assert.rejects(c.store(Buffer.from('x')), (e: Error) => e instanceof RecoverableError && e.message === `Post "${url}": context deadline exceeded`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('Retry-After: seconds or an HTTP date; absent, garbage or past means the normal backoff', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
  assert.equal(retryAfterMs('120', now), 120_000);
  assert.equal(retryAfterMs('Wed, 21 Oct 2015 07:28:30 GMT', now), 30_000);
  assert.equal(retryAfterMs('Wed, 21 Oct 2015 07:27:00 GMT', now), 0);
  assert.equal(retryAfterMs(undefined, now), 0);
  assert.equal(retryAfterMs('soon', now), 0);
});

test('RemoteWriteStorage.applyConfig keeps unchanged queues, replaces changed ones, refuses duplicates and unsupported auth', async () => {
  const sources: string[] = [];
  const rws = new RemoteWriteStorage({
    registry: createRegistry({ defaultMetrics: false }),
    newSource: (name) => {
      sources.push(name);
      return new SyntheticSource();
    },
    flushDeadlineMs: 100,
  });
  const a = testWriteSettings('http://127.0.0.1:1/a', {}, { name: 'a' });
  const b = testWriteSettings('http://127.0.0.1:1/b');
  try {
    await rws.applyConfig({ remoteWrite: [a, b], externalLabels: Labels.EMPTY });
    const names = rws.queueNames;
    assert.equal(names.length, 2);
    assert.ok(names.includes('a'));
    const qa = rws.queue('a');
    await rws.applyConfig({ remoteWrite: [a, testWriteSettings('http://127.0.0.1:1/b', { capacity: 10 })], externalLabels: Labels.EMPTY });
    assert.equal(rws.queue('a'), qa, 'unchanged entry keeps its queue');
    assert.equal(sources.length, 3, 'the changed entry got a new queue');
    await rws.applyConfig({ remoteWrite: [a], externalLabels: Labels.fromStrings('dc', 'x') });
    assert.notEqual(rws.queue('a'), qa, 'new external labels restart the queue');
    await assert.rejects(rws.applyConfig({ remoteWrite: [a, a], externalLabels: Labels.EMPTY }), /duplicate remote write configs are not allowed, found duplicate for URL: http:\/\/127.0.0.1:1\/a/);
    await assert.rejects(rws.applyConfig({ remoteWrite: [{ ...b, sigv4: { region: 'x' } }], externalLabels: Labels.EMPTY }), /sigv4 is not supported/);
  } finally {
    await rws.stop();
  }
});
