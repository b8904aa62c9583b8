/**
 * Feeds a running `ignis server` data through its remote write receiver
 * (`--web.enable-remote-write-receiver`): protobuf `WriteRequest`s, snappy-compressed, sent in
 * batches with the headers of remote write 1.0. Throws on any answer but 204/200.
 */
import { encodeWriteRequest, snappyEncode, type TimeSeries } from '../../../src/storage/remote/proto/index.js';

/** One series to write: labels (with `__name__`) and its samples in time order. */
export interface SeriesData {
  labels: Readonly<Record<string, string>>;
  /** `[ms, value]` pairs. */
  samples: readonly (readonly [number, number])[];
}

/** Writes `series` to `<base>/api/v1/write`, about `batchSamples` samples a request. */
export async function remoteWrite(base: string, series: readonly SeriesData[], batchSamples = 50_000): Promise<void> {
  let batch: TimeSeries[] = [];
  let n = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const body = snappyEncode(encodeWriteRequest({ timeseries: batch, metadata: [] }));
    const res = await fetch(`${base}/api/v1/write`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy', 'X-Prometheus-Remote-Write-Version': '0.1.0' },
      body,
    });
    const text = await res.text();
    if (res.status !== 204 && res.status !== 200) throw new Error(`remote write: HTTP ${res.status}: ${text}`);
    batch = [];
    n = 0;
  };
  for (const s of series) {
    const labels = Object.keys(s.labels)
      .sort()
      .map((name) => ({ name, value: s.labels[name]! }));
    batch.push({ labels, samples: s.samples.map(([timestamp, value]) => ({ timestamp, value })), exemplars: [], histograms: [] });
    n += s.samples.length;
    if (n >= batchSamples) await flush();
  }
  await flush();
}
