/**
 * The unit-test file of `ignis tool test rules` (promtool's `unitTestFile`), decoded strictly:
 * an unknown key, a value of the wrong type or a bad duration is an error with go-yaml's text
 * (`yaml: unmarshal errors:` + one `  line N: …` line each), naming promtool's Go types
 * (`main.testGroup`, `main.sample`, …) as promtool does. Float and bool values resolve as
 * go-yaml v2 (promtool's decoder for these files) resolves them (`Decoder.floatV2`/`boolV2`).
 */
import type { Node as YamlNode } from 'yaml';
import { isScalar } from 'yaml';
import { parseDuration } from '../../model/duration/index.js';
import { Decoder, HardDecodeError, parseYamlSource } from '../../rules/index.js';

/** One `input_series` entry. */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** One expected alert (`exp_alerts` entry). */
export interface ExpectedAlert {
  readonly labels: ReadonlyMap<string, string>;
  readonly annotations: ReadonlyMap<string, string>;
}

/** One `alert_rule_test` entry; times in ms. */
export interface AlertTestCase {
  readonly evalTimeMs: number;
  readonly alertname: string;
  readonly expAlerts: readonly ExpectedAlert[];
}

/** One expected sample of a `promql_expr_test`. */
export interface ExpectedSample {
  readonly labels: string;
  readonly value: number;
  readonly histogram: string;
}

/** One `promql_expr_test` entry. */
export interface PromqlTestCase {
  readonly expr: string;
  readonly evalTimeMs: number;
  readonly expSamples: readonly ExpectedSample[];
}

/** One test group (`tests` entry). `intervalMs` is 0 when not given. */
export interface TestGroup {
  readonly name: string;
  readonly intervalMs: number;
  /** ms since the epoch. */
  readonly startMs: number;
  readonly inputSeries: readonly InputSeries[];
  readonly alertRuleTests: readonly AlertTestCase[];
  readonly promqlExprTests: readonly PromqlTestCase[];
  readonly externalLabels: ReadonlyMap<string, string>;
  readonly externalURL: string;
}

/** The whole file. `evaluationIntervalMs` is 0 when not given. */
export interface UnitTestFile {
  readonly ruleFiles: readonly string[];
  readonly evaluationIntervalMs: number;
  readonly groupEvalOrder: readonly string[];
  readonly fuzzyCompare: boolean;
  readonly tests: readonly TestGroup[];
}

/** A test file that does not decode; `message` is promtool's text. */
export class TestFileError extends Error {}

type Fields = Record<string, (v: YamlNode | null) => void>;

/** Decodes the mapping `node` into `fields`; other keys are unknown-field errors of `goType`. */
function fields(d: Decoder, node: YamlNode | null, goType: string, f: Fields): void {
  const n = d.resolve(node);
  if (n === null || d.isNull(n)) return;
  for (const e of d.entries(n, goType) ?? []) {
    const set = f[e.key];
    if (set) set(e.value);
    else d.unknownField(e.keyNode, e.key, goType);
  }
}

