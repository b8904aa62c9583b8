/**
 * The query page in a real browser (Debian's Chromium via playwright-core) against a spawned
 * `ignis server` that scrapes real targets (`ui/ui-ignis.ts`): autocompletion, running a query,
 * the graph's pixels, the table's values against /api/v1/query, range changes, shared links,
 * panels, history, errors, and the performance budget (first load, 200 × 1,000 graph render
 * measured in the browser, bundle size).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { assertUIBuilt, canvasPixels, REPO_ROOT, screenshot, SKIP_NO_CHROMIUM, startBrowser, type TestBrowser, type TestPage } from './ui/browser.js';
import { formatUTC, editorText, pickCompletion, typeInEditor, waitForGraph, waitForTable, waitForURL } from './ui/query-helpers.js';
import { loadText, overloaded } from './ui/budget.js';
import { PERF_POINTS, PERF_SERIES, startUIServer, type UIServer } from './ui/ui-ignis.js';

/** Renders of the performance graph; the median is asserted. */
const PERF_RENDERS = 7;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** The browser's User Timing of the last graph render (ms; see `web/ui/src/query/graph-view.tsx`). */
interface RenderTiming {
  /** `ignis:graph-render`: from the response having arrived to the drawn canvas. */
  total: number;
  /** Parsing the JSON. */
  parse: number;
  /** The panel's render with the legend, up to the chart's build. */
  panel: number;
  /** Aligning the samples into columns. */
  align: number;
  /** Building the chart, up to its first draw (scales, sizes). */
  chart: number;
  /** Drawing the canvas: axes, paths, strokes. */
  draw: number;
}

const RENDER_TIMING_JS = `(() => {
  const last = (n, type) => performance.getEntriesByName(n, type).at(-1);
  const r = last('ignis:graph-render', 'measure');
  if (!r) return null;
  const at = (n) => last(n, 'mark').startTime;
  return { total: r.duration, parse: at('ignis:api-parsed') - r.startTime, panel: at('ignis:graph-start') - at('ignis:api-parsed'), align: at('ignis:graph-aligned') - at('ignis:graph-start'), chart: at('ignis:graph-draw-start') - at('ignis:graph-aligned'), draw: at('ignis:graph-drawn') - at('ignis:graph-draw-start') };
})()`;

