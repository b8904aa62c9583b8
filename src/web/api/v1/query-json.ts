/**
 * Upstream's `queryData` JSON (`{"resultType":…,"result":…,"stats":…}`) for a query value,
 * written as UTF-8 bytes by `JsonBytes` (no string per sample) in slices that yield to the
 * event loop (in turn with query evaluation, see `TurnSlices`), so that a 10,000-series matrix
 * neither takes long nor blocks scrapes.
 */
import type { Labels } from '../../../model/labels/index.js';
import { TurnSlices } from '../../../util/index.js';
import { JsonBytes } from './json-bytes.js';
import { RawJSON, formatFloatF, formatJSONNumber, jsonString, toGoJSON } from './json-format.js';

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
  const out = new JsonBytes();
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
        for (let k = 0; k < t.length; k++) out.point(t[k]!, f[k]!, k === 0);
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
