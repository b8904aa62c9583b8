/**
 * `NotifyFunc`: how alerting rules hand their alerts to the notifier (late binding, so that
 * `rules/` needs no notifier of its own), and `sendAlertsTo`, upstream's `SendAlerts`: the rule's
 * alerts in the notifier's form, with `startsAt` = when the alert fired, `endsAt` = when it
 * resolved or else until when it is valid, and a `generatorURL` linking to the expression in the
 * table view of the server's UI.
 */
import type { Labels } from '../model/labels/index.js';
import type { Alert } from './alerting-rule.js';

/**
 * Receives the alerts of rule expression `expr` (printed) that are due to be sent after an
 * evaluation; called with an empty list too. Must not throw nor keep `alerts` past the call
 * (they are snapshots, but the array is the caller's).
 */
export type NotifyFunc = (expr: string, alerts: readonly Alert[]) => void;

/** An alert as the notifier takes it (times in ms since the epoch). */
export interface OutgoingAlert {
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly generatorURL: string;
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Go's `url.QueryEscape` of the UTF-8 of `s`: every byte but `A-Za-z0-9-_.~` percent-encoded
 * with uppercase hex, spaces as `+`. A lone surrogate has no UTF-8; it is escaped as U+FFFD
 * (`%EF%BF%BD`), what Go holds after converting such a string. Never throws.
 */
export function queryEscape(s: string): string {
  return encodeURIComponent(s.replace(LONE_SURROGATE, '\ufffd'))
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+');
}

/** Upstream's `TableLinkForExpression`: `/graph?g0.expr=<expr>&g0.tab=1`. */
export function tableLinkForExpression(expr: string): string {
  return `/graph?g0.expr=${queryEscape(expr)}&g0.tab=1`;
}

/**
 * A `NotifyFunc` that converts alerts and hands them to `send` (nothing when there are none);
 * `externalURL` is read on every call (it is known once the server listens).
 */
export function sendAlertsTo(send: (alerts: OutgoingAlert[]) => void, externalURL: () => string): NotifyFunc {
  return (expr, alerts) => {
    if (alerts.length === 0) return;
    const generatorURL = externalURL() + tableLinkForExpression(expr);
    send(
      alerts.map((a) => ({
        labels: a.labels,
        annotations: a.annotations,
        startsAt: a.firedAt ?? a.activeAt,
        endsAt: a.resolvedAt ?? a.validUntil,
        generatorURL,
      })),
    );
  };
}
