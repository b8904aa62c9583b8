/**
 * Binary operators: scalar/scalar, vector/scalar (series by series) and vector/vector (step by
 * step, with one-to-one, many-to-one/one-to-many and set matching, plus fill modifiers).
 */
import { Labels, METRIC_NAME } from '../../model/labels/index.js';
import { AnnotationText } from './annotations.js';
import { EvalError, UnsupportedHistogramError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import { copyLabels, sortedNames } from './label-merge.js';
import { isComparison, isSetOp, type BinaryOp, type BinaryPlan, type VectorMatching } from './plan.js';
import { SeriesCollector } from './series-set.js';
import { isHistPoint, markHist, newStepSeries, type StepSeries } from './value.js';

/** `l op r` for arithmetic operators (Go semantics for `^` and `%`). */
export function arith(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    case '%':
      return l % r;
    case '^':
      // Go's math.Pow: 1^y = 1 and (-1)^±Inf = 1, where JavaScript gives NaN.
      if (l === 1) return 1;
      if (l === -1 && (r === Infinity || r === -Infinity)) return 1;
      return l ** r;
    case 'atan2':
      return Math.atan2(l, r);
    default:
      throw new EvalError(`BUG: ${op} is not an arithmetic operator`);
  }
}

/** `l op r` for comparison operators. */
export function compare(op: BinaryOp, l: number, r: number): boolean {
  switch (op) {
    case '==':
      return l === r;
    case '!=':
      return l !== r;
    case '>':
      return l > r;
    case '<':
      return l < r;
    case '>=':
      return l >= r;
    case '<=':
      return l <= r;
    default:
      throw new EvalError(`BUG: ${op} is not a comparison operator`);
  }
}

/** A scalar/scalar operation (comparisons between scalars always carry `bool`). */
export function scalarBinop(op: BinaryOp, l: number, r: number, _returnBool: boolean): number {
  if (isComparison(op)) return compare(op, l, r) ? 1 : 0;
  return arith(op, l, r);
}

/** Evaluates a binary operation with at least one vector operand. */
export async function evalBinary(ev: Evaluator, plan: BinaryPlan): Promise<StepSeries[]> {
  if (plan.lhs.type === 'scalar') {
    const l = await ev.evalScalar(plan.lhs);
    return vectorScalar(ev, plan, await ev.evalVector(plan.rhs), l, true);
  }
  if (plan.rhs.type === 'scalar') {
    const lhs = await ev.evalVector(plan.lhs);
    return vectorScalar(ev, plan, lhs, await ev.evalScalar(plan.rhs), false);
  }
  const lhs = await ev.evalVector(plan.lhs);
  const rhs = await ev.evalVector(plan.rhs);
  const matching = plan.matching ?? DEFAULT_MATCHING;
  const out = isSetOp(plan.op) ? await setOp(ev, plan.op, matching, lhs, rhs) : await vectorVector(ev, plan, matching, lhs, rhs);
  ev.release(lhs);
  ev.release(rhs);
  ev.shared.budget.add(out.reduce((n, s) => n + s.count, 0));
  return out;
}

const DEFAULT_MATCHING: VectorMatching = { card: 'one-to-one', on: false, labels: [], include: [], fillLeft: undefined, fillRight: undefined };

function vectorScalar(ev: Evaluator, plan: BinaryPlan, vec: StepSeries[], scalar: Float64Array, scalarLeft: boolean): StepSeries[] {
  const { op, returnBool } = plan;
  const cmp = isComparison(op);
  const out: StepSeries[] = [];
  let removed = 0;
  for (const s of vec) {
    const { f, has } = s;
    for (let i = 0; i < has.length; i++) {
      if (!has[i]) continue;
      if (s.hist && s.hist[i]) {
        histOperand(ev, plan, scalarLeft ? 'float' : 'histogram', scalarLeft ? 'histogram' : 'float');
        has[i] = 0;
        s.count--;
        removed++;
        continue;
      }
      const v = f[i]!;
      const c = scalar[i]!;
      const l = scalarLeft ? c : v;
      const r = scalarLeft ? v : c;
      if (cmp) {
        const ok = compare(op, l, r);
        if (returnBool) f[i] = ok ? 1 : 0;
        else if (!ok) {
          has[i] = 0;
          s.count--;
          removed++;
        }
      } else {
        f[i] = arith(op, l, r);
      }
    }
    if (!cmp || returnBool) s.dropName = true;
    if (s.hist) s.hist = undefined;
    if (s.count > 0) out.push(s);
  }
  ev.shared.budget.release(removed);
  return out;
}

/** Matching signatures of `series`, as dense ids shared by both sides. */
class Signatures {
  readonly #ids = new Map<number, number>();
  readonly #matching: VectorMatching;

