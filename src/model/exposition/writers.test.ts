import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../labels/index.js';
import { LabelList, OutputBuffer, writeOpenMetrics, writeText, type LabelPairs, type MetricFamily } from './index.js';

const L = (o: Record<string, string> = {}) => Labels.fromObject(o);

const counter: MetricFamily = {
  name: 'http_requests_total',
  help: 'Total "requests".\nSecond \\ line',
  type: 'counter',
  samples: [
    { name: 'http_requests_total', labels: L({ code: '200', path: '/a"b\\c\nd' }), value: 1027, t: 1395066363000, exemplar: { labels: L({ trace_id: 'abc' }), value: 1, t: 1395066363500 } },
    { name: 'http_requests_total', labels: L({ code: '500', path: 'é' }), value: 3e6 },
  ],
};

const histogram: MetricFamily = {
  name: 'rpc_seconds',
  help: 'RPC latency.',
  type: 'histogram',
  unit: 'seconds',
  samples: [
    { name: 'rpc_seconds_bucket', labels: L({ le: '0.5', method: 'get' }), value: 1 },
    { name: 'rpc_seconds_bucket', labels: L({ le: '+Inf', method: 'get' }), value: 10267820369 },
    { name: 'rpc_seconds_sum', labels: L({ method: 'get' }), value: 3.5 },
    { name: 'rpc_seconds_count', labels: L({ method: 'get' }), value: 10267820369 },
  ],
};

const summary: MetricFamily = {
  name: 'gc',
  type: 'summary',
  samples: [
    { name: 'gc', labels: L({ quantile: '0.5', a: 'x', z: 'y' }), value: 1.305e-6 },
    { name: 'gc_sum', labels: L({ a: 'x', z: 'y' }), value: NaN },
    { name: 'gc_count', labels: L({ a: 'x', z: 'y' }), value: 0 },
  ],
};

const utf8: MetricFamily = {
  name: 'my.metric',
  help: 'dotted',
  type: 'gauge',
  samples: [
    { name: 'my.metric', labels: L({ 'my.label': 'v', ok: 'x', 'q"uote': '1' }), value: -Infinity },
    { name: 'my.metric', labels: L(), value: -0 },
  ],
};

const untypedNoTotal: MetricFamily = { name: 'legacy_counter', type: 'counter', samples: [{ name: 'legacy_counter', labels: L(), value: 1 }] };
const info: MetricFamily = { name: 'build', type: 'info', samples: [{ name: 'build_info', labels: L({ version: '1.0' }), value: 1 }] };

/** Lines of `summary` and the first of `utf8` that the text and OpenMetrics writers write alike. */
const SAME_IN_BOTH_FORMATS = [
  '# TYPE gc summary',
  'gc{a="x",z="y",quantile="0.5"} 1.305e-06',
  'gc_sum{a="x",z="y"} NaN',
  'gc_count{a="x",z="y"} 0',
  '# HELP "my.metric" dotted',
  '# TYPE "my.metric" gauge',
  '{"my.metric","my.label"="v",ok="x","q\\"uote"="1"} -Inf',
];

test('text 0.0.4 writer output is byte-exact', () => {
  const got = writeText([counter, histogram, summary, utf8, untypedNoTotal, info]).toString();
  const want = [
    '# HELP http_requests_total Total "requests".\\nSecond \\\\ line',
    '# TYPE http_requests_total counter',
    'http_requests_total{code="200",path="/a\\"b\\\\c\\nd"} 1027 1395066363000',
    'http_requests_total{code="500",path="é"} 3e+06',
    '# HELP rpc_seconds RPC latency.',
    '# TYPE rpc_seconds histogram',
    'rpc_seconds_bucket{method="get",le="0.5"} 1',
    'rpc_seconds_bucket{method="get",le="+Inf"} 1.0267820369e+10',
    'rpc_seconds_sum{method="get"} 3.5',
    'rpc_seconds_count{method="get"} 1.0267820369e+10',
    ...SAME_IN_BOTH_FORMATS,
    '{"my.metric"} 0',
    '# TYPE legacy_counter counter',
    'legacy_counter 1',
    '# TYPE build untyped',
    'build_info{version="1.0"} 1',
    '',
  ].join('\n');
  assert.equal(got, want);
});

test('OpenMetrics writer output is byte-exact', () => {
  const got = writeOpenMetrics([counter, histogram, summary, utf8, untypedNoTotal, info]).toString();
  const want = [
    '# HELP http_requests Total \\"requests\\".\\nSecond \\\\ line',
    '# TYPE http_requests counter',
    'http_requests_total{code="200",path="/a\\"b\\\\c\\nd"} 1027.0 1395066363.000 # {trace_id="abc"} 1.0 1395066363.500',
    'http_requests_total{code="500",path="é"} 3e+06',
    '# HELP rpc_seconds RPC latency.',
    '# TYPE rpc_seconds histogram',
    '# UNIT rpc_seconds seconds',
    'rpc_seconds_bucket{method="get",le="0.5"} 1',
    'rpc_seconds_bucket{method="get",le="+Inf"} 10267820369',
    'rpc_seconds_sum{method="get"} 3.5',
    'rpc_seconds_count{method="get"} 10267820369',
    ...SAME_IN_BOTH_FORMATS,
    '{"my.metric"} 0.0',
    '# TYPE legacy_counter unknown',
    'legacy_counter 1.0',
    '# TYPE build info',
    'build_info{version="1.0"} 1.0',
    '# EOF',
    '',
  ].join('\n');
  assert.equal(got, want);
});

