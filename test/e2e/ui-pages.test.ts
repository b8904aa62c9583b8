/**
 * The non-query pages in a real browser against a spawned `ignis server` that scrapes real
 * targets (`ui/ui-ignis.ts`): targets (UP, then DOWN with its error after the target breaks),
 * service discovery, alerts and rules (empty states, then with rules), status, flags, config
 * (secrets masked), TSDB status, the starting page while a second server replays a real WAL,
 * light and dark themes at 1280 px and 400 px, keyboard navigation, and no console errors or
 * requests to other origins on any page. Screenshots go to test-artifacts/ui/.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startIgnis, tempDir } from './server/processes.js';
import { assertUIBuilt, screenshot, SKIP_NO_CHROMIUM, startBrowser, type TestBrowser, type TestPage } from './ui/browser.js';
import { routeRules } from './ui/rules-fixture.js';
import { SECRET, startUIServer, type UIServer } from './ui/ui-ignis.js';
import { writeReplayWAL } from './ui/wal-dir.js';

/** Series in the WAL of the starting page's test: a replay of ~3 s here (0.9 s at 120k was too close to the page load). */
const REPLAY_SERIES = 400_000;

const PAGES = ['query', 'targets', 'service-discovery', 'alerts', 'rules', 'status', 'flags', 'config', 'tsdb-status'] as const;

