/**
 * The `remote_read` client (upstream's `remote.Client.Read` and `querier`): sends one query per
 * request (snappy `ReadRequest`, sampled responses, or streamed XOR chunks when a chunk decoder
 * is given) and exposes the endpoint as a `Queryable` the query layer merges with local data.
 *
 * Queryable rules, as upstream:
 * - `read_recent: false` (the default): data the local TSDB holds is not read remotely. A
 *   querier starting after the local storage's first sample is empty; one reaching into it is
 *   cut at that time (`PreferLocalStorageFilter`).
 * - `required_matchers`: a select without every one of them as an equality matcher returns
 *   nothing (`RequiredMatchersFilter`).
 * - `filter_external_labels: true`: the external labels are added to the query as equality
 *   matchers (unless the select already has a matcher for that name) and removed from the
 *   returned series.
 *
 * Our seams are synchronous (`Querier.select` returns at once) while a remote read is a
 * network round trip, so the querier has an async `prefetch(selects)` step: the caller (the
 * query engine) lists the selectors it will use and awaits `prefetch` before evaluating;
 * `select` then serves the fetched series. A select that was not prefetched returns an empty
 * set with a warning, and a failed fetch becomes a warning too (Prometheus shows remote read
 * failures as warnings of the query), so local data is still answered.
 */
import { STATUS_CODES } from 'node:http';
import { Labels, LabelsBuilder, METRIC_NAME, compareStrings, isValidLegacyLabelName, newMatcher, type Matcher } from '../../model/labels/index.js';
import { IgnisError, errorMessage, goTransportCause } from '../../util/index.js';
import { ValueType, type LabelMatcher, type Querier, type Queryable, type SampleIterator, type SelectHints, type SelectRequest, type Series, type SeriesSet } from '../interface.js';
import type { RemoteHTTPClient } from './http-client.js';
import type { ReadClientMetrics } from './metrics.js';
import {
  FrameDecoder,
  MatcherType,
  ResponseType,
  decodeChunkedReadResponse,
  decodeReadResponse,
  encodeReadRequest,
  snappyDecode,
  snappyEncode,
  type Query,
  type QueryResult,
  type TimeSeries,
} from './proto/index.js';
import type { RemoteReadSettings } from './remote-config.js';

/** A remote read failed (transport, status, or a malformed response). */
export class RemoteReadError extends IgnisError {}

/** Calls `out(t, v)` for every sample of an XOR chunk; `decodeXorChunk` of `src/tsdb/remote-source` is one. */
export type ChunkDecoder = (data: Uint8Array, out: (t: number, v: number) => void) => void;

/** Sends remote read queries to one endpoint. */
export interface ReadClient {
  /** The result of `query`; rejects with `RemoteReadError` (or the abort reason). */
  read(query: Query, signal?: AbortSignal): Promise<QueryResult>;
  close(): Promise<void>;
}

/** Options of `createReadClient`. */
export interface ReadClientOptions {
  /** Accept streamed XOR chunks (decoded with this); without it only sampled responses are asked for. */
  chunkDecoder?: ChunkDecoder | undefined;
  /** Largest streamed frame message (`chunked_read_limit`, default 50 MB). */
  chunkedReadLimit?: number | undefined;
  /** The client's `prometheus_remote_storage_*` read metrics (`RemoteStorageMetrics.readClient`). */
  metrics?: ReadClientMetrics | undefined;
}

