/**
 * The query engine: parses and plans queries, runs them under the engine's limits
 * (concurrency, timeout, peak samples, points per series) and returns
 * `{ value, error, warnings, infos, stats }`.
 */
import { Labels } from '../../model/labels/index.js';
import type { Queryable, Querier, SelectRequest, SeriesSet } from '../../storage/index.js';
import { planSelects } from './prefetch.js';
import { orderFreeSelectors } from './select-order.js';
import { parseExpr, ALL_FEATURES, type Expr } from '../parser/index.js';
import { Annotations } from './annotations.js';
import { BadQueryError, UnsupportedHistogramError } from './errors.js';
import { Evaluator, type EvalShared } from './evaluator.js';
import { stepRange, type EvalResult } from './eval-result.js';
import { DEFAULT_SLICE_MS, ExecControl, MAX_POINTS_PER_SERIES, QueryGate, SampleBudget } from './limits.js';
import { planFromAst, type QueryTimes } from './plan-from-ast.js';
import { walkPlan, type Plan } from './plan.js';
import { applyNameDrop, applyNameDropRaw } from './series-set.js';
import { hasHistPoints, newSeries, sortSeries, type Sample, type Series, type Value } from './value.js';

/** Engine-wide settings, with upstream's defaults. */
export interface EngineOptions {
  /** `--query.lookback-delta` (default 5m). */
  readonly lookbackDeltaMs?: number;
  /** `--query.max-samples` (default 50,000,000). */
  readonly maxSamples?: number;
  /** `--query.timeout` (default 2m; 0 disables). */
  readonly timeoutMs?: number;
  /** `--query.max-concurrency` (default 20). */
  readonly maxConcurrency?: number;
  /** Step of subqueries without one (the global evaluation interval, default 1m). */
  readonly defaultSubqueryStepMs?: number;
  /** Longest synchronous slice before yielding to the event loop (default `DEFAULT_SLICE_MS`, 10 ms). */
  readonly sliceMs?: number;
}

/** Per-query overrides. */
export interface QueryOptions {
  readonly lookbackDeltaMs?: number;
}

/** Upstream's `stats=all` shape: timings in seconds and sample counts. */
export interface QueryStats {
  timings: {
    evalTotalTime: number;
    resultSortTime: number;
    queryPreparationTime: number;
    innerEvalTime: number;
    execQueueTime: number;
    execTotalTime: number;
  };
  samples: {
    totalQueryableSamples: number;
    peakSamples: number;
  };
}

/** The outcome of `Query.exec`: either `value` or `error`, plus annotations and stats. */
export interface QueryResult {
  value: Value | undefined;
  error: Error | undefined;
  warnings: string[];
  infos: string[];
  stats: QueryStats;
}

/** A prepared query: parsed and validated, ready to execute once. */
export class Query {
  /** The parsed expression. */
  readonly expr: Expr;
  readonly query: string;
  readonly #engine: Engine;
  readonly #queryable: Queryable;
  readonly #times: QueryTimes;
  readonly #lookbackMs: number;
  readonly #abort = new AbortController();

  /** @internal Use `Engine.newInstantQuery`/`newRangeQuery`. */
  constructor(engine: Engine, queryable: Queryable, query: string, expr: Expr, times: QueryTimes, lookbackMs: number) {
    this.#engine = engine;
    this.#queryable = queryable;
    this.query = query;
    this.expr = expr;
    this.#times = times;
    this.#lookbackMs = lookbackMs;
  }

  /** Aborts a running or queued execution (it then ends with `QueryCanceledError`). */
  cancel(): void {
    this.#abort.abort();
  }