describe('ui: pages', { skip: SKIP_NO_CHROMIUM }, () => {
  let server: UIServer;
  let browser: TestBrowser;

  before(async () => {
    assertUIBuilt();
    server = await startUIServer();
    browser = await startBrowser(server.base);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  function clean(p: TestPage): void {
    assert.deepEqual(p.problems, [], 'no console errors, failed requests or requests to other origins');
  }

  async function apiHealth(): Promise<string> {
    const r = (await (await fetch(`${server.base}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: { scrapePool: string; health: string }[] } };
    return r.data.activeTargets.find((t) => t.scrapePool === 'app')?.health ?? 'missing';
  }

  /** The scrape pool section named exactly `name` on /targets or /service-discovery. */
  function pool(page: Page, testid: 'pool' | 'sd-pool', name: string) {
    return page.getByTestId(testid).filter({ has: page.locator('.pool-name', { hasText: new RegExp(`^${name}$`) }) });
  }

  async function until(what: string, pred: () => Promise<boolean>, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await pred())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  test('targets: the pool with its target UP, health and text filters, collapse', async () => {
    const p = await browser.page();
    const { page } = p;
    await page.goto(server.base + '/targets');
    const app = pool(page, 'pool', 'app');
    const row = app.getByTestId('target-row');
    await row.first().waitFor();
    assert.equal(await row.count(), 1);
    assert.equal(await row.getAttribute('data-health'), 'up');
    assert.equal((await row.locator('.badge').textContent())?.trim(), 'UP');
    assert.equal(await row.locator('.endpoint a').textContent(), `http://${server.target.address}/metrics`);
    const labels = await row.locator('.label-badge').allTextContents();
    assert.deepEqual(labels, [`instance="${server.target.address}"`, 'job="app"']);
    assert.match((await row.textContent()) ?? '', /ago/);
    assert.match((await app.locator('.count').textContent()) ?? '', /\(1\/1 up\)/);
    const example = pool(page, 'pool', 'example').getByTestId('target-row');
    assert.equal(await example.getAttribute('data-health'), 'up', 'the example app is scraped too');
    assert.equal(await example.locator('.endpoint a').textContent(), `http://${server.exampleAddress}/metrics`);
    await screenshot(page, 'targets-up');

    const rows = page.getByTestId('target-row');
    const all = await rows.count();
    assert.ok(all >= 2, `${all} targets`);
    // Health filters: Down alone keeps only down targets (none here, or the node exporter's if it
    // timed out on this loaded machine); Up keeps the up ones.
    await page.getByRole('button', { name: 'Down' }).click();
    assert.equal(await page.locator('[data-testid="target-row"][data-health="up"]').count(), 0);
    if ((await rows.count()) === 0) await page.getByTestId('empty-state').waitFor();
    await page.getByRole('button', { name: 'Down' }).click();
    await page.getByRole('button', { name: 'Up', exact: true }).click();
    assert.equal(await page.locator('[data-testid="target-row"]:not([data-health="up"])').count(), 0);
    assert.equal(await app.getByTestId('target-row').count(), 1);
    await page.getByRole('button', { name: 'Up', exact: true }).click();
    await page.getByLabel('Filter by endpoint or labels').fill('job="nothing"');
    assert.equal(await rows.count(), 0);
    await page.getByLabel('Filter by endpoint or labels').fill(`instance="${server.target.address}"`);
    assert.equal(await rows.count(), 1);
    assert.equal(await app.getByTestId('target-row').count(), 1);
    await page.getByLabel('Filter by endpoint or labels').fill('');
    assert.equal(await rows.count(), all);

    const header = app.locator('.collapse-btn');
    await header.click();
    assert.equal(await header.getAttribute('aria-expanded'), 'false');
    assert.equal(await app.getByTestId('target-row').count(), 0);
    assert.equal(await rows.count(), all - 1, 'the other pools stay open');
    await header.press('Enter');
    assert.equal(await header.getAttribute('aria-expanded'), 'true');
    assert.equal(await app.getByTestId('target-row').count(), 1);
    await page.getByRole('button', { name: 'Collapse all' }).click();
    assert.equal(await rows.count(), 0);
    await page.getByRole('button', { name: 'Expand all' }).click();
    assert.equal(await rows.count(), all);
    clean(p);
    await page.close();
  });

  test('targets: a broken target shows DOWN with its error, and UP again once fixed', async () => {
    const p = await browser.page();
    const { page } = p;
    server.target.broken = true;
    try {
      await until('the target to be down', async () => (await apiHealth()) === 'down');
      await page.goto(server.base + '/targets');
      const row = pool(page, 'pool', 'app').getByTestId('target-row');
      await row.first().waitFor();
      assert.equal(await row.getAttribute('data-health'), 'down');
      assert.equal((await row.locator('.badge').textContent())?.trim(), 'DOWN');
      assert.equal((await row.getByTestId('target-error').textContent())?.trim(), 'Error: server returned HTTP status 500 Internal Server Error');
      assert.match((await pool(page, 'pool', 'app').locator('.count').textContent()) ?? '', /\(0\/1 up\)/);
      await page.getByRole('button', { name: 'Down' }).click();
      assert.equal(await row.count(), 1, 'the Down filter keeps it');
      assert.equal(await pool(page, 'pool', 'example').count(), 0, 'and hides the pools without a down target');
      await screenshot(page, 'targets-down');
    } finally {
      server.target.broken = false;
    }
    await until('the target to be up', async () => (await apiHealth()) === 'up');
    await page.getByRole('button', { name: 'Down' }).click();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await pool(page, 'pool', 'app').locator('[data-testid="target-row"][data-health="up"]').waitFor();
    assert.equal(await pool(page, 'pool', 'app').getByTestId('target-error').count(), 0);
    clean(p);
    await page.close();
  });

  test('service discovery: discovered labels next to target labels, dropped targets', async () => {
    const p = await browser.page();
    const { page } = p;
    await page.goto(server.base + '/service-discovery');
    const app = pool(page, 'sd-pool', 'app');
    const active = app.getByTestId('sd-active');
    await active.waitFor();
    const [discovered, target] = [active.locator('td').nth(0), active.locator('td').nth(1)];
    const d = await discovered.locator('.label-badge').allTextContents();
    assert.ok(d.includes(`__address__="${server.target.address}"`), `discovered: ${d}`);
    assert.ok(d.includes('__scrape_interval__="1s"') && d.includes('job="app"'));
    assert.deepEqual(await target.locator('.label-badge').allTextContents(), [`instance="${server.target.address}"`, 'job="app"']);
    const dropper = pool(page, 'sd-pool', 'dropper');
    assert.match((await dropper.textContent()) ?? '', /0 \/ 1 active targets/);
    const dropped = dropper.getByTestId('sd-dropped');
    assert.equal(await dropped.count(), 1);
    assert.match((await dropped.textContent()) ?? '', /__address__="127\.0\.0\.1:1".*DROPPED/);
    await screenshot(page, 'service-discovery');
    await page.getByLabel('Show dropped targets').uncheck();
    assert.equal(await page.getByTestId('sd-dropped').count(), 0);
    clean(p);
    await page.close();
  });

  test('alerts and rules show their empty states', async () => {
    const p = await browser.page();
    const { page } = p;
    await page.goto(server.base + '/alerts');
    assert.match((await page.getByTestId('empty-state').textContent()) ?? '', /No alerting rules configured/);
    await screenshot(page, 'alerts-empty');
    await page.goto(server.base + '/rules');
    assert.match((await page.getByTestId('empty-state').textContent()) ?? '', /No rule groups configured/);
    await screenshot(page, 'rules-empty');
    clean(p);
    await page.close();
  });

  test('alerts and rules list rule groups, states, alerts and errors once rules exist', async () => {
    const p = await browser.page();
    const { page } = p;
    await routeRules(page, server.target.address);
    {
      await page.goto(server.base + '/alerts');
      const rule = page.locator('.card .card').filter({ hasText: 'HighErrorRate' });
      await rule.waitFor();
      assert.match((await rule.textContent()) ?? '', /FIRING\s*HighErrorRate\s*\(1 active\)/);
      assert.match((await page.getByRole('button', { name: /Firing/ }).textContent()) ?? '', /Firing \(1\)/);
      await rule.locator('.collapse-btn').click();
      const body = (await rule.textContent()) ?? '';
      assert.match(body, /alert: HighErrorRate/);
      assert.match(body, /expr: http_requests_total\{code="500"\} > 0/);
      assert.match(body, /for: 1m\b/);
      assert.match(body, /alertname="HighErrorRate"/);
      await screenshot(page, 'alerts-firing');
      await page.getByRole('button', { name: /Inactive/ }).click();
      assert.equal(await page.locator('.card .card').count(), 0, 'the state filter hides the firing rule');

      await page.goto(server.base + '/rules');
      const group = page.locator('section.card').filter({ hasText: 'app.rules' });
      await group.waitFor();
      const text = (await group.textContent()) ?? '';
      assert.match(text, /\/etc\/prometheus\/rules\/app\.yml/);
      assert.match(text, /record: job:http_requests:rate5m/);
      assert.match(text, /many-to-many matching not allowed/);
      assert.deepEqual(await group.locator('.badge').allTextContents(), ['OK', 'ERR']);
      await screenshot(page, 'rules');
    }
    clean(p);
    await page.close();
  });

  test('status, flags, config (secrets masked) and TSDB status', async () => {
    const p = await browser.page();
    const { page } = p;
    await page.goto(server.base + '/status');
    const runtime = page.getByTestId('runtime-info');
    await runtime.waitFor();
    assert.match((await runtime.textContent()) ?? '', /Working directory.*Configuration reloadSuccessful.*Storage retention15d/s);
    assert.match((await page.getByTestId('build-info').textContent()) ?? '', /version/);
    await screenshot(page, 'status');

    await page.goto(server.base + '/flags');
    const flags = page.getByTestId('flags');
    await flags.waitFor();
    assert.ok(((await flags.textContent()) ?? '').includes(`--storage.tsdb.path${server.ignis.dataDir}`), 'the data folder flag');
    const allFlags = await flags.locator('tbody tr').count();
    await page.getByLabel('Filter flags').fill('retention');
    const kept = await flags.locator('tbody tr').allTextContents();
    assert.ok(kept.length >= 1 && kept.length < allFlags && kept.every((r) => r.includes('retention')), `filtered flags: ${kept}`);
    await screenshot(page, 'flags');

    await page.goto(server.base + '/config');
    const yaml = (await page.getByTestId('config-yaml').textContent()) ?? '';
    assert.match(yaml, /job_name: app/);
    assert.match(yaml, /password: <secret>/);
    assert.ok(!yaml.includes(SECRET), 'the password is not shown');
    await screenshot(page, 'config');

    await page.goto(server.base + '/tsdb-status');
    const head = page.getByTestId('head-stats');
    await head.waitFor();
    const numSeries = Number(((await head.locator('td').first().textContent()) ?? '').replace(/,/g, ''));
    assert.ok(numSeries >= 203, `head series ${numSeries}`);
    const tables = page.getByTestId('tsdb-table');
    assert.equal(await tables.count(), 4);
    const firstRow = await tables.nth(0).locator('tbody tr').first().locator('td').allTextContents();
    assert.deepEqual(firstRow, ['perf_series', '200']);
    assert.equal(await tables.nth(3).locator('tbody tr').count(), 10, 'label pairs: the top 10');
    await page.getByLabel('Rows per table').selectOption('20');
    await page.waitForFunction(`document.querySelectorAll('[data-testid="tsdb-table"]')[3].querySelectorAll('tbody tr').length === 20`);
    await screenshot(page, 'tsdb-status');
    // A metric name links to a query.
    await tables.nth(0).getByRole('link', { name: 'perf_series' }).click();
    await page.waitForFunction(`location.pathname.endsWith('/query') && location.search.includes('perf_series')`);
    await page.locator('[data-testid="result-table"]').waitFor();
    clean(p);
    await page.close();
  });

  test('starting: a server replaying a real WAL shows the progress, then the query page', { timeout: 180_000 }, async () => {
    // A second `ignis server` on a data folder whose WAL was written beforehand by the TSDB.
    const dir = tempDir('ignis-ui-wal-');
    try {
      const dataDir = join(dir.path, 'data');
      const wal = await writeReplayWAL(dataDir, REPLAY_SERIES);
      assert.ok(wal.segments >= 3, `${wal.segments} WAL segments`);
      const replaying = await startIgnis({ config: 'scrape_configs: []\n', dir: dir.path, dataDir, waitReady: false });
      try {
        const q = await browser.page(1280, 900, replaying.base);
        const { page } = q;
        q.allow(/Failed to load resource: the server responded with a status of 503/);
        await page.goto(replaying.base + '/targets');
        await page.waitForFunction(`location.pathname.endsWith('/starting')`, undefined, { timeout: 60_000 });
        const progress = page.getByLabel('WAL replay progress');
        await progress.waitFor({ timeout: 60_000 });
        const text = (await page.locator('main').textContent()) ?? '';
        const m = /segment (\d+) of 0–(\d+)/.exec(text);
        assert.ok(m, `progress text: ${text}`);
        assert.equal(Number(m[2]), wal.segments - 1, 'the last segment');
        const value = Number(await progress.getAttribute('value'));
        assert.ok(value >= 0 && value <= wal.segments && Number(await progress.getAttribute('max')) === wal.segments, `progress ${value}`);
        await screenshot(page, 'starting');
        await page.waitForFunction(`location.pathname.endsWith('/query')`, undefined, { timeout: 120_000 });
        await page.locator('.cm-content').waitFor();
        clean(q);
        await page.close();
      } catch (err) {
        // What the server said explains most failures here (a replay error, an early exit).
        throw new Error(`${err instanceof Error ? err.message : String(err)}\nignis server (exited: ${replaying.exited()}):\n${replaying.output().slice(-3000)}`);
      } finally {
        await replaying.stop();
      }
    } finally {
      dir.cleanup();
    }
  });

  test('every page in light and dark at 1280 px and at 400 px: no console errors, no overflow, only this origin', async () => {
    for (const [width, themes] of [
      [1280, ['light', 'dark']],
      [400, ['light', 'dark']],
    ] as const) {
      for (const theme of themes) {
        const p = await browser.page(width, 800);
        const { page } = p;
        await page.addInitScript(`localStorage.setItem('ignis.theme', '${theme}')`);
        for (const name of PAGES) {
          const q = name === 'query' ? '?g0.expr=http_requests_total&g0.tab=graph&g0.range_input=1h' : '';
          await page.goto(`${server.base}/${name}${q}`);
          await page.locator('main .page').first().waitFor();
          await page.waitForFunction(`!document.querySelector('[role="status"]') || !/Loading/.test(document.querySelector('[role="status"]').textContent)`);
          if (name === 'query') await page.locator('[data-testid="graph"] canvas').waitFor();
          assert.equal(await page.evaluate('document.documentElement.dataset.theme'), theme);
          const bg = (await page.evaluate(`getComputedStyle(document.body).backgroundColor`)) as string;
          const [r, g, b] = bg.match(/\d+/g)!.map(Number);
          if (theme === 'dark') assert.ok(r! + g! + b! < 150, `${name}: dark background ${bg}`);
          else assert.ok(r! + g! + b! > 600, `${name}: light background ${bg}`);
          const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
          assert.ok(overflow <= 1, `${name} at ${width}px overflows by ${overflow}px`);
          await screenshot(page, `${name}-${theme}-${width}`);
        }
        if (width === 400) {
          // The navigation folds into a menu.
          assert.equal(await page.locator('#nav-links').isVisible(), false);
          await page.getByRole('button', { name: 'Menu' }).click();
          await page.getByRole('link', { name: 'Alerts' }).click();
          await page.waitForFunction(`location.pathname.endsWith('/alerts')`);
        }
        clean(p);
        await page.close();
      }
    }
  });

  test('theme switch and keyboard navigation: skip link, editor, menu, links', async () => {
    const p = await browser.page();
    const { page } = p;
    await page.goto(server.base + '/query');
    await page.locator('.cm-content').waitFor();
    const before = await page.evaluate('document.documentElement.dataset.theme');
    await page.getByTestId('theme-toggle').click();
    const after = await page.evaluate('document.documentElement.dataset.theme');
    assert.notEqual(after, before);
    await page.reload();
    assert.equal(await page.evaluate('document.documentElement.dataset.theme'), after, 'the choice is kept');

    // Tab through the page from the top; note what gets focus.
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    const seen: string[] = [];
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      seen.push((await page.evaluate(`(() => { const e = document.activeElement; return (e.getAttribute('aria-label') || e.textContent || e.className || e.tagName).trim().slice(0, 40); })()`)) as string);
    }
    for (const want of ['Skip to content', 'Query', 'Alerts', 'Status ▾', 'Expression of panel 1', 'Execute', 'Graph']) {
      assert.ok(seen.includes(want), `Tab reaches "${want}" (saw ${JSON.stringify(seen)})`);
    }
    // Open the Status menu with the keyboard and follow a link.
    await page.getByRole('button', { name: 'Status ▾' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'TSDB status' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(`location.pathname.endsWith('/tsdb-status')`);
    await page.getByTestId('head-stats').waitFor();
    // Client-side navigation: Back returns to the query page without a reload.
    await page.goBack();
    await page.locator('.cm-content').waitFor();
    clean(p);
    await page.close();
  });
});
