import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { SCRAPE_ACCEPT_HEADER } from '../model/textparse/index.js';
import { BodySizeLimitError, HTTPStatusError, RequestError } from './errors.js';
import { acceptHeader, createScrapeClient, TargetScraper, USER_AGENT, type TargetScraperOptions } from './http-client.js';
import { scrapeConfig, TestTarget } from './test-support.js';

const never = new AbortController().signal;

async function withTarget(fn: (t: TestTarget, scraper: (over?: Partial<TargetScraperOptions>) => TargetScraper) => Promise<void>): Promise<void> {
  const target = await new TestTarget().start();
  const client = createScrapeClient(scrapeConfig('scrape_configs:\n- job_name: j\n'));
  try {
    await fn(target, (over = {}) => new TargetScraper(client, { url: `http://${target.address}/metrics`, timeoutMs: 1000, bodySizeLimit: 0, accept: SCRAPE_ACCEPT_HEADER, enableCompression: true, ...over }));
  } finally {
    await client.close();
    await target.close();
  }
}

test('acceptHeader: default protocols send Prometheus 2.42 header; others as Prometheus 3 without protobuf', () => {
  assert.equal(acceptHeader(['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4'], 'allow-utf-8'), SCRAPE_ACCEPT_HEADER);
  assert.equal(acceptHeader(['PrometheusText0.0.4'], 'underscores'), 'text/plain;version=0.0.4;q=0.6,*/*;q=0.5');
  assert.equal(
    acceptHeader(['PrometheusProto', 'OpenMetricsText1.0.0', 'PrometheusText1.0.0'], 'allow-utf-8'),
    'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.5,*/*;q=0.4',
  );
});

test('TargetScraper: request headers, body and content type', async () => {
  await withTarget(async (t, scraper) => {
    t.body = 'm 1\n';
    const r = await scraper({ timeoutMs: 2500 }).scrape(never);
    assert.equal(r.body.toString(), 'm 1\n');
    assert.equal(r.contentType, 'text/plain; version=0.0.4; charset=utf-8');
    const h = t.requests[0]!.headers;
    assert.equal(h.accept, SCRAPE_ACCEPT_HEADER);
    assert.equal(h['accept-encoding'], 'gzip');
    assert.equal(h['user-agent'], USER_AGENT);
    assert.match(USER_AGENT, /^Prometheus\/2\.42\.0 \(Ignis\/.+\)$/);
    assert.equal(h['x-prometheus-scrape-timeout-seconds'], '2.5');
    await scraper({ enableCompression: false }).scrape(never);
    assert.equal(t.requests[1]!.headers['accept-encoding'], 'identity');
  });
});

test('TargetScraper: gzip bodies are decompressed; corrupt gzip fails', async () => {
  await withTarget(async (t, scraper) => {
    const body = 'm{a="b"} 1\n'.repeat(1000);
    t.handler = (_req, res) => {
      res.setHeader('content-encoding', 'gzip');
      res.end(gzipSync(body));
    };
    assert.equal((await scraper().scrape(never)).body.toString(), body);
    t.handler = (_req, res) => {
      res.setHeader('content-encoding', 'gzip');
      res.end('not gzip');
    };
    await assert.rejects(scraper().scrape(never), { message: 'gzip: invalid header' });
  });
});

test('TargetScraper: body_size_limit counts uncompressed bytes, reached means exceeded', async () => {
  await withTarget(async (t, scraper) => {
    t.body = 'x'.repeat(100);
    await assert.rejects(scraper({ bodySizeLimit: 100 }).scrape(never), BodySizeLimitError);
    assert.equal((await scraper({ bodySizeLimit: 101 }).scrape(never)).body.length, 100);
    const big = 'm 1\n'.repeat(50_000); // 200 kB, compresses to a few hundred bytes
    t.handler = (_req, res) => {
      res.setHeader('content-encoding', 'gzip');
      res.end(gzipSync(big));
    };
    await assert.rejects(scraper({ bodySizeLimit: 100_000 }).scrape(never), { message: 'body size limit exceeded' });
    assert.equal((await scraper({ bodySizeLimit: 200_001 }).scrape(never)).body.length, 200_000);
  });
});

