/**
 * The evaluator: walks a plan over a range of steps and produces step-aligned results.
 *
 * Work is organised by series where the semantics allow it (selectors, point-wise functions,
 * range functions) and by step where rows interact (aggregations, vector matching). Inner loops
 * are synchronous over typed arrays; between units of work the evaluator awaits
 * `ExecControl.yieldIfDue()`, which gives the event loop a turn every ~10 ms.
 */
import { Labels } from '../../model/labels/index.js';
import type { Querier } from '../../storage/index.js';
import type { Annotations } from './annotations.js';
import { evalAggregate } from './aggregations.js';
import { evalBinary, scalarBinop } from './binary-ops.js';
import { evalCall } from './eval-functions.js';
import { evalMatrixSelectorRaw, evalVectorSelector } from './eval-selectors.js';
import { stepRange, type EvalResult, type MatrixResult, type StepRange } from './eval-result.js';
import { BadQueryError, EvalError, UnsupportedHistogramError } from './errors.js';
import type { ExecControl, SampleBudget } from './limits.js';
import type { Plan, SubqueryPlan, VectorSelectorPlan } from './plan.js';
import { hasHistPoints, newSeries, newStepSeries, totalStepPoints, type Series, type StepSeries } from './value.js';

/** What every evaluator of one query shares (sub-evaluators for subqueries included). */
export interface EvalShared {
  readonly querier: Querier;
  readonly lookbackMs: number;
  /** Step of subqueries written without one (`[5m:]`). */
  readonly defaultSubqueryStepMs: number;
  readonly budget: SampleBudget;
  readonly control: ExecControl;
  readonly annotations: Annotations;
  /** True for range queries (some functions warn there, e.g. `sort`). */
  readonly isRangeQuery: boolean;
  /** Selectors that select without label order (`orderFreeSelectors`); others ask for it. */
  readonly orderFree: ReadonlySet<VectorSelectorPlan>;
}

/** Evaluates plans over one step range. */
export class Evaluator {
  readonly shared: EvalShared;
  readonly range: StepRange;

  constructor(shared: EvalShared, range: StepRange) {
    this.shared = shared;
    this.range = range;
  }

  /** Timestamp (ms) of step `i`. */
  stepTime(i: number): number {
    return this.range.startMs + i * this.range.intervalMs;
  }

  /** Evaluates any plan node. */
  async eval(plan: Plan): Promise<EvalResult> {
    await this.shared.control.yieldIfDue();
    switch (plan.kind) {
      case 'number':
        return { type: 'scalar', values: new Float64Array(this.range.numSteps).fill(plan.value) };
      case 'string':
        return { type: 'string', value: plan.value };
      case 'vectorSelector':
        return { type: 'vector', series: await evalVectorSelector(this, plan, false) };
      case 'matrixSelector':
        return { type: 'matrix', series: await evalMatrixSelectorRaw(this, plan) };
      case 'subquery':
        return this.#subqueryMatrix(plan);
      case 'unary':
        return this.#unary(plan.op, await this.eval(plan.expr));
      case 'binary':
        if (plan.lhs.type === 'scalar' && plan.rhs.type === 'scalar') {
          const l = await this.evalScalar(plan.lhs);
          const r = await this.evalScalar(plan.rhs);
          for (let i = 0; i < l.length; i++) l[i] = scalarBinop(plan.op, l[i]!, r[i]!, plan.returnBool);
          return { type: 'scalar', values: l };
        }
        return { type: 'vector', series: await evalBinary(this, plan) };
      case 'call':
        return evalCall(this, plan);
      case 'aggregate':
        return { type: 'vector', series: await evalAggregate(this, plan) };
    }
  }

  /** Evaluates a node that must produce an instant vector. */
  async evalVector(plan: Plan): Promise<StepSeries[]> {
    const r = await this.eval(plan);
    if (r.type !== 'vector') throw new EvalError(`BUG: expected instant vector, got ${r.type}`);
    return r.series;
  }

