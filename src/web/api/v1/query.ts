/**
 * `/api/v1/query`, `query_range`, `format_query` and `query_exemplars`: parameters and error
 * texts as upstream, results encoded by the fast JSON encoder, engine errors mapped to
 * upstream's error types.
 */
import { ALL_FEATURES, BadQueryError, ParseErrors, QueryCanceledError, QueryTimeoutError, exprToString, parseExpr } from '../../../promql/index.js';
import type { Query, QueryOptions, QueryResult, Value } from '../../../promql/index.js';
import { StorageError } from '../../../storage/index.js';
import { encodeQueryData } from './query-json.js';
import type { APIOptions, ApiContext, ApiResult } from './options.js';
import { MAX_TIME_MS, MIN_TIME_MS, parseDurationParam, parseLimitParam, parseTime, parseTimeParam } from './params.js';
import { ApiError, ErrorType, badData, invalidParam } from './respond.js';

/** Upstream's cap on points per series of a range query. */
const MAX_POINTS = 11000;

/** Warning added when `limit` cut a result short (Prometheus 3). */
export const TRUNCATED_WARNING = 'results truncated due to limit';

/** Runs `fn`, turning whatever it throws into `invalid parameter "<name>": …`. */
export function param<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw invalidParam(name, e);
  }
}

/**
 * Maps an error from query execution to upstream's error type: canceled and timeout (503),
 * storage failures as internal (500), refused queries and parse errors as bad_data (400),
 * anything else as execution (422).
 */
export function queryError(err: Error): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof QueryCanceledError) return new ApiError(ErrorType.Canceled, err.message, { cause: err });
  if (err instanceof QueryTimeoutError) return new ApiError(ErrorType.Timeout, err.message, { cause: err });
  if (err instanceof BadQueryError || err instanceof ParseErrors) return new ApiError(ErrorType.BadData, err.message, { cause: err });
  if (err instanceof StorageError) return new ApiError(ErrorType.Internal, err.message, { cause: err });
  return new ApiError(ErrorType.Execution, err.message, { cause: err });
}

/** The optional `timeout` parameter in ms (undefined when absent); must be positive. */
function timeoutParam(ctx: ApiContext): number | undefined {
  const s = ctx.form.get('timeout');
  if (s === '') return undefined;
  const ms = param('timeout', () => parseDurationParam(s));
  if (ms <= 0) throw invalidParam('timeout', new Error('timeout must be positive'));
  return ms;
}

/** Per-query engine options from the request (Prometheus 3's `lookback_delta`). */
function queryOptions(ctx: ApiContext): QueryOptions {
  const s = ctx.form.get('lookback_delta');
  if (s === '') return {};
  const ms = param('lookback_delta', () => parseDurationParam(s));
  if (ms < 0) throw invalidParam('lookback_delta', new Error('lookback delta must be non-negative'));
  return ms > 0 ? { lookbackDeltaMs: ms } : {};
}

/**
 * Executes `q` bounded by the client's connection and the `timeout` parameter; a timeout ends
 * with upstream's `query timed out in <phase>` (503 timeout), other errors per `queryError`.
 */
async function execute(q: Query, ctx: ApiContext, timeoutMs: number | undefined): Promise<QueryResult> {
  // Without a timeout the client's signal is all there is: no controller or combined signal.
  if (timeoutMs === undefined) return q.exec(ctx.signal);
  const timer = new AbortController();
  const handle = setTimeout(() => timer.abort(), timeoutMs);
  try {
    const r = await q.exec(AbortSignal.any([ctx.signal, timer.signal]));
    if (r.error instanceof QueryCanceledError && timer.signal.aborted && !ctx.signal.aborted) {
      const where = /canceled in (.*)$/.exec(r.error.message)?.[1] ?? 'expression evaluation';
      r.error = new QueryTimeoutError(where);
    }
    return r;
  } finally {
    clearTimeout(handle);
  }
}

/** Cuts vectors and matrices to `limit` series (0: no limit); true when something was cut. */
function truncate(value: Value, limit: number): { value: Value; truncated: boolean } {
  if (limit <= 0) return { value, truncated: false };
  if (value.type === 'vector' && value.samples.length > limit) return { value: { type: 'vector', samples: value.samples.slice(0, limit) }, truncated: true };
  if (value.type === 'matrix' && value.series.length > limit) return { value: { type: 'matrix', series: value.series.slice(0, limit) }, truncated: true };
  return { value, truncated: false };
}

