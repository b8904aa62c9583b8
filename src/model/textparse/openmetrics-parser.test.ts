import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenMetricsParser } from './openmetrics-parser.js';
import { EntryType, ExpositionParseError } from './types.js';
import { count, drain, type PlainEntry } from './testing.js';

const om = (text: string, strict = true): OpenMetricsParser => new OpenMetricsParser(Buffer.from(text, 'latin1'), { strict });

const GOOD: [string, string, PlainEntry[]][] = [
  [
    'counter with exemplar, timestamps in seconds and _created',
    '# TYPE a counter\n# HELP a he\\"lp\\\\\\n\na_total{x="1"} 5 1.5 # {trace_id="abc"} 0.5 1.25\na_created{x="1"} 1.5e9 1.5\n# EOF\n',
    [
      { type: 'a', is: 'counter' },
      { help: 'a', text: 'he"lp\\\n' },
      { series: 'a_total{x="1"}', labels: { __name__: 'a_total', x: '1' }, value: 5, ts: 1500, exemplar: { labels: { trace_id: 'abc' }, value: 0.5, ts: 1250 }, line: 3 },
      { series: 'a_created{x="1"}', labels: { __name__: 'a_created', x: '1' }, value: 1.5e9, ts: 1500, line: 4 },
    ],
  ],
  [
    'unit, gauge, empty metadata',
    '# TYPE b_seconds gauge\n# UNIT b_seconds seconds\n# HELP b_seconds \nb_seconds -1.5e-3\n# EOF',
    [
      { type: 'b_seconds', is: 'gauge' },
      { unit: 'b_seconds', is: 'seconds' },
      { help: 'b_seconds', text: '' },
      { series: 'b_seconds', labels: { __name__: 'b_seconds' }, value: -0.0015, line: 4 },
    ],
  ],
  [
    'timestamps: milliseconds truncated as Prometheus does (int64(seconds * 1000)), exponents',
    'a{i="1"} 1 000\na{i="2"} 1 1.001\na{i="3"} 1 0.0000000001\na{i="4"} 1 1.5e3\na{i="5"} 1 -2.25\na{i="6"} 1 1700215884.373\na{i="7"} 1 1.0005e0\na{i="8"} 1 1.5009\n# EOF\n',
    [
      { series: 'a{i="1"}', labels: { __name__: 'a', i: '1' }, value: 1, ts: 0, line: 1 },
      { series: 'a{i="2"}', labels: { __name__: 'a', i: '2' }, value: 1, ts: 1000, line: 2 },
      { series: 'a{i="3"}', labels: { __name__: 'a', i: '3' }, value: 1, ts: 0, line: 3 },
      { series: 'a{i="4"}', labels: { __name__: 'a', i: '4' }, value: 1, ts: 1500000, line: 4 },
      { series: 'a{i="5"}', labels: { __name__: 'a', i: '5' }, value: 1, ts: -2250, line: 5 },
      { series: 'a{i="6"}', labels: { __name__: 'a', i: '6' }, value: 1, ts: 1700215884373, line: 6 },
      { series: 'a{i="7"}', labels: { __name__: 'a', i: '7' }, value: 1, ts: 1000, line: 7 },
      { series: 'a{i="8"}', labels: { __name__: 'a', i: '8' }, value: 1, ts: 1500, line: 8 },
    ],
  ],
  [
    'special values, case-insensitive',
    'a{i="1"} +inf\na{i="2"} -Infinity\na{i="3"} nan\n# EOF\n',
    [
      { series: 'a{i="1"}', labels: { __name__: 'a', i: '1' }, value: Infinity, line: 1 },
      { series: 'a{i="2"}', labels: { __name__: 'a', i: '2' }, value: -Infinity, line: 2 },
      { series: 'a{i="3"}', labels: { __name__: 'a', i: '3' }, value: NaN, line: 3 },
    ],
  ],
  [
    'info, stateset, gaugehistogram',
    '# TYPE i info\ni_info{v="1"} 1\n# TYPE s stateset\ns{s="a"} 1\ns{s="b"} 0\n# TYPE g gaugehistogram\ng_bucket{le="-1"} 1\ng_bucket{le="+Inf"} 2\ng_gcount 2\ng_gsum -3\n# EOF\n',
    [
      { type: 'i', is: 'info' },
      { series: 'i_info{v="1"}', labels: { __name__: 'i_info', v: '1' }, value: 1, line: 2 },
      { type: 's', is: 'stateset' },
      { series: 's{s="a"}', labels: { __name__: 's', s: 'a' }, value: 1, line: 4 },
      { series: 's{s="b"}', labels: { __name__: 's', s: 'b' }, value: 0, line: 5 },
      { type: 'g', is: 'gaugehistogram' },
      { series: 'g_bucket{le="-1"}', labels: { __name__: 'g_bucket', le: '-1' }, value: 1, line: 7 },
      { series: 'g_bucket{le="+Inf"}', labels: { __name__: 'g_bucket', le: '+Inf' }, value: 2, line: 8 },
      { series: 'g_gcount', labels: { __name__: 'g_gcount' }, value: 2, line: 9 },
      { series: 'g_gsum', labels: { __name__: 'g_gsum' }, value: -3, line: 10 },
    ],
  ],
  [
    'histogram MetricPoints over time',
    '# TYPE h histogram\nh_bucket{le="1"} 0 1\nh_bucket{le="+Inf"} 1 1\nh_count 1 1\nh_sum 2 1\nh_bucket{le="1"} 1 2\nh_bucket{le="+Inf"} 3 2\nh_count 3 2\nh_sum 5 2\n# EOF\n',
    [
      { type: 'h', is: 'histogram' },
      { series: 'h_bucket{le="1"}', labels: { __name__: 'h_bucket', le: '1' }, value: 0, ts: 1000, line: 2 },
      { series: 'h_bucket{le="+Inf"}', labels: { __name__: 'h_bucket', le: '+Inf' }, value: 1, ts: 1000, line: 3 },
      { series: 'h_count', labels: { __name__: 'h_count' }, value: 1, ts: 1000, line: 4 },
      { series: 'h_sum', labels: { __name__: 'h_sum' }, value: 2, ts: 1000, line: 5 },
      { series: 'h_bucket{le="1"}', labels: { __name__: 'h_bucket', le: '1' }, value: 1, ts: 2000, line: 6 },
      { series: 'h_bucket{le="+Inf"}', labels: { __name__: 'h_bucket', le: '+Inf' }, value: 3, ts: 2000, line: 7 },
      { series: 'h_count', labels: { __name__: 'h_count' }, value: 3, ts: 2000, line: 8 },
      { series: 'h_sum', labels: { __name__: 'h_sum' }, value: 5, ts: 2000, line: 9 },
    ],
  ],
  [
    'UTF-8 quoted names',
    '# TYPE "my.counter" counter\n{"my.counter_total","a.b"="c"} 1\n# EOF\n',
    [
      { type: 'my.counter', is: 'counter' },
      { series: '{"my.counter_total","a.b"="c"}', labels: { __name__: 'my.counter_total', 'a.b': 'c' }, value: 1, line: 2 },
    ],
  ],
];