  /** Evaluates a node that must produce a scalar; one value per step. */
  async evalScalar(plan: Plan): Promise<Float64Array> {
    const r = await this.eval(plan);
    if (r.type !== 'scalar') throw new EvalError(`BUG: expected scalar, got ${r.type}`);
    return r.values;
  }

  /** Evaluates a node that must produce a string. */
  async evalString(plan: Plan): Promise<string> {
    const r = await this.eval(plan);
    if (r.type !== 'string') throw new EvalError(`BUG: expected string, got ${r.type}`);
    return r.value;
  }

  /**
   * Evaluates the inner expression of a subquery over its own steps: from the first multiple of
   * the step after `start - offset - range` to `end - offset` (or around `@` when pinned).
   * Returns the inner step series and the inner step range.
   */
  async evalSubqueryInner(sq: SubqueryPlan): Promise<{ series: StepSeries[]; range: StepRange }> {
    const step = sq.stepMs > 0 ? sq.stepMs : this.shared.defaultSubqueryStepMs;
    if (step <= 0) throw new BadQueryError('zero or negative subquery step');
    const outerStart = sq.atMs ?? this.range.startMs;
    const outerEnd = sq.atMs ?? this.range.endMs;
    const rawStart = outerStart - sq.offsetMs - sq.rangeMs;
    // Integer division truncating towards zero, as upstream aligns subquery steps.
    let start = Math.trunc(rawStart / step) * step;
    if (start <= rawStart) start += step;
    const end = outerEnd - sq.offsetMs;
    if (end < start) return { series: [], range: { startMs: start, endMs: end, intervalMs: step, numSteps: 0 } };
    const range = stepRange(start, end, step);
    const child = new Evaluator(this.shared, range);
    const r = await child.eval(sq.expr);
    let series: StepSeries[];
    if (r.type === 'scalar') {
      const s = newStepSeries(Labels.EMPTY, range.numSteps);
      s.f.set(r.values);
      s.has.fill(1);
      s.count = range.numSteps;
      this.shared.budget.add(s.count);
      series = [s];
    } else if (r.type === 'vector') {
      series = r.series;
    } else {
      throw new EvalError(`BUG: subquery over ${r.type}`);
    }
    return { series, range };
  }

  /** A subquery as a range vector (top level of an instant query): the points in the window. */
  async #subqueryMatrix(sq: SubqueryPlan): Promise<MatrixResult> {
    const { series, range } = await this.evalSubqueryInner(sq);
    const ref = (sq.atMs ?? this.range.endMs) - sq.offsetMs;
    const from = ref - sq.rangeMs;
    const out: Series[] = [];
    for (const s of series) {
      if (hasHistPoints(s)) throw new UnsupportedHistogramError(s.metric.toString());
      const ts: number[] = [];
      const fs: number[] = [];
      for (let i = 0; i < range.numSteps; i++) {
        const t = range.startMs + i * range.intervalMs;
        if (s.has[i] && t > from && t <= ref) {
          ts.push(t);
          fs.push(s.f[i]!);
        }
      }
      if (ts.length > 0) out.push(newSeries(s.metric, Float64Array.from(ts), Float64Array.from(fs), s.dropName));
    }
    return { type: 'matrix', series: out };
  }

  #unary(op: '-' | '+', r: EvalResult): EvalResult {
    if (op === '+') return r;
    if (r.type === 'scalar') {
      for (let i = 0; i < r.values.length; i++) r.values[i] = -r.values[i]!;
      return r;
    }
    if (r.type !== 'vector') throw new EvalError(`BUG: unary minus on ${r.type}`);
    for (const s of r.series) {
      if (hasHistPoints(s)) throw new UnsupportedHistogramError(`-${s.metric.toString()}`, 'feature');
      const f = s.f;
      for (let i = 0; i < f.length; i++) f[i] = -f[i]!;
      s.dropName = true;
    }
    return r;
  }

  /** Releases the budget held by `series` (an input that is no longer needed). */
  release(series: readonly StepSeries[]): void {
    this.shared.budget.release(totalStepPoints(series));
  }
}