  constructor(matching: VectorMatching) {
    this.#matching = matching;
  }

  get size(): number {
    return this.#ids.size;
  }

  /** Dense id of each series' signature. */
  of(series: readonly StepSeries[]): Int32Array {
    const out = new Int32Array(series.length);
    for (let i = 0; i < series.length; i++) {
      const l = series[i]!.metric;
      const h = this.#matching.on ? l.hashForLabels(this.#matching.labels) : l.hashWithoutLabels(this.#matching.labels);
      let id = this.#ids.get(h);
      if (id === undefined) {
        id = this.#ids.size;
        this.#ids.set(h, id);
      }
      out[i] = id;
    }
    return out;
  }

  /** The match-group labels of `l` (for error messages and fill-synthesised series). */
  groupLabels(l: Labels): Labels {
    return this.#matching.on ? l.keep(...this.#matching.labels) : l.without(METRIC_NAME, ...this.#matching.labels);
  }
}

async function setOp(ev: Evaluator, op: BinaryOp, matching: VectorMatching, lhs: StepSeries[], rhs: StepSeries[]): Promise<StepSeries[]> {
  const control = ev.shared.control;
  const numSteps = ev.range.numSteps;
  const sigs = new Signatures(matching);
  const ls = sigs.of(lhs);
  const rs = sigs.of(rhs);
  const mark = new Int32Array(sigs.size).fill(-1);
  const lout: (StepSeries | undefined)[] = new Array(lhs.length);
  const rout: (StepSeries | undefined)[] = new Array(rhs.length);
  const emit = (arr: (StepSeries | undefined)[], src: StepSeries[], i: number, step: number): void => {
    let s = arr[i];
    if (!s) arr[i] = s = newStepSeries(src[i]!.metric, numSteps, src[i]!.dropName);
    s.f[step] = src[i]!.f[step]!;
    s.has[step] = 1;
    s.count++;
    if (isHistPoint(src[i]!, step)) markHist(s, step);
  };
  for (let step = 0; step < numSteps; step++) {
    control.tick(lhs.length + rhs.length);
    if (control.due) await control.yieldIfDue();
    if (op === 'or') {
      for (let i = 0; i < lhs.length; i++) {
        if (!lhs[i]!.has[step]) continue;
        mark[ls[i]!] = step;
        emit(lout, lhs, i, step);
      }
      for (let j = 0; j < rhs.length; j++) if (rhs[j]!.has[step] && mark[rs[j]!] !== step) emit(rout, rhs, j, step);
      continue;
    }
    for (let j = 0; j < rhs.length; j++) if (rhs[j]!.has[step]) mark[rs[j]!] = step;
    const wantMatch = op === 'and';
    for (let i = 0; i < lhs.length; i++) {
      if (lhs[i]!.has[step] && (mark[ls[i]!] === step) === wantMatch) emit(lout, lhs, i, step);
    }
  }
  const out: StepSeries[] = [];
  for (const s of lout) if (s) out.push(s);
  for (const s of rout) if (s) out.push(s);
  return out;
}

