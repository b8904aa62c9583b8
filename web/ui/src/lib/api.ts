/**
 * The Prometheus HTTP API client: JSON envelope, error types, warnings. Requests go to this
 * page's own server only (`<base>/api/v1/…`).
 */
import { BASE_PATH } from './nav';

/** The API's error answer (`status: "error"`), or a transport failure (`type` `network`). */
export class APIError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'APIError';
  }
}

/**
 * A successful answer. `responseAt` is `performance.now()` when the whole response had arrived
 * (its body read, not yet parsed): where the UI's own work on it starts.
 */
export interface APIResult<T> {
  data: T;
  warnings: string[];
  infos: string[];
  responseAt: number;
}

/** Event dispatched on `window` when the server answers 503 (TSDB still starting). */
export const NOT_READY_EVENT = 'ignis:not-ready';

/** The API's base URL path, `<base>api/v1`. */
export const API_PREFIX = `${BASE_PATH}api/v1`;

type Params = Record<string, string | number | readonly string[] | undefined>;

function encode(params: Params): URLSearchParams {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) p.append(k, x);
    else p.append(k, String(v));
  }
  return p;
}

/**
 * Calls `GET|POST <base>/api/v1/<path>`; POST sends the parameters as a form (for long queries).
 * Rejects with `APIError`; an abort rejects with the `AbortError` as is.
 */
export async function apiCall<T>(path: string, params: Params = {}, opts: { method?: 'GET' | 'POST'; signal?: AbortSignal } = {}): Promise<APIResult<T>> {
  const form = encode(params);
  const method = opts.method ?? 'GET';
  let url = `${API_PREFIX}/${path}`;
  const init: RequestInit = { method, signal: opts.signal, headers: { Accept: 'application/json' } };
  if (method === 'POST') {
    init.body = form;
  } else if ([...form.keys()].length > 0) {
    url += '?' + form.toString();
  }
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new APIError('network', `cannot reach the server: ${e instanceof Error ? e.message : String(e)}`, 0);
  }
  if (res.status === 503) window.dispatchEvent(new Event(NOT_READY_EVENT));
  let body: { status?: string; data?: T; errorType?: string; error?: string; warnings?: string[]; infos?: string[] };
  let responseAt: number;
  try {
    const text = await res.text();
    responseAt = performance.now();
    body = JSON.parse(text);
    // For profiling (the graph's render time is split at it); one is kept.
    performance.clearMarks('ignis:api-parsed');
    performance.mark('ignis:api-parsed');
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new APIError('bad_response', `unexpected answer from the server: HTTP ${res.status} ${res.statusText}`, res.status);
  }
  if (body.status !== 'success') {
    throw new APIError(body.errorType ?? 'unknown', body.error ?? `HTTP ${res.status} ${res.statusText}`, res.status);
  }
  return { data: body.data as T, warnings: body.warnings ?? [], infos: body.infos ?? [], responseAt };
}

/** One sample of an instant vector or a matrix row: `[seconds, "value"]`. */
export type SamplePair = [number, string];

/** A native histogram sample as the API encodes it. */
export interface HistogramJSON {
  count: string;
  sum: string;
  buckets?: [number, string, string, string][];
}

/** `resultType: vector` element. */
export interface InstantSeries {
  metric: Record<string, string>;
  value?: SamplePair;
  histogram?: [number, HistogramJSON];
}

/** `resultType: matrix` element. */
export interface RangeSeries {
  metric: Record<string, string>;
  values?: SamplePair[];
  histograms?: [number, HistogramJSON][];
}

/** `data` of `/query` and `/query_range`. */
export type QueryData =
  | { resultType: 'vector'; result: InstantSeries[] }
  | { resultType: 'matrix'; result: RangeSeries[] }
  | { resultType: 'scalar'; result: SamplePair }
  | { resultType: 'string'; result: SamplePair };

/** A target of `/api/v1/targets`. */
export interface TargetJSON {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  globalUrl: string;
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  health: 'up' | 'down' | 'unknown';
  scrapeInterval: string;
  scrapeTimeout: string;
}

/** `data` of `/api/v1/targets`. */
export interface TargetsData {
  activeTargets: TargetJSON[];
  droppedTargets: { discoveredLabels: Record<string, string>; scrapePool?: string }[];
  droppedTargetCounts?: Record<string, number>;
}

/** An alert of `/api/v1/rules` / `/api/v1/alerts`. */
export interface AlertJSON {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt?: string;
  value: string;
}

/** A rule of `/api/v1/rules`. */
export interface RuleJSON {
  type: 'alerting' | 'recording';
  name: string;
  query: string;
  labels?: Record<string, string>;
  health: string;
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
  duration?: number;
  keepFiringFor?: number;
  annotations?: Record<string, string>;
  state?: string;
  alerts?: AlertJSON[];
}

/** A rule group of `/api/v1/rules`. */
export interface RuleGroupJSON {
  name: string;
  file: string;
  rules: RuleJSON[];
  interval: number;
  limit?: number;
  evaluationTime: number;
  lastEvaluation: string;
}
