/**
 * Property: parse(write(x)) == x for both formats, with generated families that are valid for
 * the format (OpenMetrics' rules for counters, histograms, summaries, info, stateset), odd
 * floats, odd label values and names, UTF-8 names, timestamps and exemplars.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Labels } from '../labels/index.js';
import { formatOpenMetricsFloat, readFamilies, writeOpenMetrics, writeText, type Exemplar, type MetricFamily, type MetricSample, type MetricType } from './index.js';

const ODD_FLOATS = [NaN, Infinity, -Infinity, -0, 0, 5e-324, 2.2250738585072014e-308, 1e21, 1e-7, 1e6, 999999.5, Number.MAX_VALUE, -1.5e-300, 0.1, 123456789.123];
const NONNEG_FLOATS = [0, 5e-324, 2.2250738585072014e-308, 1e21, 1e-7, 1e6, 0.1, Number.MAX_VALUE, Infinity];

const anyFloat = fc.oneof(fc.constantFrom(...ODD_FLOATS), fc.double());
const nonNegFloat = fc.oneof(fc.constantFrom(...NONNEG_FLOATS), fc.double({ min: 0, noNaN: true }));
const finiteNonNeg = fc.oneof(fc.constantFrom(0, 5e-324, 1e21, 1e-7, 0.25), fc.double({ min: 0, max: 1e300, noNaN: true }));
const count = fc.oneof(fc.constantFrom(0, 1, 2 ** 53), fc.nat());

/** Text with the characters that need escaping, blanks, UTF-8 (incl. astral) and syntax characters. */
const oddText = (maxLength: number) =>
  fc
    .array(fc.oneof(fc.constantFrom('"', '\\', '\n', ' ', '\t', 'é', '日本', '😀', '{', '}', '=', ',', '#', 'a', 'b'), fc.string({ maxLength: 3 })), { maxLength })
    .map((a) => a.join(''));

const legacyLabelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/).filter((n) => !n.startsWith('__') && n !== 'le' && n !== 'quantile');
const utf8LabelName = fc.constantFrom('a.b', 'ü', 'with space', 'q"uote', 'back\\slash', '日本');
const labelName = fc.oneof({ weight: 5, arbitrary: legacyLabelName }, { weight: 1, arbitrary: utf8LabelName });
const labelSet = fc.dictionary(labelName, oddText(6), { maxKeys: 3 }).map((o) => Labels.fromObject(o));
const baseName = fc.oneof({ weight: 6, arbitrary: fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,10}$/) }, { weight: 1, arbitrary: fc.constantFrom('my.metric', 'ü_metric', 'has space') });
const help = fc.option(oddText(12).filter((h) => h !== '' && !/^[ \t]/.test(h)), { nil: undefined });
// Prometheus' text parser takes digits only (promlex: `{D}+`), so text timestamps are >= 0;
// OpenMetrics timestamps may be negative.
const timestamp = fc.integer({ min: -1e12, max: 1e13 });
const textTimestamp = fc.integer({ min: 0, max: 1e13 });
const exemplarLabels = fc.dictionary(legacyLabelName, fc.string({ maxLength: 8 }), { maxKeys: 2 }).map((o) => Labels.fromObject(o));
const exemplar: fc.Arbitrary<Exemplar> = fc.record({ labels: exemplarLabels, value: fc.oneof(anyFloat.filter((v) => !Number.isNaN(v))), t: fc.option(timestamp, { nil: undefined }) }, { requiredKeys: ['labels', 'value'] });

/** Distinct label sets (by content), each one metric of a family. */
const metricsOf = (min = 1) => fc.uniqueArray(labelSet, { minLength: min, maxLength: 3, selector: (l) => JSON.stringify(l.toFlat()) });

interface Ctx {
  om: boolean;
  name: string;
}

function withTs(s: MetricSample, t: number | undefined): MetricSample {
  return t === undefined ? s : { ...s, t };
}

