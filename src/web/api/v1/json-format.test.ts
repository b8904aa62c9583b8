import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Labels } from '../../../model/labels/index.js';
import { JsonBytes } from './json-bytes.js';
import { RawJSON, formatFloatF, formatJSONNumber, formatSampleValue, formatTimestamp, goTimeJSON, labelsJSON, toGoJSON } from './json-format.js';
import { encodeQueryData } from './query-json.js';
import { formatFloatE } from './rules.js';

// Expected texts are Prometheus 2.42's answers for the same values.
test('sample values: jsoniter forms', () => {
  const cases: [number, string][] = [
    [20.6, '20.6'],
    [0, '0'],
    [-0, '-0'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [5e-7, '5e-07'],
    [1.5e-7, '1.5e-07'],
    [1e-6, '0.000001'],
    [1e-10, '1e-10'],
    [1e21, '1e+21'],
    [1.5e300, '1.5e+300'],
    [123456789012345680000, '123456789012345680000'],
    [0.16666666666666666, '0.16666666666666666'],
    [-42, '-42'],
  ];
  for (const [v, s] of cases) assert.equal(formatSampleValue(v), s, String(v));
});

test('scalar values: strconv f form', () => {
  const cases: [number, string][] = [
    [5e-7, '0.0000005'],
    [1e21, '1000000000000000000000'],
    [1.5e22, '15000000000000000000000'],
    [-1.25e-8, '-0.0000000125'],
    [-0, '-0'],
    [NaN, 'NaN'],
    [-Infinity, '-Inf'],
    [1700000101.5, '1700000101.5'],
  ];
  for (const [v, s] of cases) assert.equal(formatFloatF(v), s, String(v));
});

test('timestamps: seconds with three ms digits; JSON numbers as encoding/json', () => {
  assert.equal(formatTimestamp(1700000100_000), '1700000100');
  assert.equal(formatTimestamp(1700000101_500), '1700000101.500');
  assert.equal(formatTimestamp(1700000101_050), '1700000101.050');
  assert.equal(formatTimestamp(1_001), '1.001');
  assert.equal(formatTimestamp(-1500), '-1.500');
  assert.equal(formatTimestamp(0), '0');
  assert.equal(formatJSONNumber(-1.5), '-1.5');
  assert.equal(formatJSONNumber(1e-7), '1e-7');
  assert.equal(formatJSONNumber(-0), '-0');
  assert.equal(formatJSONNumber(NaN), 'null');
});

test('labels, generic values, Go times, alert values', () => {
  assert.equal(labelsJSON(Labels.fromObject({ job: 'a', __name__: 'up' })), '{"__name__":"up","job":"a"}');
  assert.equal(labelsJSON(Labels.EMPTY), '{}');
  assert.equal(toGoJSON({ b: 1, a: [true, null, 'x'], skip: undefined, m: new Map([['z', 1], ['a', 2]]), r: new RawJSON('{"k":1}') }), '{"b":1,"a":[true,null,"x"],"m":{"a":2,"z":1},"r":{"k":1}}');
  assert.equal(goTimeJSON(undefined), '0001-01-01T00:00:00Z');
  assert.equal(goTimeJSON(1700000100_000), '2023-11-14T22:15:00Z');
  assert.equal(goTimeJSON(1700000100_120), '2023-11-14T22:15:00.12Z');
  assert.equal(goTimeJSON(1700000100_001), '2023-11-14T22:15:00.001Z');
  assert.equal(formatFloatE(1), '1e+00');
  assert.equal(formatFloatE(0.5), '5e-01');
  assert.equal(formatFloatE(1234.5), '1.2345e+03');
  assert.equal(formatFloatE(1e-100), '1e-100');
});

test('JsonBytes points equal the string formatters', () => {
  const values = [0, -0, 1, -1, 99, 100, 12345678, 123456789, 9007199254740991, -9007199254740991, 0.5, 1e-7, 1e21, NaN, Infinity, -Infinity, 20.6];
  const times = [0, 1, 999, 1000, 1001, 1700000101500, -1500, -1, 8.64e15, 99999999999];
  for (const t of times) {
    for (const v of values) {
      const b = new JsonBytes(16);
      b.point(t, v, false);
      assert.equal(b.view().toString(), `,[${formatTimestamp(t)},"${formatSampleValue(v)}"]`, `${t} ${v}`);
    }
  }
});

test('encodeQueryData: upstream shapes for every value type', async () => {
  const m = Labels.fromObject({ __name__: 'temp', job: 'node' });
  const text = async (v: Parameters<typeof encodeQueryData>[0]) => (await encodeQueryData(v)).text();
  assert.equal(await text({ type: 'scalar', t: 1700000105_000, v: 5e-7 }), '{"resultType":"scalar","result":[1700000105,"0.0000005"]}');
  assert.equal(await text({ type: 'scalar', t: -1500, v: -1.5 }), '{"resultType":"scalar","result":[-1.5,"-1.5"]}');
  assert.equal(await text({ type: 'string', t: 1500, v: 'a<b>&' }), '{"resultType":"string","result":[1.5,"a\\u003cb\\u003e\\u0026"]}');
  assert.equal(
    await text({ type: 'vector', samples: [{ metric: m, t: 1700000101_500, f: -Infinity }] }),
    '{"resultType":"vector","result":[{"metric":{"__name__":"temp","job":"node"},"value":[1700000101.500,"-Inf"]}]}',
  );
  assert.equal(await text({ type: 'vector', samples: [] }), '{"resultType":"vector","result":[]}');
  assert.equal(
    await text({ type: 'matrix', series: [{ metric: m, t: Float64Array.of(1000, 2500), f: Float64Array.of(1, 1e21) }, { metric: Labels.EMPTY, t: Float64Array.of(3000), f: Float64Array.of(5e-7) }] }),
    '{"resultType":"matrix","result":[{"metric":{"__name__":"temp","job":"node"},"values":[[1,"1"],[2.500,"1e+21"]]},{"metric":{},"values":[[3,"5e-07"]]}]}',
  );
  const st = await encodeQueryData({ type: 'scalar', t: 0, v: 1 }, { timings: { evalTotalTime: 0.000401128 }, samples: { totalQueryableSamples: 2, peakSamples: 2 } });
  assert.equal(st.text(), '{"resultType":"scalar","result":[0,"1"],"stats":{"timings":{"evalTotalTime":0.000401128},"samples":{"totalQueryableSamples":2,"peakSamples":2}}}');
});

test('encodeQueryData: label names and values escaped as labelsJSON does (byte path and fallback)', async () => {
  const values = ['plain', '', 'a"b', 'back\\slash', '<html>&', 'tab\there', 'caf\u00e9', '\u2028', 'emoji \u{1F600}', 'lone \ud800', 'del\u007f', 'nl\n'];
  for (const v of values) {
    const metric = Labels.fromObject({ __name__: 'm', l: v });
    const vec = (await encodeQueryData({ type: 'vector', samples: [{ metric, t: 0, f: 1 }] })).text();
    assert.equal(vec, `{"resultType":"vector","result":[{"metric":${labelsJSON(metric)},"value":[0,"1"]}]}`, JSON.stringify(v));
    const mat = (await encodeQueryData({ type: 'matrix', series: [{ metric, t: Float64Array.of(0), f: Float64Array.of(1) }] })).text();
    assert.equal(mat, `{"resultType":"matrix","result":[{"metric":${labelsJSON(metric)},"values":[[0,"1"]]}]}`, JSON.stringify(v));
  }
});

test('JsonBytes.point writes every value as formatSampleValue does (decimal fast path included)', () => {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const values = [0.1 + 0.2, 0.3, 1.5, -2.25, 1e-6, 1.5e-6, 9.99e-7, 0.000123, 123456789.123, 2 ** 51 / 10 + 0.5, 2 ** 52 + 0.5, 1e21 + 0.5, 4503599627370495.5, 0.1, 0.7, 1.005, 8.675309, -0, NaN, Infinity, -Infinity];
  for (let i = 0; i < 20000; i++) {
    const k = i % 13;
    const int = Math.floor(rand() * 10 ** (1 + (i % 15)));
    values.push((i & 1 ? -1 : 1) * (int / 10 ** k), rand() * 10 ** ((i % 40) - 20), int / 3);
  }
  for (const v of values) {
    const out = new JsonBytes();
    out.point(1000, v, true);
    assert.equal(out.view().toString(), `[1,"${formatSampleValue(v)}"]`, String(v));
  }
});

test('encodeQueryData: a 10,000-series matrix encodes quickly and parses back', async () => {
  const series = [];
  for (let i = 0; i < 10_000; i++) {
    const t = new Float64Array(10);
    const f = new Float64Array(10);
    for (let k = 0; k < 10; k++) {
      t[k] = 1700000000_000 + k * 15_000;
      f[k] = (i * 10 + k) / 7;
    }
    series.push({ metric: Labels.fromObject({ __name__: 'node_cpu_seconds_total', cpu: String(i % 64), instance: `host-${i}:9100`, job: 'node', mode: 'idle' }), t, f });
  }
  let best = Infinity;
  let json = '';
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    json = (await encodeQueryData({ type: 'matrix', series })).text();
    best = Math.min(best, performance.now() - t0);
  }
  const parsed = JSON.parse(json) as { result: { metric: Record<string, string>; values: [number, string][] }[] };
  assert.equal(parsed.result.length, 10_000);
  assert.deepEqual(parsed.result[9_999]!.values[9], [1700000135, String(99_999 / 7)]);
  assert.equal(parsed.result[3]!.metric.instance, 'host-3:9100');
  // Tens of ms on an idle machine; the bound leaves room for loaded CI hosts.
  assert.ok(best < 2000, `10,000 series x 10 points took ${best.toFixed(0)} ms`);
});