describe('ui: query page', { skip: SKIP_NO_CHROMIUM }, () => {
  let server: UIServer;
  let browser: TestBrowser;
  const perf: Record<string, unknown> = {};

  before(async () => {
    assertUIBuilt();
    server = await startUIServer();
    browser = await startBrowser(server.base);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    if (Object.keys(perf).length > 0) console.log(`ui performance: ${JSON.stringify(perf)}`);
  });

  /** Asserts the page had no console errors and talked to its origin only. */
  function clean(p: TestPage): void {
    assert.deepEqual(p.problems, [], 'no console errors, failed requests or requests to other origins');
  }

  test('first load shows the query page in under 1 s', async (t) => {
    const p = await browser.page();
    // Cold loads: the HTTP cache is off, so every load fetches and parses the whole bundle.
    const cdp = await browser.context.newCDPSession(p.page);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const loads: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      await p.page.goto(server.base + '/');
      await p.page.locator('.cm-content').waitFor();
      loads.push(Date.now() - started);
    }
    const nav = (await p.page.evaluate(`(() => { const n = performance.getEntriesByType('navigation')[0]; return { dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd }; })()`)) as { dcl: number; load: number };
    perf.firstLoadMs = loads;
    perf.domContentLoadedMs = Math.round(nav.dcl);
    perf.firstLoadLoad = loadText();
    assert.match(p.page.url(), /\/query(\?|$)/, '/ redirects to /query');
    // The best of three: the UI's own cost, least disturbed by whatever else the machine runs.
    await t.test('the best of three loads is under 1 s', { skip: overloaded() }, () => {
      assert.ok(Math.min(...loads) < 1000, `query page shown after ${loads.join(', ')} ms`);
    });
    await screenshot(p.page, 'query-empty');
    clean(p);
    await p.page.close();
  });

  test('type a query with autocompletion, run it, see the graph drawn, read the table against /api/v1/query', async () => {
    const p = await browser.page();
    const { page } = p;
    await page.goto(server.base + '/query');
    await typeInEditor(page, 'http_req');
    await pickCompletion(page, 'http_requests_total');
    assert.equal(await editorText(page), 'http_requests_total');
    // Graph tab, then Enter runs.
    await page.getByTestId('tab-graph').click();
    await page.locator('.cm-content').click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await waitForGraph(page);
    const px = await canvasPixels(page);
    assert.ok(px.colored > 200, `graph lines drawn: ${px.colored} colored pixels`);
    const legend = await page.locator('.legend-item').allTextContents();
    const stats = /Load time: \d+ms · Resolution: \d+s · Result series: (\d+)/.exec((await page.getByTestId('stats').textContent()) ?? '');
    assert.ok(stats, 'query stats');
    assert.equal(legend.length, Number(stats[1]), 'one legend entry per series');
    assert.ok(legend.length >= 2 + 4, `the app's two series and the example app's (${legend.length})`);
    assert.ok(legend.some((l) => l.includes('code="200"') && l.includes(`instance="${server.target.address}"`) && l.includes('job="app"')), `legend shows full label sets: ${legend}`);
    assert.ok(legend.some((l) => l.includes('route="/"') && l.includes('job="example"')), `the example app's series: ${legend}`);
    await waitForURL(page, /g0\.expr=http_requests_total&.*g0\.tab=graph/);
    await screenshot(page, 'query-graph');

    // Hover near a line: the tooltip shows that series.
    if (px.hover) {
      await page.mouse.move(px.hover.x, px.hover.y);
      const tip = page.locator('.graph-tip');
      await tip.waitFor({ state: 'visible' });
      assert.match((await tip.textContent()) ?? '', /http_requests_total\{.*\}/);
      assert.match((await tip.textContent()) ?? '', /UTC/);
    }

    // Table at a fixed evaluation time equals the API's answer at that time.
    await page.getByTestId('tab-table').click();
    const evalMs = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    const input = page.getByTestId('time-input');
    await input.fill(formatUTC(evalMs));
    const atTime = page.waitForResponse((r) => r.url().endsWith('/api/v1/query') && new URLSearchParams(r.request().postData() ?? '').get('time') === String(evalMs / 1000));
    await input.press('Enter');
    await atTime;
    await waitForTable(page);
    const rows = await page.locator('[data-testid="result-table"] tr').evaluateAll((trs) =>
      trs.map((tr) => [(tr.querySelector('.series') as { textContent: string | null }).textContent ?? '', (tr.querySelector('.value') as { textContent: string | null }).textContent ?? '']),
    );
    const api = (await (await fetch(`${server.base}/api/v1/query?query=http_requests_total&time=${evalMs / 1000}`)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    assert.equal(rows.length, api.data.result.length);
    assert.ok(rows.length >= 2, `${rows.length} rows`);
    for (const r of api.data.result) {
      const pairs = Object.entries(r.metric).filter(([k]) => k !== '__name__').map(([k, v]) => `${k}="${v}"`);
      const row = rows.find(([s]) => pairs.every((p) => s.includes(p)));
      assert.ok(row, `row for ${pairs}`);
      assert.equal(row[1], r.value[1], `value of ${pairs}`);
    }
    assert.ok(rows.some(([s, v]) => s.includes('code="200"') && s.includes('job="app"') && Number(v) > 0));
    await waitForURL(page, /g0\.tab=table/);
    await waitForURL(page, /g0\.moment_input=/);
    await screenshot(page, 'query-table');
    clean(p);
    await page.close();
  });

  test('changing the range re-queries that window and keeps it in the URL', async () => {
    const p = await browser.page();
    const { page } = p;
    await page.goto(server.base + '/query?g0.expr=app_temperature_celsius&g0.tab=graph&g0.range_input=1h');
    await waitForGraph(page);
    const before = await canvasPixels(page);
    const req = page.waitForRequest((r) => r.url().endsWith('/api/v1/query_range'));
    await page.getByLabel('Shorter range').click();
    const body = new URLSearchParams((await req).postData() ?? '');
    assert.equal(Number(body.get('end')) - Number(body.get('start')), 30 * 60, 'range 30m');
    await waitForGraph(page);
    assert.equal(await page.getByTestId('range-input').inputValue(), '30m');
    await waitForURL(page, /g0\.range_input=30m/);
    // Typed range.
    const req2 = page.waitForRequest((r) => r.url().endsWith('/api/v1/query_range'));
    await page.getByTestId('range-input').fill('2h');
    await page.getByTestId('range-input').press('Enter');
    const body2 = new URLSearchParams((await req2).postData() ?? '');
    assert.equal(Number(body2.get('end')) - Number(body2.get('start')), 2 * 3600);
    assert.equal(Number(body2.get('step')), 28, 'auto step = range / 250');
    await waitForGraph(page);
    const after = await canvasPixels(page);
    assert.ok(after.colored > 100 && before.colored > 100, `drawn before (${before.colored}) and after (${after.colored})`);
    await waitForURL(page, /g0\.range_input=2h/);
    // Stacked mode and a fixed step.
    await page.getByRole('button', { name: 'Stacked' }).click();
    await waitForGraph(page);
    await waitForURL(page, /g0\.display_mode=stacked/);
    await page.getByLabel('Resolution').selectOption('fixed');
    await waitForURL(page, /g0\.res_type=fixed&g0\.res_step=28/);
    await waitForGraph(page);
    const req3 = page.waitForRequest((r) => r.url().endsWith('/api/v1/query_range'));
    await page.getByTestId('step-input').fill('60s');
    await page.getByTestId('step-input').press('Enter');
    const body3 = new URLSearchParams((await req3).postData() ?? '');
    assert.equal(body3.get('step'), '60');
    await waitForURL(page, /g0\.res_type=fixed&g0\.res_step=60/);
    await screenshot(page, 'query-graph-stacked');
    clean(p);
    await page.close();
  });

  test("a shared link in upstream's form opens the same panels", async () => {
    const p = await browser.page();
    const { page } = p;
    const end = Math.floor(Date.now() / 1000) * 1000 - 120_000;
    const link =
      `/graph?g0.expr=${encodeURIComponent('sum by (code) (http_requests_total)')}&g0.tab=0&g0.stacked=0&g0.range_input=30m&g0.end_input=${encodeURIComponent(formatUTC(end))}&g0.step_input=15` +
      `&g1.expr=${encodeURIComponent('app_temperature_celsius')}&g1.tab=1`;
    const req = page.waitForRequest((r) => r.url().endsWith('/api/v1/query_range'));
    await page.goto(server.base + link);
    const body = new URLSearchParams((await req).postData() ?? '');
    assert.match(page.url(), /\/query\?/, '/graph redirects to /query');
    assert.equal(body.get('query'), 'sum by (code) (http_requests_total)');
    assert.equal(Number(body.get('end')), end / 1000);
    assert.equal(Number(body.get('end')) - Number(body.get('start')), 1800);
    assert.equal(body.get('step'), '15');
    const panels = page.getByTestId('panel');
    assert.equal(await panels.count(), 2);
    assert.equal(await editorText(page, 0), 'sum by (code) (http_requests_total)');
    assert.equal(await editorText(page, 1), 'app_temperature_celsius');
    assert.equal(await panels.nth(0).getByTestId('tab-graph').getAttribute('aria-selected'), 'true');
    assert.equal(await panels.nth(1).getByTestId('tab-table').getAttribute('aria-selected'), 'true');
    assert.equal(await panels.nth(0).getByTestId('range-input').inputValue(), '30m');
    await waitForGraph(page);
    assert.ok((await canvasPixels(page)).colored > 100);
    await panels.nth(1).locator('[data-testid="result-table"]').waitFor();
    // The rewritten URL is upstream's current form and reopens the same state.
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('g0.tab'), 'graph');
    assert.equal(url.searchParams.get('g0.res_type'), 'custom');
    assert.equal(url.searchParams.get('g0.res_step'), '15');
    assert.equal(url.searchParams.get('g1.tab'), 'table');
    await screenshot(page, 'query-shared-link');
    clean(p);
    await page.close();
  });

  test('functions complete, highlighting, a matrix table lists samples as /api/v1/query does, end time and range presets move the graph', async () => {
    const p = await browser.page();
    const { page } = p;
    await page.goto(server.base + '/query');
    // Functions complete like metric names.
    await typeInEditor(page, 'rat');
    await pickCompletion(page, 'rate');
    assert.match(await editorText(page), /^rate\(?\)?$/);

    // Highlighting: function, metric name, label name, string and duration come in different colors.
    await typeInEditor(page, 'rate(http_requests_total{code="500"}[5m])');
    await page.keyboard.press('Escape');
    const colors = (await page.evaluate(`(() => {
      const out = {};
      for (const span of document.querySelector('.cm-line').querySelectorAll('span')) out[span.textContent] = getComputedStyle(span).color;
      return out;
    })()`)) as Record<string, string>;
    const distinct = new Set(['rate', 'code', '"500"', '5m'].map((tok) => colors[tok]).filter((c) => c !== undefined));
    assert.ok(distinct.size >= 3, `highlighted tokens: ${JSON.stringify(colors)}`);

    // A range selector in the Table tab: every sample with its timestamp.
    const evalMs = Math.floor(Date.now() / 1000) * 1000 - 10_000;
    await page.goto(`${server.base}/query?g0.expr=${encodeURIComponent('app_temperature_celsius[5m]')}&g0.tab=table&g0.moment_input=${encodeURIComponent(formatUTC(evalMs))}`);
    await waitForTable(page);
    const api = (await (await fetch(`${server.base}/api/v1/query?query=${encodeURIComponent('app_temperature_celsius[5m]')}&time=${evalMs / 1000}`)).json()) as {
      data: { resultType: string; result: { values: [number, string][] }[] };
    };
    assert.equal(api.data.resultType, 'matrix');
    assert.equal(api.data.result.length, 1);
    const want = api.data.result[0]!.values.map(([t, v]) => `${v} @${t}`);
    assert.ok(want.length >= 10, `${want.length} samples in the last 5 minutes`);
    const got = await page.locator('[data-testid="result-table"] .value > div').allTextContents();
    assert.deepEqual(got, want);
    await screenshot(page, 'query-table-matrix');

    // Graph: ‹ moves the end back by half the range (upstream's step), › forward again; the presets stop at 5m and 2w.
    await page.goto(server.base + '/query?g0.expr=app_temperature_celsius&g0.tab=graph&g0.range_input=1h');
    await waitForGraph(page);
    const earlier = page.waitForRequest((r) => r.url().endsWith('/api/v1/query_range'));
    const before = Date.now();
    await page.getByLabel('End time: earlier').click();
    const body = new URLSearchParams((await earlier).postData() ?? '');
    const end = Number(body.get('end')) * 1000;
    assert.ok(end < before && end > before - 3600_000, `end moved back: ${new Date(end).toISOString()}`);
    await waitForURL(page, /g0\.end_input=/);
    await waitForGraph(page);
    assert.ok((await canvasPixels(page)).colored > 100, 'drawn at the earlier end time');
    await page.getByRole('button', { name: 'Now' }).click();
    await page.waitForFunction(`!location.search.includes('g0.end_input')`);
    for (let i = 0; i < 12; i++) await page.getByLabel('Shorter range').click();
    assert.equal(await page.getByTestId('range-input').inputValue(), '5m');
    for (let i = 0; i < 12; i++) await page.getByLabel('Longer range').click();
    assert.equal(await page.getByTestId('range-input').inputValue(), '2w');
    await waitForURL(page, /g0\.range_input=2w/);
    await waitForGraph(page);
    clean(p);
    await page.close();
  });

  test('legend click isolates a series, hover highlights, Ctrl+click toggles', async () => {
    const p = await browser.page();
    const { page } = p;
    await page.goto(server.base + '/query?g0.expr=http_requests_total&g0.tab=graph&g0.range_input=1h');
    await waitForGraph(page);
    const all = (await canvasPixels(page)).colored;
    const items = page.locator('.legend-item');
    // Hovering an entry dims the other series (drawn translucent, so they stop counting as colored).
    await items.nth(0).hover();
    let dimmed = all;
    for (let i = 0; i < 50 && dimmed >= all; i++) {
      await page.waitForTimeout(50);
      dimmed = (await canvasPixels(page)).colored;
    }
    assert.ok(dimmed < all, `hovering dims the others (${dimmed} < ${all} colored pixels)`);
    await page.mouse.move(0, 0);
    let restored = 0;
    for (let i = 0; i < 50 && restored < all; i++) {
      await page.waitForTimeout(50);
      restored = (await canvasPixels(page)).colored;
    }
    assert.equal(restored, all, 'leaving the legend shows every series again');
    await items.nth(1).hover();
    await items.nth(0).click();
    assert.equal(await items.nth(0).getAttribute('aria-pressed'), 'true');
    assert.equal(await items.nth(1).getAttribute('aria-pressed'), 'false');
    await page.mouse.move(0, 0);
    await page.waitForTimeout(100);
    const isolated = (await canvasPixels(page)).colored;
    assert.ok(isolated < all, `fewer colored pixels with one series (${isolated} < ${all})`);
    await items.nth(0).click();
    assert.equal(await items.nth(1).getAttribute('aria-pressed'), 'true', 'a second click shows all again');
    await items.nth(1).click({ modifiers: ['Control'] });
    assert.equal(await items.nth(1).getAttribute('aria-pressed'), 'false');
    assert.equal(await items.nth(0).getAttribute('aria-pressed'), 'true');
    clean(p);
    await page.close();
  });

  test('lint errors, query errors, empty results, Shift+Enter, history, several panels', async () => {
    const p = await browser.page();
    const { page } = p;
    // The API answers the invalid query with 400, which Chromium logs by itself.
    p.allow(/Failed to load resource: the server responded with a status of 400/);
    await page.goto(server.base + '/query');
    await typeInEditor(page, 'rate(app_temperature_celsius)');
    await page.keyboard.press('Escape');
    await page.locator('.cm-lintRange-error').first().waitFor();
    await page.getByTestId('execute').click();
    const err = page.getByTestId('query-error');
    await err.waitFor();
    assert.match((await err.textContent()) ?? '', /bad_data: .*expected type range vector in call to function "rate", got instant vector/);

    // Empty result.
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('no_such_metric_anywhere');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Enter');
    await page.getByTestId('empty-result').waitFor();

    // Shift+Enter adds a line and does not run.
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('app_temperature_celsius');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('+ 1');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('.cm-line').count(), 2);
    assert.equal(await page.getByTestId('empty-result').count(), 1, 'Shift+Enter did not run the query');
    await page.keyboard.press('Enter');
    await waitForTable(page);
    assert.equal(await page.locator('[data-testid="result-table"] .value').first().textContent(), '22.5');

    // History lists what ran, newest first, and re-runs a pick.
    await page.getByRole('button', { name: 'History' }).click();
    const hist = await page.locator('.popover-item').allTextContents();
    assert.equal(hist[0], 'app_temperature_celsius\n+ 1');
    assert.ok(hist.includes('no_such_metric_anywhere'));
    await page.locator('.popover-item', { hasText: 'no_such_metric_anywhere' }).click();
    await page.getByTestId('empty-result').waitFor();

    // Scalars and strings are one row each.
    await typeInEditor(page, '1 + 1.5');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Enter');
    await page.waitForFunction(`document.querySelector('[data-testid="result-table"] .series')?.textContent === 'scalar'`);
    assert.equal(await page.locator('[data-testid="result-table"] .value').textContent(), '2.5');
    await typeInEditor(page, '"hello"');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Enter');
    await page.waitForFunction(`document.querySelector('[data-testid="result-table"] .series')?.textContent === 'string'`);
    assert.equal(await page.locator('[data-testid="result-table"] .value').textContent(), 'hello');

    // Label names and values complete through the API.
    await typeInEditor(page, 'http_requests_total{co');
    await pickCompletion(page, 'code');
    await page.keyboard.type('="5');
    await pickCompletion(page, '500');
    assert.match(await editorText(page), /^http_requests_total\{code="500"\}?$/);

    // A second panel runs on its own.
    await page.getByTestId('add-panel').click();
    const second = page.getByTestId('panel').nth(1);
    await second.locator('.cm-content').click();
    await page.keyboard.type('count(up{job="app"})');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Enter');
    await second.locator('[data-testid="result-table"]').waitFor();
    assert.equal(await second.locator('.value').first().textContent(), '1');
    await waitForURL(page, /g1\.expr=count%28up%7Bjob%3D%22app%22%7D%29/);
    await page.getByLabel('Remove panel 1').click();
    assert.equal(await page.getByTestId('panel').count(), 1);
    assert.equal(await editorText(page, 0), 'count(up{job="app"})');
    clean(p);
    await page.close();
  });

  test(`a graph of ${PERF_SERIES} series × ${PERF_POINTS} points renders in under 500 ms after the response (median of ${PERF_RENDERS})`, { timeout: 180_000 }, async (t) => {
    const p = await browser.page();
    const { page } = p;
    const rangeS = PERF_POINTS - 1;
    const link = `/query?g0.expr=perf_series&g0.tab=graph&g0.range_input=${rangeS}s&g0.end_input=${encodeURIComponent(formatUTC(server.perfEndMs))}&g0.res_type=fixed&g0.res_step=1`;
    const timings: RenderTiming[] = [];
    for (let i = 0; i < PERF_RENDERS; i++) {
      const resp = page.waitForResponse((r) => r.url().endsWith('/api/v1/query_range'));
      await page.goto(server.base + link);
      await page.waitForFunction(`document.querySelector('[data-testid="panel"]').dataset.renderMs !== undefined`);
      const timing = (await page.evaluate(RENDER_TIMING_JS)) as RenderTiming | null;
      assert.ok(timing, 'the render was measured');
      assert.equal(Number(await page.getByTestId('panel').getAttribute('data-render-ms')), Number(timing.total.toFixed(1)), 'the panel shows the measure');
      timings.push(timing);
      // Read the response here only after the render (parsing it meanwhile would compete for the CPU).
      const json = (await (await resp).json()) as { data: { result: { values: unknown[] }[] } };
      assert.equal(json.data.result.length, PERF_SERIES);
      assert.ok(json.data.result.every((s) => s.values.length === PERF_POINTS), `${PERF_POINTS} points each`);
    }
    assert.equal(await page.locator('.legend-item').count(), PERF_SERIES);
    assert.ok((await canvasPixels(page)).colored > 5000, 'the lines are drawn');
    const r1 = (x: number) => Math.round(x * 10) / 10;
    const med = median(timings.map((x) => x.total));
    perf.graph200x1000Render = {
      medianMs: r1(med),
      allMs: timings.map((x) => r1(x.total)),
      medianParseMs: r1(median(timings.map((x) => x.parse))),
      medianPanelMs: r1(median(timings.map((x) => x.panel))),
      medianAlignMs: r1(median(timings.map((x) => x.align))),
      medianChartMs: r1(median(timings.map((x) => x.chart))),
      medianDrawMs: r1(median(timings.map((x) => x.draw))),
      machine: loadText(),
    };
    await screenshot(page, 'query-graph-200-series');
    // The median: single renders swing with whatever else this 2-core machine runs meanwhile.
    await t.test('the median is under 500 ms', { skip: overloaded() }, () => {
      assert.ok(med < 500, `median render ${r1(med)} ms (all: ${timings.map((x) => r1(x.total)).join(', ')})`);
    });
    clean(p);
    await page.close();
  });

  test('the UI JavaScript is at most 300 kB gzipped', () => {
    const dir = join(REPO_ROOT, 'web', 'ui', 'dist', 'assets');
    let raw = 0;
    let gz = 0;
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
      const b = readFileSync(join(dir, f));
      raw += b.length;
      gz += gzipSync(b, { level: 9 }).length;
    }
    perf.jsBytes = raw;
    perf.jsGzipBytes = gz;
    assert.ok(gz > 10_000, 'the bundle is there');
    assert.ok(gz <= 300 * 1024, `JS is ${gz} bytes gzipped`);
  });
});

export type { Page };