/** Lines of one metric (label set) of a family of `type`. */
function metricLines(type: MetricType, ctx: Ctx, labels: Labels): fc.Arbitrary<MetricSample[]> {
  const n = ctx.name;
  const ts = fc.option(ctx.om ? timestamp : textTimestamp, { nil: undefined });
  const ex = ctx.om ? fc.option(exemplar, { nil: undefined }) : fc.constant(undefined);
  switch (type) {
    case 'gauge':
    case 'unknown':
      return fc.tuple(anyFloat, ts).map(([v, t]) => [withTs({ name: n, labels, value: v }, t)]);
    case 'counter': {
      const created = ctx.om ? fc.option(finiteNonNeg, { nil: undefined }) : fc.constant(undefined);
      return fc.tuple(nonNegFloat, ts, ex, created).map(([v, t, e, c]) => {
        const total: MetricSample = withTs({ name: n, labels, value: v }, t);
        if (e) total.exemplar = e;
        return c === undefined ? [total] : [total, withTs({ name: n.replace(/_total$/, '_created'), labels, value: c }, t)];
      });
    }
    case 'histogram':
    case 'gaugehistogram': {
      const g = type === 'gaugehistogram';
      return fc
        .tuple(fc.uniqueArray(fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }), { maxLength: 3 }), fc.array(count, { minLength: 4, maxLength: 4 }), finiteNonNeg, ts, fc.array(ex, { minLength: 4, maxLength: 4 }))
        .map(([bounds, incs, sum, t, exs]) => {
          const les = [...new Set(bounds.map((b) => formatOpenMetricsFloat(b)))].map(Number).sort((a, b) => a - b);
          const out: MetricSample[] = [];
          let cum = 0;
          [...les, Infinity].forEach((le, i) => {
            cum += incs[i]!;
            const s = withTs({ name: `${n}_bucket`, labels: labels.builder().set('le', formatOpenMetricsFloat(le)).labels(), value: cum }, t);
            if (exs[i]) s.exemplar = exs[i];
            out.push(s);
          });
          // OpenMetrics: a histogram with negative bounds has neither _count nor _sum.
          if (!(les[0]! < 0)) {
            out.push(withTs({ name: `${n}${g ? '_gcount' : '_count'}`, labels, value: cum }, t));
            out.push(withTs({ name: `${n}${g ? '_gsum' : '_sum'}`, labels, value: sum }, t));
          }
          return out;
        });
    }
    case 'summary':
      return fc
        .tuple(fc.uniqueArray(fc.constantFrom(0, 0.5, 0.9, 0.99, 1, 0.25), { maxLength: 3 }), fc.array(fc.oneof(finiteNonNeg, fc.constant(NaN)), { minLength: 3, maxLength: 3 }), finiteNonNeg, count, ts)
        .map(([qs, vs, sum, c, t]) => [
          ...qs.sort((a, b) => a - b).map((q, i) => withTs({ name: n, labels: labels.builder().set('quantile', formatOpenMetricsFloat(q)).labels(), value: vs[i]! }, t)),
          withTs({ name: `${n}_sum`, labels, value: sum }, t),
          withTs({ name: `${n}_count`, labels, value: c }, t),
        ]);
    case 'info':
      return ts.map((t) => [withTs({ name: `${n}_info`, labels, value: 1 }, t)]);
    case 'stateset':
      return fc.tuple(fc.uniqueArray(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 3 }), fc.array(fc.constantFrom(0, 1), { minLength: 3, maxLength: 3 }), ts).map(([states, vs, t]) =>
        states.map((st, i) => withTs({ name: n, labels: labels.builder().set(n, st).labels(), value: vs[i]! }, t)),
      );
  }
}

