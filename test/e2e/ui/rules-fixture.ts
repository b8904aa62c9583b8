/**
 * Rule groups for the Alerts and Rules pages. The pages must show a firing alert and a failed
 * rule at once, states a live server reaches only after minutes (or never, on purpose), so the
 * test that needs rules answers `/api/v1/rules` and `/api/v1/alerts` in the browser with this
 * fixture, in upstream's JSON shapes: one group with
 * a firing alerting rule and a recording rule whose last evaluation failed. Everything else the
 * page loads comes from the running server.
 */
import type { Page } from 'playwright-core';

function goTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** `/api/v1/rules` and `/api/v1/alerts` bodies, as of `now`, the alert on `instance`. */
export function rulesFixture(instance: string, now = Date.now()): { rules: unknown; alerts: unknown } {
  const alert = {
    labels: { alertname: 'HighErrorRate', instance, job: 'app', severity: 'page' },
    annotations: { summary: 'Too many 500s' },
    state: 'firing',
    activeAt: goTime(now - 120_000),
    value: '3e+00',
  };
  const group = {
    name: 'app.rules',
    file: '/etc/prometheus/rules/app.yml',
    rules: [
      {
        state: 'firing',
        name: 'HighErrorRate',
        query: 'http_requests_total{code="500"} > 0',
        duration: 60,
        labels: { severity: 'page' },
        annotations: { summary: 'Too many 500s' },
        alerts: [alert],
        health: 'ok',
        evaluationTime: 0.0008,
        lastEvaluation: goTime(now - 3000),
        type: 'alerting',
      },
      {
        name: 'job:http_requests:rate5m',
        query: 'sum by (job) (rate(http_requests_total[5m]))',
        health: 'err',
        lastError: 'many-to-many matching not allowed',
        evaluationTime: 0.0004,
        lastEvaluation: goTime(now - 3000),
        type: 'recording',
      },
    ],
    interval: 15,
    limit: 0,
    evaluationTime: 0.0012,
    lastEvaluation: goTime(now - 3000),
  };
  return { rules: { status: 'success', data: { groups: [group] } }, alerts: { status: 'success', data: { alerts: [alert] } } };
}

/** Makes `page` see the fixture at `/api/v1/rules` and `/api/v1/alerts` (any query string). */
export async function routeRules(page: Page, instance: string): Promise<void> {
  const f = rulesFixture(instance);
  await page.route(/\/api\/v1\/(rules|alerts)(\?.*)?$/, (route) => {
    const body = /\/api\/v1\/rules/.test(route.request().url()) ? f.rules : f.alerts;
    return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
  });
}
