import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './index.js';

const load = (text: string) => loadConfig(text, 'test.yml', { env: {} });
const tsdb = (window: string): string => `storage:\n  tsdb:\n    out_of_order_time_window: ${window}\n`;

test('storage.tsdb.out_of_order_time_window: a duration in ms, 0 when absent', () => {
  assert.equal(load(tsdb('30m')).storage.tsdb?.out_of_order_time_window, 30 * 60_000);
  assert.equal(load(tsdb('1h30m')).storage.tsdb?.out_of_order_time_window, 90 * 60_000);
  assert.equal(load(tsdb('0s')).storage.tsdb?.out_of_order_time_window, 0);
  assert.equal(load('storage:\n  tsdb: {}\n').storage.tsdb?.out_of_order_time_window, 0);
  assert.equal(load('global: {}\n').storage.tsdb, undefined);
});

test('storage.tsdb.out_of_order_time_window: a negative or malformed value is refused with the text promtool prints', () => {
  for (const [bad, text] of [
    ['-1h', 'not a valid duration string: "-1h"'],
    ['10', 'not a valid duration string: "10"'],
    ['1x', 'not a valid duration string: "1x"'],
  ] as const) {
    assert.throws(
      () => load(tsdb(bad)),
      (err: unknown) => err instanceof ConfigError && err.message.includes(text),
      bad,
    );
  }
});