for (const [name, input, want] of GOOD) {
  test(`openmetrics parses: ${name}`, () => {
    assert.deepEqual(drain(om(input)), want);
  });
}

const NEG_HISTOGRAM = '# TYPE h histogram\nh_bucket{le="-1"} 1\nh_bucket{le="+Inf"} 2\nh_sum -3\nh_count 2\n# EOF\n';
const NEG_SUMMARY = '# TYPE s summary\ns{quantile="0.5"} -1\ns_sum -4\ns_count 2\n# EOF\n';

const BAD: [string, string, string][] = [
  ['no # EOF', 'a 1\n', '2:1: expected "# EOF" at the end of the input'],
  ['empty body', '', '1:1: expected "# EOF" at the end of the input'],
  ['content after # EOF', 'a 1\n# EOF\n\n', '3:1: unexpected content after "# EOF"'],
  ['blank line', 'a 1\n\n# EOF\n', '2:1: expected metric name, "{" or "#", found line break'],
  ['free comment', '# hello\n# EOF\n', '1:3: expected "HELP ", "TYPE ", "UNIT " or "EOF" after "# "'],
  ['two spaces before value', 'a  1\n# EOF\n', '1:3: expected value, found " "'],
  ['tab before value', 'a\t1\n# EOF\n', '1:2: expected " " before the value, found tab'],
  ['dot in bare name', 'a.b 1\n# EOF\n', '1:2: invalid character in metric name (quote UTF-8 names: {"a.b"}), found "."'],
  ['blank in label set', 'a{b="c", d="e"} 1\n# EOF\n', '1:9: expected label name, found " "'],
  ['trailing comma', 'a{b="c",} 1\n# EOF\n', '1:9: expected label name after ","'],
  ['duplicate label', 'a{b="c",b="d"} 1\n# EOF\n', '1:9: duplicate label name "b"'],
  ['trailing blank', 'a 1 \n# EOF\n', '1:5: expected timestamp, found line break'],
  ['NaN counter', '# TYPE a counter\na_total NaN\n# EOF\n', '2:9: counter value must not be negative or NaN'],
  ['counter without suffix', '# TYPE a counter\na 1\n# EOF\n', '2:1: sample "a" does not belong to counter family "a" (expected "a_total", "a_created")'],
  ['family repeated', 'a 1\nb 1\na 2\n# EOF\n', '3:1: metric family "a" appears again after other families (families must be contiguous)'],
  ['name clash', '# TYPE a_created gauge\n# TYPE a counter\n# EOF\n', '2:8: family "a" needs the sample name "a_created", which family "a_created" already uses'],
  ['metric not contiguous', 'a{x="1"} 1\na{x="2"} 1\na{x="1"} 2\n# EOF\n', '3:1: samples of one metric of "a" must be contiguous; this label set appeared before'],
  ['duplicate without timestamps', 'a 1\na 2\n# EOF\n', '2:1: duplicate sample for one metric without timestamps'],
  ['time going backwards', 'a 1 2\na 1 1\n# EOF\n', '2:5: timestamp is older than the previous sample of the same metric'],
  ['metadata after samples', '# TYPE a gauge\na 1\n# HELP a x\n# EOF\n', '3:8: HELP for "a" after its samples (metadata must come first)'],
  ['unit not a suffix', '# UNIT a seconds\n# EOF\n', '1:8: unit "seconds" is not a suffix of the family name "a"'],
  ['unit on info', '# TYPE a_u info\n# UNIT a_u u\n# EOF\n', '2:8: info family "a_u" must not have a unit'],
  ['bucket without le', '# TYPE h histogram\nh_bucket 1\n# EOF\n', '2:9: histogram bucket "h_bucket" without "le" label'],
  ['le not a number', '# TYPE h histogram\nh_bucket{le="x"} 1\n# EOF\n', '2:14: invalid number "x" in label "le"'],
  ['buckets out of order', '# TYPE h histogram\nh_bucket{le="2"} 1\nh_bucket{le="1"} 1\n# EOF\n', '3:14: bucket "le" values must increase'],
  ['no +Inf bucket', '# TYPE h histogram\nh_bucket{le="1"} 1\n# EOF\n', '2:1: histogram "h" has no bucket with le="+Inf"'],
  ['count differs from +Inf', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 3\nh_sum 1\n# EOF\n', '2:1: histogram "h": _count (3) differs from the +Inf bucket (2)'],
  ['negative buckets with _sum', NEG_HISTOGRAM, '2:1: histogram "h" has negative bucket bounds, so it must not have _sum'],
  ['negative quantile value', NEG_SUMMARY, '2:19: quantile value must not be negative'],
  ['quantile out of range', '# TYPE s summary\ns{quantile="2"} 1\n# EOF\n', '2:13: quantile must be between 0 and 1'],
  ['info value', '# TYPE i info\ni_info 2\n# EOF\n', '2:8: info value must be 1'],
  ['stateset without state label', '# TYPE s stateset\ns{x="a"} 1\n# EOF\n', '2:2: stateset sample without the label "s" naming its state'],
  ['exemplar on a gauge', 'a 1 # {t="1"} 1\n# EOF\n', '1:5: exemplars are allowed only on counter _total and histogram _bucket samples'],
  ['exemplar too long', `# TYPE a counter\na_total 1 # {t="${'x'.repeat(128)}"} 1\n# EOF\n`, '2:13: exemplar labels have 129 characters, more than 128'],
  ['exemplar timestamp NaN', '# TYPE a counter\na_total 1 # {t="1"} 1 NaN\n# EOF\n', '2:23: invalid exemplar timestamp "NaN"'],
  ['hex value', 'a 0x1p3\n# EOF\n', '1:3: invalid value "0x1p3"'],
  ['untyped is text-only', '# TYPE a untyped\n# EOF\n', '1:10: invalid metric type "untyped" (expected counter, gauge, histogram, gaugehistogram, summary, info, stateset, unknown)'],
  ['missing line break before # EOF end', 'a 1', '1:4: expected line break, found end of input'],
];

for (const [name, input, message] of BAD) {
  test(`openmetrics rejects: ${name}`, () => {
    assert.throws(() => count(om(input)), (err: unknown) => {
      assert.ok(err instanceof ExpositionParseError, String(err));
      assert.equal(err.message, message);
      return true;
    });
  });
}

test('openmetrics strict: false accepts what client_golang writes for negative observations', () => {
  assert.equal(count(om(NEG_HISTOGRAM, false)), 5);
  assert.equal(count(om(NEG_SUMMARY, false)), 4);
  assert.throws(() => count(om('# TYPE s summary\ns_count -1\n# EOF\n', false)), /count must not be negative/);
});

test('openmetrics createdTimestamp: from earlier in the MetricPoint, by lookahead, per metric; ms truncated like timestamps', () => {
  const p = om(
    '# TYPE c counter\nc_created{x="1"} 10\nc_total{x="1"} 1\nc_total{x="2"} 1\nc_created{x="2"} 20.5009\nc_total{x="3"} 1\n' +
      '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_count 1\nh_sum 1\nh_created 30\n# TYPE g gauge\ng 1\n# EOF\n',
  );
  const got: [string, number | undefined][] = [];
  for (let e = p.next(); e !== EntryType.None; e = p.next()) if (e === EntryType.Series) got.push([p.seriesKey(), p.createdTimestamp()]);
  assert.deepEqual(got, [
    ['c_created{x="1"}', undefined],
    ['c_total{x="1"}', 10000],
    ['c_total{x="2"}', 20500],
    ['c_created{x="2"}', undefined],
    ['c_total{x="3"}', undefined],
    ['h_bucket{le="+Inf"}', 30000],
    ['h_count', 30000],
    ['h_sum', 30000],
    ['h_created', undefined],
    ['g', undefined],
  ]);
});

test('openmetrics: next() after # EOF keeps returning None; comment() is empty', () => {
  const p = om('a 1\n# EOF\n');
  assert.equal(p.next(), EntryType.Series);
  assert.equal(p.comment(), '');
  assert.equal(p.next(), EntryType.None);
  assert.equal(p.next(), EntryType.None);
});