  /**
   * Evaluates the query. Never throws for query problems: they come back as `error`. `signal`
   * cancels the query (also while it waits for a concurrency slot).
   */
  async exec(signal?: AbortSignal): Promise<QueryResult> {
    const t0 = performance.now();
    const annotations = new Annotations(this.query);
    const stats: QueryStats = {
      timings: { evalTotalTime: 0, resultSortTime: 0, queryPreparationTime: 0, innerEvalTime: 0, execQueueTime: 0, execTotalTime: 0 },
      samples: { totalQueryableSamples: 0, peakSamples: 0 },
    };
    const combined = signal ? AbortSignal.any([signal, this.#abort.signal]) : this.#abort.signal;
    const result: QueryResult = { value: undefined, error: undefined, warnings: [], infos: [], stats };
    let release: (() => void) | undefined;
    try {
      release = await this.#engine.gate.acquire(combined);
      const tQueued = performance.now();
      stats.timings.execQueueTime = (tQueued - t0) / 1000;
      const opts = this.#engine.options;
      const control = new ExecControl({ signal: combined, timeoutMs: opts.timeoutMs, sliceMs: opts.sliceMs });
      const budget = new SampleBudget(opts.maxSamples);
      const plan = planFromAst(this.expr, this.#times);
      const isRange = this.#times.stepMs > 0;
      if (isRange && plan.type !== 'scalar' && plan.type !== 'vector') {
        throw new BadQueryError(`invalid expression type "${plan.type === 'matrix' ? 'range vector' : plan.type}" for range query, must be Scalar or instant Vector`);
      }
      const { mint, maxt } = querierRange(plan, this.#times, this.#lookbackMs);
      const querier = mint <= maxt ? this.#queryable.querier(mint, maxt) : EMPTY_QUERIER;
      const tPrepared = performance.now();
      stats.timings.queryPreparationTime = (tPrepared - tQueued) / 1000;
      try {
        const orderFree = orderFreeSelectors(plan, isRange);
        if (querier.prefetch) await prefetch(querier, planSelects(plan, mint, maxt, this.#times.stepMs, orderFree), combined, opts.timeoutMs, control);
        const shared: EvalShared = {
          querier,
          lookbackMs: this.#lookbackMs,
          defaultSubqueryStepMs: opts.defaultSubqueryStepMs,
          budget,
          control,
          annotations,
          isRangeQuery: isRange,
          orderFree,
        };
        const range = stepRange(this.#times.startMs, this.#times.endMs, this.#times.stepMs);
        const ev = new Evaluator(shared, range);
        const r = await ev.eval(plan);
        const tEval = performance.now();
        stats.timings.innerEvalTime = (tEval - tPrepared) / 1000;
        result.value = toValue(r, this.#times, isRange);
        stats.timings.resultSortTime = (performance.now() - tEval) / 1000;
      } finally {
        querier.close();
        stats.samples.totalQueryableSamples = budget.totalQueryable;
        stats.samples.peakSamples = budget.peak;
      }
      stats.timings.evalTotalTime = (performance.now() - tQueued) / 1000;
    } catch (e) {
      result.error = e instanceof Error ? e : new Error(String(e));
      result.value = undefined;
    } finally {
      release?.();
    }
    result.warnings = annotations.warnings();
    result.infos = annotations.infos();
    stats.timings.execTotalTime = (performance.now() - t0) / 1000;
    return result;
  }
}

/**
 * Awaits `querier.prefetch` (remote read sources, sliced selects) within the query's time
 * budget; an abort or the deadline ends it as `QueryCanceledError` / `QueryTimeoutError`.
 * Prefetch time counts towards the query's first slice (`control` started before it): a quick
 * prefetch goes on into evaluation in the same turn, a long one yields first. An unconditional
 * yield here made every small query wait behind whatever I/O the loop delivered meanwhile.
 */
async function prefetch(querier: Querier, selects: SelectRequest[], signal: AbortSignal, timeoutMs: number, control: ExecControl): Promise<void> {
  const bounded = timeoutMs > 0 ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : signal;
  try {
    await querier.prefetch!(selects, bounded);
  } catch (err) {
    control.check('query preparation');
    throw err;
  }
  control.check('query preparation');
  await control.yieldIfDue();
}

/** Parses, plans and executes PromQL queries against a `Queryable`. */
export class Engine {
  readonly options: Required<EngineOptions>;
  /** @internal The concurrency gate shared by this engine's queries. */
  readonly gate: QueryGate;

  constructor(opts: EngineOptions = {}) {
    this.options = {
      lookbackDeltaMs: opts.lookbackDeltaMs ?? 5 * 60_000,
      maxSamples: opts.maxSamples ?? 50_000_000,
      timeoutMs: opts.timeoutMs ?? 2 * 60_000,
      maxConcurrency: opts.maxConcurrency ?? 20,
      defaultSubqueryStepMs: opts.defaultSubqueryStepMs ?? 60_000,
      sliceMs: opts.sliceMs ?? DEFAULT_SLICE_MS,
    };
    this.gate = new QueryGate(this.options.maxConcurrency);
  }

  /** An instant query at `tMs`. Throws the parser's error for invalid syntax. */
  newInstantQuery(queryable: Queryable, query: string, tMs: number, opts: QueryOptions = {}): Query {
    return this.instantQueryOf(queryable, parseExpr(query, ALL_FEATURES), query, tMs, opts);
  }

  /** An instant query of an already parsed expression (`query` is its text, for annotation positions). */
  instantQueryOf(queryable: Queryable, expr: Expr, query: string, tMs: number, opts: QueryOptions = {}): Query {
    return new Query(this, queryable, query, expr, { startMs: tMs, endMs: tMs, stepMs: 0 }, opts.lookbackDeltaMs ?? this.options.lookbackDeltaMs);
  }

  /**
   * A range query from `startMs` to `endMs` every `stepMs`. Throws `BadQueryError` for a
   * non-positive step, an end before the start, or more than 11,000 points per series.
   */
  newRangeQuery(queryable: Queryable, query: string, startMs: number, endMs: number, stepMs: number, opts: QueryOptions = {}): Query {
    return this.rangeQueryOf(queryable, parseExpr(query, ALL_FEATURES), query, startMs, endMs, stepMs, opts);
  }

  /** A range query of an already parsed expression; same checks as `newRangeQuery`. */
  rangeQueryOf(queryable: Queryable, expr: Expr, query: string, startMs: number, endMs: number, stepMs: number, opts: QueryOptions = {}): Query {
    if (!(stepMs > 0)) throw new BadQueryError('zero or negative query resolution step widths are not accepted. Try a positive integer');
    if (endMs < startMs) throw new BadQueryError('end timestamp must not be before start time');
    if ((endMs - startMs) / stepMs > MAX_POINTS_PER_SERIES) {
      throw new BadQueryError('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
    }
    return new Query(this, queryable, query, expr, { startMs, endMs, stepMs }, opts.lookbackDeltaMs ?? this.options.lookbackDeltaMs);
  }
}

const EMPTY_SET: SeriesSet = { next: () => false, at: () => { throw new Error('BUG: empty set'); }, err: () => undefined, warnings: () => [] };
const EMPTY_QUERIER: Querier = {
  select: () => EMPTY_SET,
  labelNames: () => [],
  labelValues: () => [],
  close: () => {},
};

/**
 * The time span `[mint, maxt]` (ms) every selector of `plan` may read, through `@`, `offset`,
 * ranges, subqueries, the lookback delta and the extended modifiers. `mint > maxt` when the plan
 * reads nothing.
 */
export function querierRange(plan: Plan, times: QueryTimes, lookbackMs: number): { mint: number; maxt: number } {
  let mint = Infinity;
  let maxt = -Infinity;
  const visit = (p: Plan, start: number, end: number, extraBack: number): void => {
    switch (p.kind) {
      case 'vectorSelector': {
        const s = (p.atMs ?? start) - p.offsetMs - lookbackMs - extraBack;
        const e = (p.atMs ?? end) - p.offsetMs + (p.smoothed ? lookbackMs : 0);
        mint = Math.min(mint, s);
        maxt = Math.max(maxt, e);
        return;
      }
      case 'matrixSelector': {
        const vs = p.selector;
        const ext = vs.anchored || vs.smoothed ? lookbackMs : 0;
        mint = Math.min(mint, (vs.atMs ?? start) - vs.offsetMs - p.rangeMs - ext - extraBack);
        maxt = Math.max(maxt, (vs.atMs ?? end) - vs.offsetMs + (vs.smoothed ? lookbackMs : 0));
        return;
      }
      case 'subquery':
        visit(p.expr, (p.atMs ?? start) - p.offsetMs - p.rangeMs, (p.atMs ?? end) - p.offsetMs, extraBack);
        return;
      case 'call':
        // info() reads its info series at the times its first argument was read.
        for (const a of p.args) visit(a, start, end, p.name === 'info' ? extraBack + lookbackMs + spanBack(p.args[0]!) : extraBack);
        return;
      default:
        break;
    }
    walkChildren(p, (c) => visit(c, start, end, extraBack));
  };
  visit(plan, times.startMs, times.endMs, 0);
  return { mint: Math.floor(mint), maxt: Math.ceil(maxt) };
}

/** How far back (ms) offsets and ranges inside `p` reach; used to widen info()'s lookups. */
function spanBack(p: Plan): number {
  let back = 0;
  walkPlan(p, (n) => {
    if (n.kind === 'vectorSelector') back = Math.max(back, Math.abs(n.offsetMs));
    if (n.kind === 'subquery') back = Math.max(back, Math.abs(n.offsetMs) + n.rangeMs);
    if (n.kind === 'matrixSelector') back = Math.max(back, n.rangeMs + Math.abs(n.selector.offsetMs));
  });
  return back;
}

function walkChildren(p: Plan, fn: (c: Plan) => void): void {
  switch (p.kind) {
    case 'unary':
      fn(p.expr);
      break;
    case 'binary':
      fn(p.lhs);
      fn(p.rhs);
      break;
    case 'aggregate':
      if (p.param) fn(p.param);
      fn(p.expr);
      break;
    default:
      break;
  }
}

/** Converts the root result into the API value: vectors/matrices get their final labels. */
function toValue(r: EvalResult, times: QueryTimes, isRange: boolean): Value {
  switch (r.type) {
    case 'string':
      return { type: 'string', t: times.endMs, v: r.value };
    case 'scalar':
      if (!isRange) return { type: 'scalar', t: times.startMs, v: r.values[0]! };
      return {
        type: 'matrix',
        series: [newSeries(Labels.EMPTY, Float64Array.from(r.values, (_, i) => times.startMs + i * times.stepMs), r.values)],
      };
    case 'matrix':
      return { type: 'matrix', series: sortSeries(applyNameDropRaw(r.series)) };
    case 'vector': {
      for (const s of r.series) if (hasHistPoints(s)) throw new UnsupportedHistogramError(s.metric.toString());
      const series = applyNameDrop(r.series);
      if (isRange) {
        // One buffer for all timestamps and one for all values, series get views: thousands of
        // small typed arrays each cost an off-heap allocation and GC bookkeeping.
        let total = 0;
        for (const s of series) total += s.count;
        const tAll = new Float64Array(total);
        const fAll = new Float64Array(total);
        const out: Series[] = [];
        let k = 0;
        for (const s of series) {
          if (s.count === 0) continue;
          const start = k;
          for (let i = 0; i < s.has.length; i++) {
            if (!s.has[i]) continue;
            tAll[k] = times.startMs + i * times.stepMs;
            fAll[k++] = s.f[i]!;
          }
          out.push(newSeries(s.metric, tAll.subarray(start, k), fAll.subarray(start, k)));
        }
        return { type: 'matrix', series: sortSeries(out) };
      }
      const samples: Sample[] = [];
      for (const s of series) if (s.has[0]) samples.push({ metric: s.metric, t: times.startMs, f: s.f[0]!, dropName: false });
      return { type: 'vector', samples };
    }
  }
}
