/**
 * promtool's texts for `test rules` failures: Go `time.Duration` strings, the `%E` sample
 * values, and the alert and sample lists of a mismatch (layout, indents and trailing blanks as
 * promtool prints them).
 */
import type { Labels } from '../../model/labels/index.js';
import { formatFloat } from '../../rules/index.js';
import { goDurationString as nonNegativeGoDuration } from '../../scrape/index.js';

/** Go's `time.Duration.String()` for whole milliseconds, negative ones too (`0s`, `500ms`, `-1m0s`). */
export function goDurationString(ms: number): string {
  return ms < 0 ? `-${nonNegativeGoDuration(-ms)}` : nonNegativeGoDuration(ms);
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
