/**
 * Robustness and round-trip properties: random and mutated bodies never crash either parser
 * (only ExpositionParseError may escape), never loop (entries are bounded by the body length)
 * and finish quickly; bodies rendered from a random model parse back to that model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OpenMetricsParser } from './openmetrics-parser.js';
import { PromParser } from './prom-parser.js';
import { EntryType, ExpositionParseError, type TextParser } from './types.js';

/** Per-input time bound: generous for CI; a 10 KB body takes well under a millisecond normally. */
const TIME_LIMIT_MS = 1000;

const SEEDS: string[] = [
  '# HELP a help\n# TYPE a counter\na_total{x="1",y="\\"q\\\\\\n"} 1 1.5 # {t="1"} 2 3\na_created{x="1",y="\\"q\\\\\\n"} 1 1.5\n# EOF\n',
  '# TYPE h_seconds histogram\n# UNIT h_seconds seconds\nh_seconds_bucket{le="0.1"} 1\nh_seconds_bucket{le="+Inf"} 2\nh_seconds_count 2\nh_seconds_sum 3\nh_seconds_created 1\n# EOF\n',
  '# TYPE s summary\ns{quantile="0.5"} 1\ns_count 2\ns_sum 3\n# TYPE i info\ni_info{v="1"} 1\n# TYPE st stateset\nst{st="a"} 1\n# EOF\n',
  '# TYPE g gaugehistogram\ng_bucket{le="1"} 1 5\ng_bucket{le="+Inf"} 2 5\ng_gcount 2 5\ng_gsum 1 5\n{"my.metric","a.b"="☃"} NaN\n# EOF\n',
  '# HELP node_load1 1m\n# TYPE node_load1 gauge\nnode_load1 4.38\n\n# free comment\nnode_cpu{cpu="0", mode="idle",} 85912.51 1700000000000\n  x +Inf\n',
];

/** Runs `p` to the end calling every accessor that fits each entry; returns the entry count. */
function exercise(p: TextParser): number {
  let n = 0;
  for (let e = p.next(); e !== EntryType.None; e = p.next()) {
    n++;
    switch (e) {
      case EntryType.Series:
        p.seriesKey();
        p.labels();
        p.value();
        p.timestamp();
        p.exemplar();
        p.createdTimestamp();
        break;
      case EntryType.Help:
        p.familyName();
        p.help();
        break;
      case EntryType.Type:
        p.type();
        break;
      case EntryType.Unit:
        p.unit();
        break;
      case EntryType.Comment:
        p.comment();
        break;
      default:
        throw new Error(`BUG: entry type ${e}`);
    }
    if (n > 2 * 10_000 + 2) throw new Error('BUG: more entries than a body of this size can hold');
  }
  return n;
}

/** Asserts that both parsers either finish or throw ExpositionParseError, within the time bound. */
function survives(body: Uint8Array): void {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  for (const make of [() => new PromParser(buf), () => new OpenMetricsParser(buf), () => new OpenMetricsParser(buf, { strict: false })]) {
    const t0 = performance.now();
    try {
      const n = exercise(make());
      assert.ok(n <= buf.length + 1, `${n} entries from ${buf.length} bytes`);
    } catch (err) {
      if (!(err instanceof ExpositionParseError)) throw err;
      assert.match(err.message, /^\d+:\d+: \S/);
    }
    const ms = performance.now() - t0;
    assert.ok(ms < TIME_LIMIT_MS, `took ${ms.toFixed(0)} ms for ${buf.length} bytes`);
  }
}

const ALPHABET = ['a', 'b_total', 'le', 'quantile', '{', '}', '"', '=', ',', ' ', '\t', '\n', '#', '# ', 'HELP ', 'TYPE ', 'UNIT ', 'EOF', 'counter', 'histogram', 'summary', 'stateset', 'info', '_bucket', '_count', '_sum', '_created', '+Inf', 'NaN', '1', '0.5', '-', 'e', '.', '\\', '\\n', '\\"', '☃', '\u0000', '\r', '\xff', '{"a.b"'];
const tokens = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 400 }).map((ts) => new Uint8Array(Buffer.from(ts.join(''), 'latin1')));

test('random bytes never crash or hang the parsers', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 10_000 }), survives), { numRuns: 400 });
});

test('random token soups never crash or hang the parsers', () => {
  fc.assert(fc.property(tokens, survives), { numRuns: 2000 });
});

