/**
 * Upstream's `queryData` JSON (`{"resultType":…,"result":…,"stats":…}`) for a query value,
 * written as UTF-8 bytes by `JsonBytes` (no string per sample) in slices that yield to the
 * event loop (in turn with query evaluation, see `TurnSlices`), so that a 10,000-series matrix
 * neither takes long nor blocks scrapes.
 */
import type { Labels } from '../../../model/labels/index.js';
import { TurnSlices, jsonString } from '../../../util/index.js';
import { JsonBytes } from './json-bytes.js';
import { RawJSON, formatFloatF, formatJSONNumber, toGoJSON } from './json-format.js';

/** Upstream's `stats` member of query results (timings in seconds, sample counts). */
export interface QueryStatsJSON {
  timings: Record<string, number>;
  samples: Record<string, number>;
}

/** Query values the encoder takes: the engine's `Value` shapes (float samples only). */
export type EncodableValue =
  | { readonly type: 'scalar'; readonly t: number; readonly v: number }
  | { readonly type: 'string'; readonly t: number; readonly v: string }
  | { readonly type: 'vector'; readonly samples: readonly { metric: Labels; t: number; f: number }[] }
  | { readonly type: 'matrix'; readonly series: readonly { metric: Labels; t: ArrayLike<number>; f: ArrayLike<number> }[] };

/**
 * The `queryData` of `value` with `stats` when given. Between series it yields to the event
 * loop whenever `sliceMs` of synchronous work have passed.
 */
export async function encodeQueryData(value: EncodableValue, stats?: QueryStatsJSON, sliceMs = 10): Promise<RawJSON> {
  const out = new JsonBytes(Math.min(sizeEstimate(value), MAX_INITIAL_BYTES));
  out.ascii('{"resultType":"' + value.type + '","result":');
  switch (value.type) {
    case 'scalar':
      out.ascii('[' + formatJSONNumber(value.t / 1000) + ',"' + formatFloatF(value.v) + '"]');
      break;
    case 'string':
      out.utf8('[' + formatJSONNumber(value.t / 1000) + ',' + jsonString(value.v) + ']');
      break;
    case 'vector': {
      const slices = new TurnSlices(sliceMs);
      const samples = value.samples;
      out.byte(0x5b);
      for (let i = 0; i < samples.length; i++) {
        const s = samples[i]!;
        out.ascii(i === 0 ? '{"metric":' : ',{"metric":');
        out.labels(s.metric);
        out.ascii(',"value":');
        out.point(s.t, s.f, true);
        out.byte(0x7d);
        if ((i & 255) === 255 && slices.due) await slices.next();
      }
      out.byte(0x5d);
      break;
    }
    case 'matrix': {
      const slices = new TurnSlices(sliceMs);
      const series = value.series;
      out.byte(0x5b);
      for (let i = 0; i < series.length; i++) {
        const s = series[i]!;
        out.ascii(i === 0 ? '{"metric":' : ',{"metric":');
        out.labels(s.metric);
        out.ascii(',"values":[');
        const t = s.t;
        const f = s.f;
        for (let k = 0; k < t.length; k++) out.point(t[k]!, f[k]!, k === 0, k);
        out.ascii(']}');
        if (slices.due) await slices.next();
      }
      out.byte(0x5d);
      break;
    }
  }
  if (stats) out.ascii(',"stats":' + toGoJSON(stats));
  out.byte(0x7d);
  return new RawJSON(out.view());
}

/** Largest buffer allocated up front (a larger answer grows it by doubling). */
const MAX_INITIAL_BYTES = 64 * 1024 * 1024;

/** Bytes of `{"name":"value",…}` for `labels`. */
function labelsBytes(labels: Labels): number {
  let n = 2;
  for (let i = 0; i < labels.length; i++) n += labels.nameAt(i).length + labels.valueAt(i).length + 6;
  return n;
}

/**
 * About how many bytes `value` encodes to, from the first series' labels and the number of
 * points (a point takes up to about 40 bytes). Every answer used to start with 64 KiB outside
 * the V8 heap, and that external memory counts towards V8's GC triggers (600 small answers in
 * a row on an idle server ran 1-5 mark-compacts, 1-2 with small answers in a pooled slice). A
 * large answer starts near its size instead of doubling up to it.
 */
function sizeEstimate(value: EncodableValue): number {
  switch (value.type) {
    case 'scalar':
    case 'string':
      return 256;
    case 'vector': {
      const n = value.samples.length;
      return n === 0 ? 256 : 256 + n * (labelsBytes(value.samples[0]!.metric) + 60);
    }
    case 'matrix': {
      const series = value.series;
      if (series.length === 0) return 256;
      let points = 0;
      for (let i = 0; i < series.length; i++) points += series[i]!.t.length;
      return 256 + series.length * (labelsBytes(series[0]!.metric) + 30) + points * 36;
    }
  }
}