/** Upstream's stats: timings in seconds with nanosecond resolution (Go's `Duration.Seconds()`). */
function statsJSON(stats: QueryResult['stats']): { timings: Record<string, number>; samples: Record<string, number> } {
  const timings: Record<string, number> = {};
  for (const [k, v] of Object.entries(stats.timings)) timings[k] = Math.round(v * 1e9) / 1e9;
  return { timings, samples: { ...stats.samples } };
}

/** The answer of an executed query: data, stats when asked for (`stats` non-empty), annotations. */
async function answer(ctx: ApiContext, r: QueryResult, limit: number): Promise<ApiResult> {
  if (r.error) throw queryError(r.error);
  if (!r.value) throw new ApiError(ErrorType.Internal, 'BUG: query returned neither value nor error');
  const { value, truncated } = truncate(r.value, limit);
  const stats = ctx.form.get('stats') !== '' ? statsJSON(r.stats) : undefined;
  const data = await encodeQueryData(value, stats);
  const warnings = truncated ? [...r.warnings, TRUNCATED_WARNING] : r.warnings;
  return { data, warnings, infos: r.infos };
}

/** Handlers of the query endpoints over `opts.engine` and `opts.queryable`. */
export function queryHandlers(opts: APIOptions) {
  const now = opts.now ?? Date.now;
  return {
    /** `GET|POST /query`: an instant query at `time` (default now). */
    async query(ctx: ApiContext): Promise<ApiResult> {
      const f = ctx.form;
      const t = param('time', () => parseTimeParam(f, 'time', now()));
      const timeoutMs = timeoutParam(ctx);
      const limit = param('limit', () => parseLimitParam(f.get('limit')));
      const qopts = queryOptions(ctx);
      const q = param('query', () => opts.engine.newInstantQuery(opts.queryable, f.get('query'), t, qopts));
      return answer(ctx, await execute(q, ctx, timeoutMs), limit);
    },

    /** `GET|POST /query_range`: a range query over `[start, end]` every `step`. */
    async queryRange(ctx: ApiContext): Promise<ApiResult> {
      const f = ctx.form;
      const start = param('start', () => parseTime(f.get('start')));
      const end = param('end', () => parseTime(f.get('end')));
      if (end < start) throw invalidParam('end', new Error('end timestamp must not be before start time'));
      const step = param('step', () => parseDurationParam(f.get('step')));
      if (step <= 0) throw invalidParam('step', new Error('zero or negative query resolution step widths are not accepted. Try a positive integer'));
      if (Math.floor((end - start) / step) > MAX_POINTS) {
        throw badData('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
      }
      const timeoutMs = timeoutParam(ctx);
      const limit = param('limit', () => parseLimitParam(f.get('limit')));
      const qopts = queryOptions(ctx);
      let q: Query;
      try {
        q = opts.engine.newRangeQuery(opts.queryable, f.get('query'), start, end, step, qopts);
      } catch (e) {
        // Upstream answers range-query parse errors without the parameter prefix.
        throw e instanceof Error ? new ApiError(ErrorType.BadData, e.message, { cause: e }) : e;
      }
      return answer(ctx, await execute(q, ctx, timeoutMs), limit);
    },

    /** `GET|POST /format_query`: the query in the parser's canonical form. */
    formatQuery(ctx: ApiContext): ApiResult {
      const expr = param('query', () => parseExpr(ctx.form.get('query'), ALL_FEATURES));
      return { data: exprToString(expr) };
    },

    /**
     * `GET|POST /query_exemplars`: Ignis keeps no exemplars yet, so a valid query with selectors
     * answers `[]` (upstream with exemplar storage off) and one without selectors 204.
     */
    queryExemplars(ctx: ApiContext): ApiResult | undefined {
      const f = ctx.form;
      const start = param('start', () => parseTimeParam(f, 'start', MIN_TIME_MS));
      const end = param('end', () => parseTimeParam(f, 'end', MAX_TIME_MS));
      if (end < start) throw badData('end timestamp must not be before start timestamp');
      let expr;
      try {
        expr = parseExpr(f.get('query'), ALL_FEATURES);
      } catch (e) {
        throw badData((e as Error).message, e);
      }
      return hasSelector(expr) ? { data: [] } : undefined;
    },
  };
}

/** True when the AST holds a vector selector (upstream's `ExtractSelectors` is non-empty). */
function hasSelector(node: unknown): boolean {
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const n = stack.pop();
    if (n === null || typeof n !== 'object') continue;
    if ((n as { type?: unknown }).type === 'VectorSelector') return true;
    for (const [k, v] of Object.entries(n)) if (k !== 'matchers' && v !== null && typeof v === 'object') stack.push(v);
  }
  return false;
}