/** `start_timestamp`: RFC 3339 text or Unix seconds (ms since the epoch). */
function startTimestamp(d: Decoder, node: YamlNode | null): number {
  const n = d.resolve(node);
  if (n === null || d.isNull(n)) return 0;
  const s = isScalar(n) ? String(n.value) : '';
  if (/^-?\d+(?:\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const t = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/.test(s) ? Date.parse(s) : NaN;
  if (Number.isNaN(t)) throw new HardDecodeError(`start_timestamp: cannot parse ${JSON.stringify(s)} as RFC3339 or Unix timestamp`);
  return t;
}

function strings(d: Decoder, node: YamlNode | null): string[] {
  return d.seq(node, '[]string').map((i) => d.string(i));
}

function testGroup(d: Decoder, node: YamlNode | null): TestGroup {
  const g = { name: '', intervalMs: 0, startMs: 0, inputSeries: [] as InputSeries[], alertRuleTests: [] as AlertTestCase[], promqlExprTests: [] as PromqlTestCase[], externalLabels: new Map<string, string>(), externalURL: '' };
  fields(d, node, 'main.testGroup', {
    name: (v) => (g.name = d.string(v)),
    interval: (v) => (g.intervalMs = d.duration(v, parseDuration)),
    start_timestamp: (v) => (g.startMs = startTimestamp(d, v)),
    external_labels: (v) => (g.externalLabels = d.stringMap(v)),
    external_url: (v) => (g.externalURL = d.string(v)),
    input_series: (v) => {
      for (const i of d.seq(v, '[]main.series')) {
        const s = { series: '', values: '' };
        fields(d, i, 'main.series', { series: (x) => (s.series = d.string(x)), values: (x) => (s.values = d.string(x)) });
        g.inputSeries.push(s);
      }
    },
    alert_rule_test: (v) => {
      for (const i of d.seq(v, '[]main.alertTestCase')) {
        const c = { evalTimeMs: 0, alertname: '', expAlerts: [] as ExpectedAlert[] };
        fields(d, i, 'main.alertTestCase', {
          eval_time: (x) => (c.evalTimeMs = d.duration(x, parseDuration)),
          alertname: (x) => (c.alertname = d.string(x)),
          exp_alerts: (x) => {
            for (const a of d.seq(x, '[]main.alert')) {
              const e = { labels: new Map<string, string>(), annotations: new Map<string, string>() };
              fields(d, a, 'main.alert', { exp_labels: (y) => (e.labels = d.stringMap(y)), exp_annotations: (y) => (e.annotations = d.stringMap(y)) });
              c.expAlerts.push(e);
            }
          },
        });
        g.alertRuleTests.push(c);
      }
    },
    promql_expr_test: (v) => {
      for (const i of d.seq(v, '[]main.promqlTestCase')) {
        const c = { expr: '', evalTimeMs: 0, expSamples: [] as ExpectedSample[] };
        fields(d, i, 'main.promqlTestCase', {
          expr: (x) => (c.expr = d.string(x)),
          eval_time: (x) => (c.evalTimeMs = d.duration(x, parseDuration)),
          exp_samples: (x) => {
            for (const s of d.seq(x, '[]main.sample')) {
              const e = { labels: '', value: 0, histogram: '' };
              fields(d, s, 'main.sample', { labels: (y) => (e.labels = d.string(y)), value: (y) => (e.value = d.floatV2(y)), histogram: (y) => (e.histogram = d.string(y)) });
              c.expSamples.push(e);
            }
          },
        });
        g.promqlExprTests.push(c);
      }
    },
  });
  return g;
}

/** Decodes a unit-test file's text; throws `TestFileError` with promtool's message. */
export function decodeTestFile(text: string): UnitTestFile {
  const src = parseYamlSource(text);
  if (src.syntaxError !== undefined) throw new TestFileError(src.syntaxError);
  const d = new Decoder(src, true);
  const f = { ruleFiles: [] as string[], evaluationIntervalMs: 0, groupEvalOrder: [] as string[], fuzzyCompare: false, tests: [] as TestGroup[] };
  try {
    fields(d, src.doc?.contents ?? null, 'main.unitTestFile', {
      rule_files: (v) => (f.ruleFiles = strings(d, v)),
      evaluation_interval: (v) => (f.evaluationIntervalMs = d.duration(v, parseDuration)),
      group_eval_order: (v) => (f.groupEvalOrder = strings(d, v)),
      fuzzy_compare: (v) => (f.fuzzyCompare = d.boolV2(v)),
      tests: (v) => (f.tests = d.seq(v, '[]main.testGroup').map((t) => testGroup(d, t))),
    });
  } catch (err) {
    if (err instanceof HardDecodeError) throw new TestFileError(err.message);
    throw err;
  }
  if (d.typeErrors.length > 0) throw new TestFileError(`yaml: unmarshal errors:\n${d.typeErrors.map((l) => `  ${l}`).join('\n')}`);
  return f;
}