test('encodeQueryData: matrices and vectors equal the string formatters (timestamp cache, escaped labels, buffer growth)', async () => {
  const text = fc.oneof(fc.constantFrom('job', 'instance', 'x'), fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 }));
  const labels = fc.uniqueArray(fc.tuple(text, text), { selector: ([n]) => n, maxLength: 4 }).map((kv) => Labels.fromObject(Object.fromEntries(kv.filter(([, v]) => v !== ''))));
  // Few distinct timestamps, so that slots repeat and sometimes hold another series' time.
  const time = fc.constantFrom(0, 1000, 1500, 1700000101500, -1500, 2.5, 8.64e15);
  const series = fc.array(fc.record({ metric: labels, points: fc.array(fc.tuple(time, fc.double()), { maxLength: 70 }) }), { maxLength: 6 });
  const point = (t: number, v: number) => `[${formatTimestamp(t)},"${formatSampleValue(v)}"]`;
  await fc.assert(
    fc.asyncProperty(series, async (ss) => {
      const matrix = ss.map((s) => ({ metric: s.metric, t: Float64Array.from(s.points, (p) => p[0]), f: Float64Array.from(s.points, (p) => p[1]) }));
      const want = ss.map((s) => `{"metric":${labelsJSON(s.metric)},"values":[${s.points.map(([t, v]) => point(t, v)).join(',')}]}`).join(',');
      assert.equal((await encodeQueryData({ type: 'matrix', series: matrix })).text(), `{"resultType":"matrix","result":[${want}]}`);
      const samples = ss.flatMap((s) => s.points.slice(0, 1).map(([t, f]) => ({ metric: s.metric, t, f })));
      const wantVec = samples.map((s) => `{"metric":${labelsJSON(s.metric)},"value":${point(s.t, s.f)}}`).join(',');
      assert.equal((await encodeQueryData({ type: 'vector', samples })).text(), `{"resultType":"vector","result":[${wantVec}]}`);
    }),
    { numRuns: 300 },
  );
});
