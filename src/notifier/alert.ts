/**
 * The alert the notifier sends (upstream's `notifier.Alert`) and its Alertmanager API v2 body
 * (`POST /api/v2/alerts`, a JSON array of `PostableAlert`s) written byte for byte as Prometheus
 * writes it: keys in go-swagger's order (`annotations`, `endsAt`, `startsAt`, `generatorURL`,
 * `labels`), empty `annotations` and `generatorURL` left out, label maps sorted by name, times in
 * RFC 3339 with milliseconds in UTC, and strings escaped as Go's `encoding/json` escapes them
 * (`util`'s `jsonString`).
 */
import type { Labels } from '../model/labels/index.js';
import { jsonString } from '../util/index.js';

/** One alert to send. Times are ms since the epoch. Treated as immutable once handed over. */
export interface Alert {
  readonly labels: Labels;
  readonly annotations: Labels;
  /** When the alert started firing. */
  readonly startsAt: number;
  /** When it resolved, or until when a firing alert is valid without being re-sent. */
  readonly endsAt: number;
  /** Link back to the expression that produced it (`<external URL>/graph?g0.expr=…&g0.tab=1`). */
  readonly generatorURL: string;
}

/** A label set as a JSON object, keys in label order (sorted, as Go marshals maps). */
function labelSetJSON(l: Labels): string {
  let out = '{';
  for (let i = 0; i < l.length; i++) out += (i > 0 ? ',' : '') + jsonString(l.nameAt(i)) + ':' + jsonString(l.valueAt(i));
  return out + '}';
}

/** Go's `strfmt.DateTime` text (`2006-01-02T15:04:05.000Z`) of `t` ms, in UTC. */
function dateTimeText(t: number): string {
  return new Date(t).toISOString();
}

/** One alert as a v2 `PostableAlert` object. */
export function alertJSON(a: Alert): string {
  let out = '{';
  if (!a.annotations.isEmpty()) out += '"annotations":' + labelSetJSON(a.annotations) + ',';
  out += '"endsAt":' + jsonString(dateTimeText(a.endsAt)) + ',"startsAt":' + jsonString(dateTimeText(a.startsAt)) + ',';
  if (a.generatorURL !== '') out += '"generatorURL":' + jsonString(a.generatorURL) + ',';
  return out + '"labels":' + labelSetJSON(a.labels) + '}';
}

/** The body of `POST /api/v2/alerts` for `alerts`, in order. */
export function alertsJSON(alerts: readonly Alert[]): string {
  return '[' + alerts.map(alertJSON).join(',') + ']';
}
