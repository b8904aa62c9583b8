/**
 * promtool's texts for `test rules` failures: Go `time.Duration` strings, the `%E` sample
 * values, and the alert and sample lists of a mismatch (layout, indents and trailing blanks as
 * promtool prints them).
 */
import type { Labels } from '../../model/labels/index.js';
import { formatFloat } from '../../rules/index.js';

/** Go's `time.Duration.String()` for whole milliseconds (`0s`, `500ms`, `1m0s`, `2h0m0.5s`). */
export function goDurationString(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  if (rest < 1000) return `${neg ? '-' : ''}${rest}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const frac = rest - s * 1000;
  const sec = frac === 0 ? `${s}` : `${s}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
  return `${neg ? '-' : ''}${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${sec}s`;
}

/** Go's `strconv.FormatFloat(v, 'E', -1, 64)` (`1E+00`, `3.5E-01`, `NaN`, `+Inf`). */
export function goFloatE(v: number): string {
  return formatFloat(v, 'e', -1).toUpperCase().replace('INF', 'Inf').replace('NAN', 'NaN');
}

/** An alert as the tests compare it. */
export interface LabelsAndAnnotations {
  readonly labels: Labels;
  readonly annotations: Labels;
}

/** Indents every line but the first by `indent` (promtool's `indentLines`). */
export function indentLines(text: string, indent: string): string {
  return text.split('\n').join(`\n${indent}`);
}

/** promtool's text of an alert list (`[]`, or `[\n0:\n  Labels:…\n  Annotations:…\n]`). */
export function alertsString(list: readonly LabelsAndAnnotations[]): string {
  if (list.length === 0) return '[]';
  const items = list.map((a, i) => `${i}:${indentLines(`\nLabels:${a.labels.toString()}\nAnnotations:${a.annotations.toString()}`, '  ')}`);
  return `[\n${items.join(',\n')}\n]`;
}

/** A sample as the tests compare it: a float value or a histogram in `{{…}}` notation. */
export interface ComparedSample {
  readonly labels: Labels;
  readonly value: number;
  readonly histogram: string;
}

/** promtool's text of a sample list: `nil` when empty, else `<labels> <value>` joined by `, `. */
export function samplesString(list: readonly ComparedSample[]): string {
  if (list.length === 0) return 'nil';
  return list.map((s) => `${s.labels.toString()} ${s.histogram !== '' ? s.histogram : goFloatE(s.value)}`).join(', ');
}