test('OpenMetrics writer: counter named without _total but with _total samples keeps its type; exemplar without labels', () => {
  const mf: MetricFamily = {
    name: 'jobs',
    type: 'counter',
    samples: [
      { name: 'jobs_total', labels: L(), value: 2, exemplar: { labels: L(), value: 0.5 } },
      { name: 'jobs_created', labels: L(), value: 1700000000.5 },
    ],
  };
  assert.equal(writeOpenMetrics([mf]).toString(), '# TYPE jobs counter\njobs_total 2.0 # {} 0.5\njobs_created 1.7000000005e+09\n# EOF\n');
});

test('UNIT is written only when the family name ends in _<unit>', () => {
  const mf: MetricFamily = { name: 'temp', type: 'gauge', unit: 'celsius', samples: [] };
  assert.equal(writeOpenMetrics([mf]).toString(), '# TYPE temp gauge\n# EOF\n');
  const ok: MetricFamily = { name: 'up_seconds_total', type: 'counter', unit: 'seconds', samples: [] };
  assert.equal(writeOpenMetrics([ok]).toString(), '# TYPE up_seconds counter\n# UNIT up_seconds seconds\n# EOF\n');
});

test('OutputBuffer is reusable and grows', () => {
  const out = new OutputBuffer(1);
  for (let round = 0; round < 3; round++) {
    out.reset();
    const big: MetricFamily = { name: 'g', type: 'gauge', samples: [] };
    for (let i = 0; i < 2000; i++) big.samples.push({ name: 'g', labels: L({ i: String(i), u: '日本' }), value: i });
    writeText([big], out);
    const text = out.toString();
    assert.equal(out.length, Buffer.byteLength(text));
    assert.equal(text.split('\n').length, 2002); // TYPE line, 2000 samples, final empty split
    assert.ok(text.includes('g{i="1999",u="日本"} 1999\n'));
    assert.deepEqual(out.toBuffer(), Buffer.from(text));
  }
});

test('LabelList keeps write order and empty values, as the Go client prints them', () => {
  const mf: MetricFamily<LabelPairs> = {
    name: 'node_cpu_vulnerabilities_info',
    type: 'gauge',
    samples: [{ name: 'node_cpu_vulnerabilities_info', labels: new LabelList([['codename', 'mds'], ['mitigation', ''], ['state', 'vulnerable']]), value: 1 }],
  };
  assert.equal(writeText([mf]).toString(), '# TYPE node_cpu_vulnerabilities_info gauge\nnode_cpu_vulnerabilities_info{codename="mds",mitigation="",state="vulnerable"} 1\n');
});

test('OutputBuffer.appendInt writes safe integers exactly', () => {
  const out = new OutputBuffer(1);
  const values = [0, -0, 7, 9, 10, 99, 100, 101, -1, -10, 999999, 1e6, 1700000000000, 1e15, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
  for (const v of values) {
    out.appendInt(v);
    out.appendByte(0x20);
  }
  assert.equal(out.toString(), values.map((v) => String(v)).join(' ') + ' ');
  assert.throws(() => out.appendInt(1.5), /BUG/);
});

test('fast paths print like the general formatter (integers, counts, timestamps)', () => {
  const vals = [0, -0, 1, -1, 42, -273, 999999, 1e6, -1e6, 1234567, 0.5, NaN];
  const mf: MetricFamily = { name: 'h', type: 'histogram', samples: [] };
  const g: MetricFamily = { name: 'g', type: 'gauge', samples: [] };
  vals.forEach((v, i) => {
    g.samples.push({ name: 'g', labels: L({ i: String(i) }), value: v, t: [0, 1, 999, 1000, 1001, -1, -999, -1001, 1700000000123, 5, 10, 100][i]! });
    mf.samples.push({ name: 'h_count', labels: L({ i: String(i) }), value: Math.abs(v) });
  });
  const text = writeText([g]).toString().split('\n').slice(1, -1);
  assert.deepEqual(
    text.map((l) => l.split(' ').slice(1).join(' ')),
    ['0 0', '0 1', '1 999', '-1 1000', '42 1001', '-273 -1', '999999 -999', '1e+06 -1001', '-1e+06 1700000000123', '1.234567e+06 5', '0.5 10', 'NaN 100'],
  );
  const om = writeOpenMetrics([g, mf]).toString().split('\n');
  assert.deepEqual(
    om.slice(1, 13).map((l) => l.split(' ').slice(1).join(' ')),
    ['0.0 0.000', '0.0 0.001', '1.0 0.999', '-1.0 1.000', '42.0 1.001', '-273.0 -0.001', '999999.0 -0.999', '1e+06 -1.001', '-1e+06 1700000000.123', '1.234567e+06 0.005', '0.5 0.010', 'NaN 0.100'],
  );
  assert.deepEqual(
    om.slice(14, 26).map((l) => l.split(' ')[1]),
    ['0', '0', '1', '1', '42', '273', '999999', '1000000', '1000000', '1234567', '0.5', 'NaN'],
  );
});