async function vectorVector(ev: Evaluator, plan: BinaryPlan, matching: VectorMatching, lhs: StepSeries[], rhs: StepSeries[]): Promise<StepSeries[]> {
  const control = ev.shared.control;
  const { op, returnBool } = plan;
  const cmp = isComparison(op);
  const dropsName = !cmp || returnBool;
  const swapped = matching.card === 'one-to-many';
  const many = swapped ? rhs : lhs;
  const one = swapped ? lhs : rhs;
  const fillMany = matching.fillLeft;
  const fillOne = matching.fillRight;
  const sigs = new Signatures(matching);
  const ms = sigs.of(many);
  const os = sigs.of(one);
  const N = sigs.size;
  const oneAt = new Int32Array(N);
  const oneStamp = new Int32Array(N).fill(-1);
  const manyStamp = new Int32Array(N).fill(-1);
  const numSteps = ev.range.numSteps;
  const collector = new SeriesCollector(numSteps);
  const metricCache = new Map<number, Labels>();
  const synthCache = new Map<number, Labels>();
  const oneToOne = matching.card === 'one-to-one';
  const nOne = one.length;

  const include = sortedNames(matching.include);
  const resultMetric = (m: Labels, o: Labels | undefined): Labels => {
    if (oneToOne) {
      if (matching.on) return m.keep(...matching.labels);
      if (matching.labels.length > 0) return m.without(...matching.labels);
      return m;
    }
    if (o && include.length > 0) return copyLabels(m, include, o);
    return m;
  };

  for (let step = 0; step < numSteps; step++) {
    control.tick(many.length + one.length);
    if (control.due) await control.yieldIfDue();
    // Index the "one" side; a signature seen twice cannot be matched.
    for (let j = 0; j < nOne; j++) {
      if (!one[j]!.has[step]) continue;
      const id = os[j]!;
      if (oneStamp[id] === step) duplicateError(sigs, one[oneAt[id]!]!.metric, one[j]!.metric, swapped);
      oneStamp[id] = step;
      oneAt[id] = j;
    }
    for (let i = 0; i < many.length; i++) {
      if (!many[i]!.has[step]) continue;
      const id = ms[i]!;
      const matched = oneStamp[id] === step;
      if (!matched && fillOne === undefined) continue;
      if (oneToOne && matched && manyStamp[id] === step) {
        throw new EvalError('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
      }
      manyStamp[id] = step;
      const j = matched ? oneAt[id]! : -1;
      const mh = isHistPoint(many[i]!, step);
      const oh = matched && isHistPoint(one[j]!, step);
      if (mh || oh) {
        histOperand(ev, plan, (swapped ? oh : mh) ? 'histogram' : 'float', (swapped ? mh : oh) ? 'histogram' : 'float');
        continue;
      }
      const mv = many[i]!.f[step]!;
      const ov = matched ? one[j]!.f[step]! : fillOne!;
      const key = i * (nOne + 1) + (matched ? j : nOne);
      let metric = metricCache.get(key);
      if (!metric) {
        metric = resultMetric(many[i]!.metric, matched ? one[j]!.metric : undefined);
        metricCache.set(key, metric);
      }
      const res = apply(op, swapped ? ov : mv, swapped ? mv : ov, cmp, returnBool);
      if (res === undefined) continue;
      pushResult(collector, metric, dropsName || many[i]!.dropName, step, res, oneToOne);
    }
    if (fillMany === undefined) continue;
    // Synthesise the missing "many" side for unmatched "one" series.
    for (let j = 0; j < nOne; j++) {
      if (!one[j]!.has[step]) continue;
      const id = os[j]!;
      if (manyStamp[id] === step) continue;
      manyStamp[id] = step;
      let metric = synthCache.get(j);
      if (!metric) {
        metric = resultMetric(sigs.groupLabels(one[j]!.metric), one[j]!.metric);
        synthCache.set(j, metric);
      }
      if (isHistPoint(one[j]!, step)) throw new UnsupportedHistogramError(`fill with native histograms`, 'feature');
      const ov = one[j]!.f[step]!;
      const res = apply(op, swapped ? ov : fillMany, swapped ? fillMany : ov, cmp, returnBool);
      if (res === undefined) continue;
      pushResult(collector, metric, dropsName, step, res, oneToOne);
    }
  }
  return collector.list;
}

/**
 * A native histogram met an operator: operations that produce or compare histograms need
 * histogram arithmetic (`UnsupportedHistogramError`); the others drop the pair with upstream's
 * "incompatible sample types" info.
 */
function histOperand(ev: Evaluator, plan: BinaryPlan, l: 'float' | 'histogram', r: 'float' | 'histogram'): void {
  const op = plan.op;
  const both = l === 'histogram' && r === 'histogram';
  const needsHistograms =
    (both && (op === '+' || op === '-' || op === '==' || op === '!=')) ||
    (op === '*' && !both) ||
    (op === '/' && l === 'histogram' && r === 'float');
  if (needsHistograms) throw new UnsupportedHistogramError(`${l} ${op} ${r}`, 'feature');
  ev.shared.annotations.info(AnnotationText.incompatibleTypesInBinOp(op, l, r), plan.pos);
}

/** The value of `l op r`, or undefined when a filtering comparison drops it. */
function apply(op: BinaryOp, l: number, r: number, cmp: boolean, returnBool: boolean): number | undefined {
  if (!cmp) return arith(op, l, r);
  const ok = compare(op, l, r);
  if (returnBool) return ok ? 1 : 0;
  return ok ? l : undefined;
}

function pushResult(c: SeriesCollector, metric: Labels, dropName: boolean, step: number, v: number, oneToOne: boolean): void {
  c.push(
    metric,
    dropName,
    step,
    v,
    oneToOne
      ? 'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)'
      : 'multiple matches for labels: grouping labels must ensure unique matches',
  );
}

function duplicateError(sigs: Signatures, a: Labels, b: Labels, swapped: boolean): never {
  const [x, y] = Labels.compare(a, b) <= 0 ? [a, b] : [b, a];
  const side = swapped ? 'left' : 'right';
  throw new EvalError(
    `found duplicate series for the match group ${sigs.groupLabels(a).toString()} on the ${side} hand-side of the operation: [${x.toString()}, ${y.toString()}];many-to-many matching not allowed: matching labels must be unique on one side`,
  );
}