/** A `ReadClient` over `http` posting to `url`. */
export function createReadClient(http: RemoteHTTPClient, url: string, opts: ReadClientOptions = {}): ReadClient {
  const accepted = opts.chunkDecoder ? [ResponseType.STREAMED_XOR_CHUNKS, ResponseType.SAMPLES] : [ResponseType.SAMPLES];
  return {
    async read(query, signal) {
      const body = snappyEncode(encodeReadRequest({ queries: [query], acceptedResponseTypes: accepted }));
      const m = opts.metrics;
      m?.inFlight.inc();
      const t0 = performance.now();
      let res;
      try {
        res = await http.post(body, {
          signal,
          headers: {
            'content-encoding': 'snappy',
            'accept-encoding': 'snappy',
            'content-type': 'application/x-protobuf',
            'x-prometheus-remote-read-version': '0.1.0',
          },
        });
      } catch (err) {
        if (signal?.aborted) throw signal.reason ?? err;
        throw new RemoteReadError(`error sending request: Post "${url}": ${goTransportCause(url, err, (err as Error).name === 'TimeoutError')}`, { cause: err });
      } finally {
        m?.inFlight.dec();
      }
      m?.answered(res.status, (performance.now() - t0) / 1000);
      if (res.status < 200 || res.status >= 300) {
        throw new RemoteReadError(`remote server ${url} returned HTTP status ${res.status} ${STATUS_CODES[res.status] ?? ''}: ${res.body.toString('utf8').trim()}`);
      }
      const ctype = String(res.headers['content-type'] ?? '');
      if (ctype.startsWith('application/x-streamed-protobuf')) {
        if (!opts.chunkDecoder) throw new RemoteReadError(`unsupported content type ${ctype}`);
        return fromFrames(res.body, opts.chunkDecoder, opts.chunkedReadLimit ?? 50_000_000);
      }
      let resp;
      try {
        resp = decodeReadResponse(snappyDecode(res.body));
      } catch (err) {
        throw new RemoteReadError(`error reading response: ${errorMessage(err)}`, { cause: err });
      }
      if (resp.results.length !== 1) throw new RemoteReadError(`responses: want 1, got ${resp.results.length}`);
      return resp.results[0]!;
    },
    close: () => http.close(),
  };
}

/** A streamed response as one `QueryResult` (chunks decoded to samples, series in order). */
function fromFrames(body: Buffer, decode: ChunkDecoder, limit: number): QueryResult {
  const dec = new FrameDecoder(limit);
  dec.push(body);
  const out: TimeSeries[] = [];
  let last: TimeSeries | undefined;
  let lastKey = '';
  try {
    for (let m = dec.next(); m; m = dec.next()) {
      for (const cs of decodeChunkedReadResponse(m).chunkedSeries) {
        const key = JSON.stringify(cs.labels);
        if (!last || key !== lastKey) {
          last = { labels: cs.labels, samples: [], exemplars: [], histograms: [] };
          lastKey = key;
          out.push(last);
        }
        const samples = last.samples;
        for (const c of cs.chunks) decode(c.data, (t, v) => samples.push({ timestamp: t, value: v }));
      }
    }
    dec.end();
  } catch (err) {
    throw new RemoteReadError(`error reading response: ${errorMessage(err)}`, { cause: err });
  }
  return { timeseries: out };
}

/** One select the query layer will make: what `prefetch` fetches (the storage seam's type). */
export type { SelectRequest };

/** Options of `RemoteReadQueryable`. */
export interface RemoteReadQueryableOptions {
  client: ReadClient;
  settings: Pick<RemoteReadSettings, 'read_recent' | 'required_matchers' | 'filter_external_labels'>;
  /** `global.external_labels`. */
  externalLabels: Labels;
  /** The local storage's lowest timestamp (ms; `Infinity` when empty), for `read_recent: false`. */
  localStartTime: () => number;
}

/** A `remote_read` endpoint as a `Queryable`; its queriers need `prefetch` (see the module comment). */
export class RemoteReadQueryable implements Queryable {
  readonly #opts: RemoteReadQueryableOptions;

  constructor(opts: RemoteReadQueryableOptions) {
    this.#opts = opts;
  }

  querier(mint: number, maxt: number): RemoteReadQuerier {
    const o = this.#opts;
    if (!o.settings.read_recent) {
      const local = o.localStartTime();
      if (mint > local) return new RemoteReadQuerier(o, mint, maxt, true);
      if (maxt > local) maxt = local;
    }
    return new RemoteReadQuerier(o, mint, maxt, false);
  }
}

