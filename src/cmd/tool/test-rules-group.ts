/**
 * Runs one test group of a `test rules` file, as promtool does:
 *
 * 1. `input_series` become one `load <interval>` block (the promql test notation, histograms
 *    included); a line that does not parse is the group's only error.
 * 2. The rule files are loaded (every parse error is returned); alerting rules count as
 *    restored from the start.
 * 3. Rules are evaluated at start, start+ei, … up to start + the largest `eval_time`, each
 *    step seeing the input samples up to its time. A rule error stops the group.
 *    `alert_rule_test`s with `ts ≤ start+eval_time < ts+ei` are checked after step `ts`: firing
 *    alerts only, pooled by alert name across groups, compared as sorted sets.
 * 4. `promql_expr_test`s run afterwards as instant queries (lookback 5m).
 * 5. With `debug`, every stored series up to the last evaluation is dumped (Go's `Matrix` text).
 *
 * Every failure is returned as promtool's text; an empty list means the group passed.
 */
import { formatDuration } from '../../model/duration/index.js';
import { Labels } from '../../model/labels/index.js';
import { parseExpr, parseSeriesDesc, ALL_FEATURES, Engine, STALE_NAN, type Expr } from '../../promql/index.js';
import { hasHistograms, parseScript, splitHistogramItems } from '../../promql/promqltest/index.js';
import { AlertingRule, engineQueryFunc, expandAlertTemplate, formatFloat, Group, GroupMetrics, type RuleGroupSpec } from '../../rules/index.js';
import { MemoryStorage } from '../../storage/memory/index.js';
import { createLogger, errorMessage } from '../../util/index.js';
import type { TestGroup } from './test-rules-file.js';
import { alertsString, goDurationString, indentLines, samplesString, type ComparedSample, type LabelsAndAnnotations } from './test-rules-format.js';

/** Rule groups loaded from the test file's rule files, in file order. */
export interface LoadedGroup {
  readonly file: string;
  readonly spec: RuleGroupSpec;
}

/** What a group run needs besides the group itself. */
export interface GroupRunSettings {
  readonly evalIntervalMs: number;
  readonly fuzzyCompare: boolean;
  /** Group name → position in `group_eval_order`. */
  readonly groupOrder: ReadonlyMap<string, number>;
  /** Loads the rule groups (throws a list of messages as `RuleLoadErrors`). */
  readonly loadGroups: () => readonly LoadedGroup[];
  /** `--debug`: receives every stored series (input and rule output) after the checks. */
  readonly debug?: (text: string) => void;
}

/** Rule files that did not load: one promtool message each. */
export class RuleLoadErrors extends Error {
  constructor(readonly messages: readonly string[]) {
    super(messages.join('\n'));
  }
}

interface PendingSample {
  readonly labels: Labels;
  readonly t: number;
  readonly v: number;
  readonly histogram: boolean;
}

/** Parses the input series into samples sorted by time; throws the parser's error. */
function inputSamples(tg: TestGroup, intervalMs: number): PendingSample[] {
  const lines = tg.inputSeries.map((s) => `  ${s.series} ${s.values}`);
  const script = parseScript(`load ${Math.max(1, intervalMs)}ms\n${lines.join('\n')}\n`);
  const out: PendingSample[] = [];
  for (const cmd of script) {
    if (cmd.kind !== 'load') continue;
    for (const s of cmd.series) {
      const split = hasHistograms(s.text) ? splitHistogramItems(s.text) : { floatText: s.text, histogramPositions: [] as number[] };
      const desc = parseSeriesDesc(split.floatText);
      const histo = new Set(split.histogramPositions);
      desc.values.forEach((sv, i) => {
        const t = tg.startMs + i * intervalMs;
        if (histo.has(i)) out.push({ labels: desc.labels, t, v: NaN, histogram: true });
        else if (!sv.omitted) out.push({ labels: desc.labels, t, v: sv.stale ? STALE_NAN : sv.value, histogram: false });
      });
    }
  }
  return out.sort((a, b) => a.t - b.t);
}

/** Feeds input samples into storage up to a time, as promtool's lazy loader. */
class LazyInput {
  #next = 0;
  constructor(
    readonly storage: MemoryStorage,
    readonly samples: readonly PendingSample[],
  ) {}