/** A valid body with random byte flips, insertions and deletions. */
const mutated = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.array(fc.tuple(fc.constantFrom('flip', 'insert', 'delete'), fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
  )
  .map(([seed, edits]) => {
    const bytes = [...Buffer.from(seed, 'utf8')];
    for (const [kind, at, byte] of edits) {
      const i = bytes.length === 0 ? 0 : at % bytes.length;
      if (kind === 'flip') bytes[i] = byte;
      else if (kind === 'insert') bytes.splice(i, 0, byte);
      else bytes.splice(i, 1);
    }
    return new Uint8Array(bytes);
  });

test('mutated valid bodies never crash or hang the parsers', () => {
  fc.assert(fc.property(mutated, survives), { numRuns: 3000 });
});

test('the seeds themselves parse in their formats', () => {
  for (const seed of SEEDS.slice(0, 4)) assert.ok(exercise(new OpenMetricsParser(Buffer.from(seed))) > 0);
  assert.equal(exercise(new PromParser(Buffer.from(SEEDS[4]!))), 6);
});

// Round trip: a random model rendered as text and as OpenMetrics parses back to the model.

interface ModelSeries {
  labels: [string, string][];
  value: number;
  ts?: number;
}
interface ModelFamily {
  name: string;
  help: string;
  series: ModelSeries[];
}

const ident = fc.stringMatching(/^[a-z_][a-z0-9_]{0,12}$/);
const labelValue = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '"', '\\', '\n', '{', '}', '#', ',', '=', 'ü', '☃', '😀'), minLength: 1, maxLength: 12 });
const familyArb: fc.Arbitrary<ModelFamily> = fc.record({
  name: ident.map((n) => `m_${n}`),
  help: fc.string({ maxLength: 20 }).map((h) => h.replace(/\n/g, ' ')),
  series: fc.uniqueArray(
    fc.record({
      labels: fc.uniqueArray(fc.tuple(ident.filter((n) => !n.startsWith('__')), labelValue), { selector: ([n]) => n, maxLength: 4 }),
      value: fc.oneof(fc.double(), fc.integer()).map((v) => (Object.is(v, -0) ? 0 : v)),
      ts: fc.option(fc.integer({ min: 0, max: 4_000_000_000_000 }), { nil: undefined }),
    }),
    { selector: (s) => JSON.stringify([...s.labels].sort()), minLength: 1, maxLength: 5 },
  ),
});
const modelArb = fc.uniqueArray(familyArb, { selector: (f) => f.name, minLength: 1, maxLength: 6 });

const escapeValue = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (h: string): string => h.replace(/\\/g, '\\\\');

function render(model: ModelFamily[], om: boolean): string {
  let out = '';
  for (const f of model) {
    out += `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} gauge\n`;
    for (const s of f.series) {
      const labels = s.labels.length === 0 ? '' : `{${s.labels.map(([n, v]) => `${n}="${escapeValue(v)}"`).join(',')}}`;
      const ts = s.ts === undefined ? '' : om ? ` ${s.ts / 1000}` : ` ${s.ts}`;
      out += `${f.name}${labels} ${String(s.value)}${ts}\n`;
    }
  }
  return om ? `${out}# EOF\n` : out;
}

test('bodies rendered from a random model parse back to it, in both formats', () => {
  fc.assert(
    fc.property(modelArb, (model) => {
      // OpenMetrics carries seconds: milliseconds come back as Prometheus computes them,
      // int64(seconds * 1000), which can be 1 ms below the rendered value (e.g. 539713007.777 s).
      const want = (om: boolean) =>
        model.flatMap((f) =>
          f.series.map((s) => ({ labels: Object.fromEntries([['__name__', f.name], ...s.labels]), value: s.value, ts: om && s.ts !== undefined ? Math.trunc((s.ts / 1000) * 1000) : s.ts })),
        );
      const helps = model.map((f) => [f.name, f.help]);
      for (const om of [false, true]) {
        const p = om ? new OpenMetricsParser(Buffer.from(render(model, true))) : new PromParser(Buffer.from(render(model, false)));
        const got: { labels: Record<string, string>; value: number; ts: number | undefined }[] = [];
        const gotHelps: string[][] = [];
        for (let e = p.next(); e !== EntryType.None; e = p.next()) {
          if (e === EntryType.Series) got.push({ labels: p.labels().toObject(), value: p.value(), ts: p.timestamp() });
          if (e === EntryType.Help) gotHelps.push([p.familyName(), p.help()]);
        }
        assert.deepEqual(got, want(om));
        assert.deepEqual(gotHelps, helps);
      }
    }),
    { numRuns: 300 },
  );
});

test('huge label sets stay linearithmic: 20,000 labels in one series, duplicates still found', () => {
  const labels = Array.from({ length: 20_000 }, (_, i) => `l${(i * 7919) % 20_000}="v${i}"`).join(',');
  for (const [make, text] of [
    [(b: Buffer) => new PromParser(b), `big{${labels}} 1\n`],
    [(b: Buffer) => new OpenMetricsParser(b), `big{${labels}} 1\n# EOF\n`],
  ] as const) {
    const t0 = performance.now();
    const p = make(Buffer.from(text));
    assert.equal(p.next(), EntryType.Series);
    assert.equal(p.labels().length, 20_001);
    assert.ok(performance.now() - t0 < TIME_LIMIT_MS);
    assert.throws(() => count(make(Buffer.from(text.replace('l0="v0"', 'l1="x"')))), /duplicate label name "l1"/);
  }
});

/** Drains a parser, returning the number of entries. */
function count(p: TextParser): number {
  let n = 0;
  while (p.next() !== EntryType.None) n++;
  return n;
}
