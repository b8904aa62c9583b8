import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SeriesKeyCache } from './series-key-cache.js';
import { PromParser } from './prom-parser.js';
import { OpenMetricsParser } from './openmetrics-parser.js';
import { EntryType, type TextParser } from './types.js';
import { drain } from './testing.js';

function keys(p: TextParser): string[] {
  const out: string[] = [];
  for (let e = p.next(); e !== EntryType.None; e = p.next()) if (e === EntryType.Series) out.push(p.seriesKey());
  return out;
}

const body = (series: string[], value: number): Buffer => Buffer.from(series.map((s) => `${s} ${value}\n`).join(''));

test('key cache: an unchanged target gets the very same key strings back', () => {
  const cache = new SeriesKeyCache();
  const series = ['a{x="1"}', 'a{x="2"}', 'b', 'c{y="ü"}'];
  const first = keys(new PromParser(body(series, 1), { keyCache: cache }));
  const second = keys(new PromParser(body(series, 2), { keyCache: cache }));
  assert.deepEqual(second, first);
  for (let i = 0; i < first.length; i++) assert.ok(Object.is(first[i], second[i]));
  assert.equal(cache.hits, 4);
  assert.equal(cache.lookups, 8);
});

test('key cache: series appearing and disappearing keep the others reused', () => {
  const cache = new SeriesKeyCache();
  const before = ['s0', 's1', 's2', 's3', 's4', 's5'];
  const after = ['s0', 'new', 's1', 's3', 's4', 'other', 's5'];
  const first = keys(new PromParser(body(before, 1), { keyCache: cache }));
  const second = keys(new PromParser(body(after, 1), { keyCache: cache }));
  assert.deepEqual(second, after);
  for (const k of ['s0', 's1', 's3', 's4', 's5']) assert.ok(Object.is(second[after.indexOf(k)], first[before.indexOf(k)]), k);
  assert.equal(cache.hits, 5);
});

test('key cache: works across formats and always returns the exact bytes', () => {
  const series = fc.uniqueArray(fc.stringMatching(/^[a-c]{1,2}(\{x="[0-9ü]{0,2}"\})?$/), { maxLength: 12 });
  fc.assert(
    fc.property(fc.array(series, { minLength: 1, maxLength: 5 }), (bodies) => {
      const cache = new SeriesKeyCache();
      for (const [i, s] of bodies.entries()) {
        const text = body(s, i);
        const got = i % 2 === 0 ? keys(new PromParser(text, { keyCache: cache })) : keys(new PromParser(text));
        assert.deepEqual(got, s.map((k) => Buffer.from(k).toString('latin1')));
      }
      const om = Buffer.from(`${bodies[0]!.map((k, i) => `m${i}${k.replace(/^[a-c]+/, '')} 1\n`).join('')}# EOF\n`);
      const a = keys(new OpenMetricsParser(om, { keyCache: cache }));
      const b = keys(new OpenMetricsParser(om, { keyCache: cache }));
      assert.deepEqual(b, a);
      for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]));
    }),
    { numRuns: 300 },
  );
});

test('key cache: series known from the previous body still give their labels, and prefixes are not mistaken for keys', () => {
  const cache = new SeriesKeyCache();
  drain(new PromParser(Buffer.from('foo 1\nfoo_bar{a="b"} 1\nx{a="1"} 1\n'), { keyCache: cache }));
  const got = drain(new PromParser(Buffer.from('foo {a="b"} 2\nfoo_bar{a="b"}3\nx{a="1"} 4 5\nfoo\t6\n'), { keyCache: cache }));
  assert.deepEqual(got, [
    { series: 'foo {a="b"}', labels: { __name__: 'foo', a: 'b' }, value: 2, line: 1 },
    { series: 'foo_bar{a="b"}', labels: { __name__: 'foo_bar', a: 'b' }, value: 3, line: 2 },
    { series: 'x{a="1"}', labels: { __name__: 'x', a: '1' }, value: 4, ts: 5, line: 3 },
    { series: 'foo', labels: { __name__: 'foo' }, value: 6, line: 4 },
  ]);
});

test('key cache: parsing with a cache gives exactly what parsing without one gives', () => {
  const line = fc
    .tuple(fc.constantFrom('a', 'ab', 'a_b', 'b'), fc.constantFrom('', ' '), fc.option(fc.constantFrom('{}', '{x="1"}', '{x="1",y="2"}', '{ x = "1" , }', '{x="1"}')), fc.constantFrom(' ', '\t'), fc.constantFrom('1', 'NaN', '2.5'), fc.option(fc.constantFrom(' 7', ' 8')))
    .map(([n, sp, l, sep, v, t]) => (l === null ? `${n}${sep}${v}${t ?? ''}` : `${n}${sp}${l}${sep}${v}${t ?? ''}`));
  fc.assert(
    fc.property(fc.array(fc.array(line, { maxLength: 8 }), { minLength: 1, maxLength: 4 }), (bodies) => {
      const cache = new SeriesKeyCache();
      for (const lines of bodies) {
        const text = Buffer.from(lines.map((l) => `${l}\n`).join(''));
        let want: unknown;
        let got: unknown;
        try {
          want = drain(new PromParser(text));
        } catch (err) {
          want = (err as Error).message;
        }
        try {
          got = drain(new PromParser(text, { keyCache: cache }));
        } catch (err) {
          got = (err as Error).message;
        }
        assert.deepEqual(got, want);
      }
    }),
    { numRuns: 500 },
  );
});

test('key cache: a body that fails to parse leaves the last complete body to reuse, and the cache copies bytes (the body buffer may be overwritten)', () => {
  const cache = new SeriesKeyCache();
  const buf = Buffer.from('a{x="1"} 1\nb{y="2"} 2\n');
  const first = keys(new PromParser(buf, { keyCache: cache }));
  buf.fill(0x20); // the scraper reuses its buffer for the next body
  assert.throws(() => keys(new PromParser(Buffer.from('a{x="1"} 1\nb{y="2"} oops\n'), { keyCache: cache })));
  const again = keys(new PromParser(Buffer.from('a{x="1"} 3\nb{y="2"} 4\n'), { keyCache: cache }));
  assert.deepEqual(again, first);
  for (let i = 0; i < first.length; i++) assert.ok(Object.is(again[i], first[i]));
  // Same length, different bytes: never mistaken for the cached key.
  assert.deepEqual(keys(new PromParser(Buffer.from('a{x="2"} 3\nb{y="3"} 4\n'), { keyCache: cache })), ['a{x="2"}', 'b{y="3"}']);
});