/** One family of `type` named after `base` and index `i` (the `_f<i>` suffix keeps families from clashing). */
function family(type: MetricType, base: string, i: number, om: boolean): fc.Arbitrary<MetricFamily> {
  // Stateset names double as label names, so they must be legacy label names.
  const stem = type === 'stateset' ? `s${i}` : `${base}_f${i}`;
  const name = type === 'counter' ? `${stem}_total` : stem;
  const ctx: Ctx = { om, name };
  const unit = om && type !== 'info' && type !== 'stateset' && !stem.endsWith('_') ? fc.option(fc.constant(`f${i}`), { nil: undefined }) : fc.constant(undefined);
  return fc.tuple(help, unit, metricsOf()).chain(([h, u, sets]) =>
    fc.tuple(...sets.map((l) => metricLines(type, ctx, l))).map((lines) => {
      const mf: MetricFamily = { name, type, samples: lines.flat() };
      if (h !== undefined) mf.help = h;
      if (u !== undefined) mf.unit = u;
      return mf;
    }),
  );
}

const TEXT_TYPES: MetricType[] = ['counter', 'gauge', 'histogram', 'summary', 'unknown'];
const OM_TYPES: MetricType[] = [...TEXT_TYPES, 'gaugehistogram', 'info', 'stateset'];

function families(om: boolean): fc.Arbitrary<MetricFamily[]> {
  return fc
    .array(fc.tuple(fc.constantFrom(...(om ? OM_TYPES : TEXT_TYPES)), baseName), { maxLength: 5 })
    .chain((specs) => (specs.length === 0 ? fc.constant([]) : fc.tuple(...specs.map(([t, b], i) => family(t, b, i, om)))));
}

/**
 * Plain data for deepStrictEqual; negative zero becomes 0 (both writers print it as 0, like expfmt).
 * `viaSeconds`: timestamps as read back from OpenMetrics seconds, which Prometheus (and the
 * parser) turn into int64(seconds * 1000), sometimes 1 ms below the written milliseconds.
 */
function plain(fams: readonly MetricFamily[], viaSeconds = false): unknown {
  const num = (v: number) => (v === 0 ? 0 : v);
  const ts = (t: number | undefined) => (t === undefined || !viaSeconds ? t : Math.trunc((t / 1000) * 1000) + 0);
  const ex = (e: Exemplar | undefined) => e && { labels: e.labels.toObject(), value: num(e.value), t: ts(e.t) };
  return fams.map((f) => ({
    name: f.name,
    type: f.type,
    help: f.help,
    unit: f.unit,
    samples: f.samples.map((s) => ({ name: s.name, labels: s.labels.toObject(), value: num(s.value), t: ts(s.t), exemplar: ex(s.exemplar) })),
  }));
}

for (const format of ['text', 'openmetrics'] as const) {
  test(`parse(write(x)) == x for ${format}`, () => {
    fc.assert(
      fc.property(families(format === 'openmetrics'), (fams) => {
        const body = (format === 'text' ? writeText(fams) : writeOpenMetrics(fams)).toBuffer();
        let got: MetricFamily[];
        try {
          got = readFamilies(body, format);
        } catch (err) {
          throw new Error(`${(err as Error).message}\n--- body ---\n${body.toString()}`);
        }
        assert.deepStrictEqual(plain(got), plain(fams, format === 'openmetrics'), body.toString());
      }),
      { numRuns: Number(process.env.IGNIS_PROPERTY_RUNS ?? 400), includeErrorInReport: true },
    );
  });
}

test('round trip keeps values bit-exact for every odd float, in both formats', () => {
  const samples = ODD_FLOATS.map((v, i) => ({ name: 'g', labels: Labels.fromObject({ i: String(i) }), value: v }));
  const mf: MetricFamily = { name: 'g', type: 'gauge', help: 'odd', samples };
  for (const body of [writeText([mf]).toBuffer(), writeOpenMetrics([mf]).toBuffer()]) {
    const fmt = body.includes('# EOF') ? 'openmetrics' : 'text';
    const got = readFamilies(body, fmt)[0]!.samples.map((s) => s.value);
    assert.deepStrictEqual(got, ODD_FLOATS.map((v) => (v === 0 ? 0 : v)), fmt);
  }
});