test('TargetScraper: a large streamed body is cut off as soon as it reaches the limit', async () => {
  await withTarget(async (t, scraper) => {
    let written = 0;
    let closed = false;
    t.handler = (_req, res) => {
      res.on('close', () => (closed = true));
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (written < 64 * 1024 * 1024 && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    };
    await assert.rejects(scraper({ bodySizeLimit: 1024 * 1024 }).scrape(never), BodySizeLimitError);
    const deadline = Date.now() + 2000;
    while (!closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.ok(closed, 'the connection was closed');
    assert.ok(written < 32 * 1024 * 1024, `stopped reading early (server wrote ${written} bytes)`);
  });
});

test('TargetScraper: HTTP status, timeout and connection errors in Go words', async () => {
  await withTarget(async (t, scraper) => {
    t.status = 500;
    await assert.rejects(scraper().scrape(never), (e: unknown) => e instanceof HTTPStatusError && e.message === 'server returned HTTP status 500 Internal Server Error');
    t.status = 200;
    t.delayMs = 500;
    const url = `http://${t.address}/metrics`;
    await assert.rejects(scraper({ timeoutMs: 100 }).scrape(never), (e: unknown) => e instanceof RequestError && e.message === `Get "${url}": context deadline exceeded`);
    t.handler = (req) => req.socket.destroy();
    await assert.rejects(scraper().scrape(never), { message: `Get "${url}": EOF` });
  });
  const client = createScrapeClient(scrapeConfig('scrape_configs:\n- job_name: j\n'));
  try {
    const closed = await new TestTarget().start();
    const addr = closed.address;
    await closed.close();
    const s = new TargetScraper(client, { url: `http://${addr}/metrics`, timeoutMs: 1000, bodySizeLimit: 0, accept: '*/*', enableCompression: true });
    await assert.rejects(s.scrape(never), { message: `Get "http://${addr}/metrics": dial tcp ${addr}: connect: connection refused` });
  } finally {
    await client.close();
  }
});

test('TargetScraper: basic_auth and http_headers from the job config', async () => {
  const target = await new TestTarget().start();
  const client = createScrapeClient(scrapeConfig('scrape_configs:\n- job_name: j\n  basic_auth: {username: u, password: p}\n  http_headers: {X-Tenant: {values: [t1]}}\n'));
  try {
    await new TargetScraper(client, { url: `http://${target.address}/metrics`, timeoutMs: 1000, bodySizeLimit: 0, accept: '*/*', enableCompression: true }).scrape(never);
    assert.equal(target.requests[0]!.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.equal(target.requests[0]!.headers['x-tenant'], 't1');
  } finally {
    await client.close();
    await target.close();
  }
});

test('TargetScraper: a response that arrived before the deadline counts even when this process was too busy to read it in time', async () => {
  await withTarget(async (t, scraper) => {
    t.handler = (_req, res) => {
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end('up 1\n');
      // The answer is in the client's socket; now the event loop stalls past the deadline.
      const until = performance.now() + 2500;
      while (performance.now() < until);
    };
    // Generous deadline: the request itself must reach the handler before it even on a loaded machine.
    const r = await scraper({ timeoutMs: 2000 }).scrape(never);
    assert.equal(r.body.toString(), 'up 1\n');
  });
});

test('createScrapeClient: http targets of jobs without auth, proxy or headers get their own kept-alive connection; redirects still followed', async () => {
  const target = await new TestTarget().start();
  const sockets = new Set<unknown>();
  target.server.on('connection', (s) => sockets.add(s));
  const plain = createScrapeClient(scrapeConfig('scrape_configs:\n- job_name: j\n'));
  const authed = createScrapeClient(scrapeConfig('scrape_configs:\n- job_name: j\n  basic_auth: {username: u, password: p}\n'));
  try {
    const url = `http://${target.address}/metrics`;
    const conn = plain.plainConnection!(url);
    assert.ok(conn !== undefined);
    conn.close();
    assert.equal(plain.plainConnection!(`https://${target.address}/metrics`), undefined);
    assert.equal(plain.plainConnection!(`http://user:pw@${target.address}/metrics`), undefined);
    assert.equal(authed.plainConnection!(url), undefined);

    target.body = 'm 1\n';
    const s = new TargetScraper(plain, { url, timeoutMs: 1000, bodySizeLimit: 0, accept: '*/*', enableCompression: true });
    for (let i = 0; i < 3; i++) assert.equal((await s.scrape(never)).body.toString(), 'm 1\n');
    assert.equal(sockets.size, 1);

    target.handler = (req, res) => {
      if (req.url === '/metrics') {
        res.statusCode = 302;
        res.setHeader('location', '/moved');
        res.end();
      } else res.end('moved 1\n');
    };
    assert.equal((await s.scrape(never)).body.toString(), 'moved 1\n');
    s.close();
  } finally {
    await plain.close();
    await authed.close();
    await target.close();
  }
});