  /** Appends every sample with a timestamp ≤ `t`. */
  async till(t: number): Promise<void> {
    const app = this.storage.appender();
    const histos: PendingSample[] = [];
    while (this.#next < this.samples.length && this.samples[this.#next]!.t <= t) {
      const s = this.samples[this.#next++]!;
      if (s.histogram) histos.push(s);
      else app.append(0, s.labels, s.t, s.v);
    }
    await app.commit();
    for (const s of histos) this.storage.appendHistogram(s.labels, s.t, { opaque: true });
  }
}

function maxEvalTime(tg: TestGroup): number {
  let m = 0;
  for (const a of tg.alertRuleTests) m = Math.max(m, a.evalTimeMs);
  for (const p of tg.promqlExprTests) m = Math.max(m, p.evalTimeMs);
  return m;
}

/** Go's `labels.Compare`, then annotations. */
function compareAlerts(a: LabelsAndAnnotations, b: LabelsAndAnnotations): number {
  return Labels.compare(a.labels, b.labels) || Labels.compare(a.annotations, b.annotations);
}

function sameAlerts(a: readonly LabelsAndAnnotations[], b: readonly LabelsAndAnnotations[]): boolean {
  return a.length === b.length && a.every((x, i) => x.labels.equals(b[i]!.labels) && x.annotations.equals(b[i]!.annotations));
}

/** Whether two float64 values are equal or (fuzzy) one unit in the last place apart. */
export function floatsMatch(x: number, y: number, fuzzy: boolean): boolean {
  if (x === y) return true;
  if (!fuzzy || !Number.isFinite(x) || !Number.isFinite(y) || Math.sign(x) !== Math.sign(y)) return false;
  const bits = new BigInt64Array(new Float64Array([x, y]).buffer);
  const d = bits[0]! - bits[1]!;
  return d === 1n || d === -1n;
}

function sameSamples(a: readonly ComparedSample[], b: readonly ComparedSample[], fuzzy: boolean): boolean {
  return a.length === b.length && a.every((x, i) => x.labels.equals(b[i]!.labels) && x.histogram === b[i]!.histogram && floatsMatch(x.value, b[i]!.value, fuzzy));
}

/** Runs test group `tg`; see the module comment. */
export async function runTestGroup(tg: TestGroup, settings: GroupRunSettings): Promise<string[]> {
  const ei = settings.evalIntervalMs;
  const interval = tg.intervalMs > 0 ? tg.intervalMs : ei;
  let input: PendingSample[];
  try {
    input = inputSamples(tg, interval);
  } catch (e) {
    return [errorMessage(e)];
  }
  let loaded: readonly LoadedGroup[];
  try {
    loaded = settings.loadGroups();
  } catch (e) {
    if (e instanceof RuleLoadErrors) return [...e.messages];
    throw e;
  }
  const storage = new MemoryStorage();
  const lazy = new LazyInput(storage, input);
  const engine = new Engine({ lookbackDeltaMs: 5 * 60_000, defaultSubqueryStepMs: ei, maxSamples: 50_000_000, timeoutMs: 120_000 });
  const query = engineQueryFunc(engine, storage);
  const externalLabels = Labels.fromPairs(tg.externalLabels);
  const logger = createLogger({ level: 'error', write: () => undefined });
  const metrics = new GroupMetrics();
  const groups = loaded.map(
    ({ file, spec }) =>
      new Group({
        file,
        spec,
        intervalMs: ei,
        appendable: storage,
        query,
        logger,
        metrics,
        now: () => 0,
        alertContext: { externalLabels: () => externalLabels, externalURL: () => tg.externalURL, expand: (alert, text, data) => expandAlertTemplate(alert, text, data) },
      }),
  );
  const order = settings.groupOrder;
  const ordered = groups.map((g, i) => ({ g, i })).sort((a, b) => (order.get(a.g.name) ?? 0) - (order.get(b.g.name) ?? 0) || a.i - b.i).map((x) => x.g);

  const mint = tg.startMs;
  const maxt = mint + maxEvalTime(tg);
  const alertTimes = [...new Set(tg.alertRuleTests.map((a) => a.evalTimeMs))].sort((a, b) => a - b);
  const errs: string[] = [];
  let curr = 0;
  for (let ts = mint; ts <= maxt; ts += ei) {
    await lazy.till(ts);
    const evalErrs: string[] = [];
    for (const g of ordered) {
      await g.evalAt(ts);
      for (const r of g.rules) if (r.health === 'err') evalErrs.push(`    rule: ${r.name}, time: ${goDurationString(ts)}, err: ${r.lastError}`);
    }
    errs.push(...evalErrs);
    if (evalErrs.length > 0) return errs;
    while (curr < alertTimes.length && ts - mint <= alertTimes[curr]! && alertTimes[curr]! < ts + ei - mint) {
      const t = alertTimes[curr]!;
      for (const tc of tg.alertRuleTests.filter((a) => a.evalTimeMs === t)) {
        const got: LabelsAndAnnotations[] = [];
        for (const g of ordered) {
          for (const r of g.rules) {
            if (!(r instanceof AlertingRule) || r.name !== tc.alertname) continue;
            for (const a of r.activeAlerts()) if (a.state === 'firing') got.push({ labels: a.labels, annotations: a.annotations });
          }
        }
        const exp = tc.expAlerts.map((a) => ({ labels: Labels.fromPairs([...a.labels, ['alertname', tc.alertname]]), annotations: Labels.fromPairs(a.annotations) }));
        got.sort(compareAlerts);
        exp.sort(compareAlerts);
        if (!sameAlerts(exp, got)) {
          const name = tg.name !== '' ? `    name: ${tg.name},\n` : '';
          errs.push(`${name}    alertname: ${tc.alertname}, time: ${formatEvalTime(tc.evalTimeMs)}, \n        exp:${indentLines(alertsString(exp), '            ')}, \n        got:${indentLines(alertsString(got), '            ')}`);
        }
      }
      curr++;
    }
  }

  for (const tc of tg.promqlExprTests) {
    const head = `    expr: ${JSON.stringify(tc.expr)}, time: ${formatEvalTime(tc.evalTimeMs)}`;
    let got: ComparedSample[];
    try {
      const expr: Expr = parseExpr(tc.expr, ALL_FEATURES);
      got = (await query(expr, tc.expr, mint + tc.evalTimeMs)).map((s) => ({ labels: s.metric, value: s.f, histogram: '' }));
    } catch (e) {
      errs.push(`${head}, err: ${errorMessage(e)}`);
      continue;
    }
    const exp: ComparedSample[] = [];
    let bad: string | undefined;
    for (const s of tc.expSamples) {
      try {
        exp.push({ labels: parseSeriesDesc(s.labels).labels, value: s.value, histogram: s.histogram });
      } catch (e) {
        bad = `${head}, err: labels ${JSON.stringify(s.labels)}: ${errorMessage(e)}`;
        break;
      }
    }
    if (bad !== undefined) {
      errs.push(bad);
      continue;
    }
    exp.sort((a, b) => Labels.compare(a.labels, b.labels));
    got.sort((a, b) => Labels.compare(a.labels, b.labels));
    if (!sameSamples(exp, got, settings.fuzzyCompare)) errs.push(`${head},\n        exp: ${samplesString(exp)}\n        got: ${samplesString(got)}`);
  }
  if (settings.debug) settings.debug(await dumpAll(engine, storage, mint, maxEvalTime(tg)));
  return errs;
}

/**
 * Every stored series over `[0, span]` after `mint` (span rounded up to the next whole second),
 * as Go prints a `Matrix`: `<labels> =>` and one `<value> @[<ms>]` line per sample; or the
 * query's error.
 */
async function dumpAll(engine: Engine, storage: MemoryStorage, mint: number, span: number): Promise<string> {
  const secs = Math.floor((span + 1000) / 1000) * 1000;
  const q = `{__name__=~".+"}[${formatDuration(secs)}]`;
  const r = await engine.instantQueryOf(storage, parseExpr(q, ALL_FEATURES), q, mint + secs).exec();
  if (r.error) return `Error executing query: ${errorMessage(r.error)}\n`;
  if (r.value?.type !== 'matrix') return '';
  const series = r.value.series.map((s) => `${s.metric.toString()} =>\n${Array.from(s.f, (f, i) => `${formatFloat(f, 'f', -1)} @[${s.t[i]}]`).join('\n')}`);
  return `${series.join('\n')}\n`;
}

/** An `eval_time` as promtool prints it (Prometheus duration text). */
function formatEvalTime(ms: number): string {
  return ms >= 0 && Number.isSafeInteger(ms) ? formatDuration(ms) : String(ms);
}