/** Querier of one remote endpoint over `[mint, maxt]`; `prefetch` before `select`. */
export class RemoteReadQuerier implements Querier {
  readonly #opts: RemoteReadQueryableOptions;
  readonly #mint: number;
  readonly #maxt: number;
  readonly #noop: boolean;
  readonly #fetched = new Map<string, { series?: Series[]; warning?: string }>();

  constructor(opts: RemoteReadQueryableOptions, mint: number, maxt: number, noop: boolean) {
    this.#opts = opts;
    this.#mint = mint;
    this.#maxt = maxt;
    this.#noop = noop;
  }

  /** Fetches the data of `selects` (concurrently); failures are kept as warnings of their select. */
  async prefetch(selects: readonly SelectRequest[], signal?: AbortSignal): Promise<void> {
    if (this.#noop) return;
    await Promise.all(
      selects.map(async (s) => {
        const key = selectKey(s.matchers);
        if (this.#fetched.has(key) || !this.#required(s.matchers)) return;
        const { matchers, added } = this.#withExternalLabels(s.matchers);
        const query: Query = { startTimestampMs: this.#mint, endTimestampMs: this.#maxt, matchers: matchers.map(toPb) };
        if (s.hints) query.hints = { startMs: s.hints.start, endMs: s.hints.end, stepMs: s.hints.step ?? 0, func: s.hints.func ?? '', grouping: [...(s.hints.grouping ?? [])], by: s.hints.by ?? false, rangeMs: s.hints.range ?? 0 };
        try {
          const res = await this.#opts.client.read(query, signal);
          this.#fetched.set(key, { series: toSeries(res, added) });
        } catch (err) {
          if (signal?.aborted) throw err;
          this.#fetched.set(key, { warning: `remote_read: ${errorMessage(err)}` });
        }
      }),
    );
  }

  select(sortSeries: boolean, _hints: SelectHints | undefined, ...matchers: LabelMatcher[]): SeriesSet {
    if (this.#noop || !this.#required(matchers)) return new ArraySeriesSet([], []);
    const got = this.#fetched.get(selectKey(matchers));
    if (!got) return new ArraySeriesSet([], ['remote_read: select was not prefetched; remote data left out']);
    if (got.warning) return new ArraySeriesSet([], [got.warning]);
    const series = got.series!;
    if (sortSeries) series.sort((a, b) => Labels.compare(a.labels, b.labels));
    return new ArraySeriesSet(series, []);
  }

  /**
   * Names in the series prefetched for exactly `matchers` (the label APIs with `match[]`).
   * Without matchers nothing can be asked of a remote read endpoint, so nothing is added to
   * local results (upstream's remote querier answers label lookups with `not implemented`).
   */
  labelNames(_hints: SelectHints | undefined, ...matchers: LabelMatcher[]): string[] {
    const names = new Set<string>();
    for (const s of this.#prefetched(matchers)) s.labels.forEach((n) => names.add(n));
    return [...names].sort(compareStrings);
  }

  /** Values of `name` in the series prefetched for exactly `matchers`; see `labelNames`. */
  labelValues(name: string, _hints: SelectHints | undefined, ...matchers: LabelMatcher[]): string[] {
    const values = new Set<string>();
    for (const s of this.#prefetched(matchers)) {
      const v = s.labels.get(name);
      if (v !== '') values.add(v);
    }
    return [...values].sort(compareStrings);
  }

  #prefetched(matchers: readonly LabelMatcher[]): readonly Series[] {
    if (this.#noop || matchers.length === 0 || !this.#required(matchers)) return [];
    return this.#fetched.get(selectKey(matchers))?.series ?? [];
  }

  close(): void {
    this.#fetched.clear();
  }

  #required(ms: readonly LabelMatcher[]): boolean {
    for (const [name, value] of Object.entries(this.#opts.settings.required_matchers)) {
      if (!ms.some((m) => m.type === '=' && m.name === name && m.value === value)) return false;
    }
    return true;
  }

  /** Upstream's `addExternalLabels`: matchers for external labels the select does not constrain. */
  #withExternalLabels(ms: readonly LabelMatcher[]): { matchers: LabelMatcher[]; added: string[] } {
    const out = [...ms];
    const added: string[] = [];
    if (!this.#opts.settings.filter_external_labels) return { matchers: out, added };
    this.#opts.externalLabels.forEach((name, value) => {
      if (ms.some((m) => m.name === name)) return;
      out.push(newMatcher('=', name, value));
      added.push(name);
    });
    return { matchers: out, added };
  }
}

function selectKey(ms: readonly LabelMatcher[]): string {
  return ms.map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`).sort().join(',');
}

function toPb(m: LabelMatcher | Matcher): { type: number; name: string; value: string } {
  const type = m.type === '=' ? MatcherType.EQ : m.type === '!=' ? MatcherType.NEQ : m.type === '=~' ? MatcherType.RE : MatcherType.NRE;
  return { type, name: m.name, value: m.value };
}

/**
 * The series of a result, validated as upstream's `validateLabelsAndMetricName` (a valid metric
 * name, valid and unique label names), with the `added` external labels removed.
 */
function toSeries(res: QueryResult, added: readonly string[]): Series[] {
  const out: Series[] = [];
  for (const ts of res.timeseries) {
    const b = new LabelsBuilder();
    const seen = new Set<string>();
    for (const l of ts.labels) {
      if (l.name === METRIC_NAME && !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(l.value)) throw new RemoteReadError(`invalid metric name: ${l.value}`);
      if (l.name !== METRIC_NAME && !isValidLegacyLabelName(l.name)) throw new RemoteReadError(`invalid label name: ${l.name}`);
      if (seen.has(l.name)) throw new RemoteReadError(`duplicate label with name: ${l.name}`);
      seen.add(l.name);
      b.set(l.name, l.value);
    }
    const labels = added.length > 0 ? b.labels().without(...added) : b.labels();
    const t = new Float64Array(ts.samples.length);
    const v = new Float64Array(ts.samples.length);
    ts.samples.forEach((s, i) => {
      t[i] = s.timestamp;
      v[i] = s.value;
    });
    out.push(new ArraySeries(labels, t, v));
  }
  return out;
}

/** A series over sample arrays (sorted by time, as remote results are). */
class ArraySeries implements Series {
  constructor(
    readonly labels: Labels,
    readonly t: Float64Array,
    readonly v: Float64Array,
  ) {}

  iterator(reuse?: SampleIterator): SampleIterator {
    if (reuse instanceof ArrayIterator) {
      reuse.reset(this);
      return reuse;
    }
    return new ArrayIterator(this);
  }
}

class ArrayIterator implements SampleIterator {
  #s: ArraySeries;
  #i = -1;
  constructor(s: ArraySeries) {
    this.#s = s;
  }
  reset(s: ArraySeries): void {
    this.#s = s;
    this.#i = -1;
  }
  next(): ValueType {
    if (this.#i < this.#s.t.length) this.#i++;
    return this.#i < this.#s.t.length ? ValueType.Float : ValueType.None;
  }
  seek(t: number): ValueType {
    if (this.#i < 0) this.#i = 0;
    const ts = this.#s.t;
    while (this.#i < ts.length && ts[this.#i]! < t) this.#i++;
    return this.#i < ts.length ? ValueType.Float : ValueType.None;
  }
  atT(): number {
    return this.#s.t[this.#i]!;
  }
  at(): number {
    return this.#s.v[this.#i]!;
  }
  err(): Error | undefined {
    return undefined;
  }
}

class ArraySeriesSet implements SeriesSet {
  #i = -1;
  constructor(
    readonly series: Series[],
    readonly warns: string[],
  ) {}
  next(): boolean {
    return ++this.#i < this.series.length;
  }
  at(): Series {
    return this.series[this.#i]!;
  }
  err(): Error | undefined {
    return undefined;
  }
  warnings(): readonly string[] {
    return this.warns;
  }
}
