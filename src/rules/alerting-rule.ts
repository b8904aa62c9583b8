/**
 * An alerting rule (upstream's `AlertingRule`): each evaluation turns the expression's output
 * samples into alerts, one per label set (the sample's labels without `__name__`, the rule's
 * expanded labels, and `alertname`), and moves each alert through its states:
 *
 * - a new alert is `pending`, `activeAt` = the evaluation timestamp; it becomes `firing` once
 *   `for` has elapsed since `activeAt` (at once when `for` is 0);
 * - an alert the expression no longer returns is dropped when pending; a firing one stays
 *   firing while `keep_firing_for` has not elapsed since it first went missing, then becomes
 *   `inactive` with `resolvedAt` and is kept 15 minutes (for the notifier) before it is dropped;
 *   an alert that comes back while inactive starts again as a new pending alert.
 *
 * The output written through the group's appender is, per active alert, `ALERTS{…,
 * alertstate="pending"|"firing"} 1` and `ALERTS_FOR_STATE{…} <activeAt in s>` (the group marks
 * series it no longer returns stale, so `pending` → `firing` ends the pending series). Until the
 * rule is `restored` (two evaluations after the server starts, upstream's wait before restoring
 * `for` state) the alerts evolve but nothing is written.
 */
import { Labels, LabelsBuilder, METRIC_NAME } from '../model/labels/index.js';
import type { NotifyFunc } from './notify.js';
import type { QueryFunc } from './query-func.js';
import { RuleEvalError, labelsKey, type RecordedSample } from './recording-rule.js';
import type { RuleSpec } from './rule-file.js';
import { RuleStatus } from './rule-status.js';

export type AlertState = 'inactive' | 'pending' | 'firing';

/** How long a resolved alert is kept (upstream's `resolvedRetention`). */
export const RESOLVED_RETENTION_MS = 15 * 60 * 1000;

/** Upstream's text for two alerts with one label set. */
export const DUPLICATE_ALERT_LABELSET = 'vector contains metrics with the same labelset after applying alert labels';

/** One alert of a rule. Times are ms since the epoch. */
export interface Alert {
  readonly labels: Labels;
  annotations: Labels;
  state: AlertState;
  /** The value of the sample that produced the alert at its last evaluation. */
  value: number;
  /** When the alert became active (moved when `for` state is restored after a restart). */
  activeAt: number;
  firedAt: number | undefined;
  resolvedAt: number | undefined;
  /** When a firing alert first went missing while `keep_firing_for` holds it. */
  keepFiringSince: number | undefined;
  /** When the alert was last handed to the notifier (undefined: never). */
  lastSentAt: number | undefined;
  /** The `endsAt` a firing alert was last sent with: valid until then unless sent again. */
  validUntil: number;
}

/** What a template sees: upstream's `AlertTemplateData` (`.Labels`, `.ExternalLabels`, `.ExternalURL`, `.Value`). */
export interface AlertTemplateData {
  readonly labels: Readonly<Record<string, string>>;
  readonly externalLabels: Readonly<Record<string, string>>;
  readonly externalURL: string;
  readonly value: number;
}

/**
 * Expands one label or annotation template `text` of the rule named `name`; an expansion error
 * is returned as upstream's text (`<error expanding template: …>`), never thrown.
 */
export type TemplateExpander = (name: string, text: string, data: AlertTemplateData) => string;

/** What an alerting rule needs besides its spec. */
export interface AlertContext {
  readonly externalLabels: () => Labels;
  /** The server's external URL (known once it listens). */
  readonly externalURL: () => string;
  readonly expand: TemplateExpander;
}

/** A context without templates (text returned as written) nor external labels. */
export const NO_TEMPLATES: AlertContext = { externalLabels: () => Labels.EMPTY, externalURL: () => '', expand: (_n, text) => text };

/** An alerting rule built from a validated `RuleSpec` (with `alert` set and `parsed` present). */
export class AlertingRule extends RuleStatus {
  /** The rule's labels and annotations as written (templates unexpanded). */
  readonly labels: Labels;
  readonly annotations: Labels;
  /** `for` and `keep_firing_for`, ms. */
  readonly holdMs: number;
  readonly keepFiringForMs: number;
  /** False until the group has waited for `for` state to be restored: alerts are not written. */
  restored = true;
  readonly #ctx: AlertContext;
  readonly #labelPairs: readonly (readonly [string, string])[];
  readonly #annotationPairs: readonly (readonly [string, string])[];
  /** Alerts by `labelsKey` of their labels, in insertion order. */
  #active = new Map<string, Alert>();

  constructor(spec: RuleSpec, ctx: AlertContext = NO_TEMPLATES) {
    if (spec.alert === '' || spec.parsed === undefined) throw new Error(`BUG: AlertingRule needs a parsed alerting rule, got ${JSON.stringify(spec.alert || spec.record)}`);
    super(spec.alert, spec.parsed);
    this.#labelPairs = [...spec.labels];
    this.#annotationPairs = [...spec.annotations];
    this.labels = Labels.fromPairs(this.#labelPairs);
    this.annotations = Labels.fromPairs(this.#annotationPairs);
    this.holdMs = spec.forMs;
    this.keepFiringForMs = spec.keepFiringForMs;
    this.#ctx = ctx;
  }

  /**
   * Evaluates the rule at `t` (ms), updates its alerts and returns the `ALERTS` and
   * `ALERTS_FOR_STATE` samples to write (none until `restored`). Throws `RuleEvalError` for a
   * failed query or two alerts with one label set (alerts unchanged), and for more than `limit`
   * active alerts (0: no limit; every alert is dropped, as upstream).
   */
  async eval(query: QueryFunc, t: number, limit: number): Promise<RecordedSample[]> {
    const samples = await this.run(query, t);
    const ext = this.#ctx.externalLabels().toObject();
    const found = new Map<string, { labels: Labels; annotations: Labels; value: number }>();
    const b = new LabelsBuilder();
    for (const s of samples) {
      const data: AlertTemplateData = { labels: s.metric.toObject(), externalLabels: ext, externalURL: this.#ctx.externalURL(), value: s.f };
      const expand = (text: string) => this.#ctx.expand(this.name, text, data);
      b.reset(s.metric);
      b.del(METRIC_NAME);
      for (const [n, v] of this.#labelPairs) b.set(n, expand(v));
      b.set('alertname', this.name);
      const labels = b.labels();
      const key = labelsKey(labels);
      if (found.has(key)) throw new RuleEvalError(DUPLICATE_ALERT_LABELSET);
      const annotations = Labels.fromPairs(this.#annotationPairs.map(([n, v]) => [n, expand(v)] as const));
      found.set(key, { labels, annotations, value: s.f });
    }
    for (const [key, f] of found) {
      const a = this.#active.get(key);
      if (a !== undefined && a.state !== 'inactive') {
        a.value = f.value;
        a.annotations = f.annotations;
        continue;
      }
      this.#active.set(key, { ...f, state: 'pending', activeAt: t, firedAt: undefined, resolvedAt: undefined, keepFiringSince: undefined, lastSentAt: undefined, validUntil: 0 });
    }
    const out: RecordedSample[] = [];
    let activeCount = 0;
    for (const [key, a] of this.#active) {
      if (!found.has(key)) {
        let keepFiring = false;
        if (a.state === 'firing' && this.keepFiringForMs > 0) {
          a.keepFiringSince ??= t;
          keepFiring = t - a.keepFiringSince < this.keepFiringForMs;
        }
        if (a.state === 'pending' || (a.resolvedAt !== undefined && t - a.resolvedAt > RESOLVED_RETENTION_MS)) this.#active.delete(key);
        if (a.state !== 'inactive' && !keepFiring) {
          a.state = 'inactive';
          a.resolvedAt = t;
        }
        if (!keepFiring) continue;
      } else {
        a.keepFiringSince = undefined;
      }
      activeCount++;
      if (a.state === 'pending' && t - a.activeAt >= this.holdMs) {
        a.state = 'firing';
        a.firedAt = t;
      }
      if (this.restored) out.push(alertsSample(a), forStateSample(a));
    }
    if (limit > 0 && activeCount > limit) {
      this.#active = new Map();
      throw new RuleEvalError(`exceeded limit of ${limit} with ${activeCount} alerts`);
    }
    return out;
  }

  /** The rule's state: the highest of its alerts' (`firing` > `pending` > `inactive`). */
  state(): AlertState {
    let s: AlertState = 'inactive';
    for (const a of this.#active.values()) {
      if (a.state === 'firing') return 'firing';
      if (a.state === 'pending') s = 'pending';
    }
    return s;
  }

  /** Pending and firing alerts (not the resolved ones kept for notification). */
  activeAlerts(): Alert[] {
    return [...this.#active.values()].filter((a) => a.state !== 'inactive');
  }

  /** Every alert held, resolved ones included (what the notifier will send). */
  alerts(): Alert[] {
    return [...this.#active.values()];
  }

  /**
   * Upstream's `sendAlerts` after an evaluation at `t` (ms): hands `notify` a snapshot of every
   * alert due — firing or resolved (pending ones never), resolved since it was last sent, or
   * not sent for more than `resendDelayMs` — after setting its `lastSentAt` to `t` and its
   * `validUntil` to `t` + 4 × max(`intervalMs`, `resendDelayMs`) (room for two missed
   * evaluations or failed sends). Resolved alerts are thus re-sent until they are forgotten.
   */
  sendAlerts(t: number, resendDelayMs: number, intervalMs: number, notify: NotifyFunc): void {
    const due: Alert[] = [];
    for (const a of this.#active.values()) {
      if (!needsSending(a, t, resendDelayMs)) continue;
      a.lastSentAt = t;
      a.validUntil = t + 4 * Math.max(resendDelayMs, intervalMs);
      due.push({ ...a });
    }
    notify(this.query, due);
  }

  /** Takes over the alerts of the rule this one replaces (same name, query and labels). */
  copyAlerts(old: AlertingRule): void {
    this.#active = old.#active;
  }

  /** True when `other` is the same rule (name, expression, `for`, `keep_firing_for`, labels, annotations). */
  sameAs(other: AlertingRule): boolean {
    return (
      this.name === other.name &&
      this.query === other.query &&
      this.holdMs === other.holdMs &&
      this.keepFiringForMs === other.keepFiringForMs &&
      this.labels.equals(other.labels) &&
      this.annotations.equals(other.annotations)
    );
  }
}

/** Whether `a` is due to be sent at `t` (upstream's `needsSending`). */
function needsSending(a: Alert, t: number, resendDelayMs: number): boolean {
  if (a.state === 'pending') return false;
  if (a.resolvedAt !== undefined && (a.lastSentAt === undefined || a.resolvedAt > a.lastSentAt)) return true;
  return a.lastSentAt === undefined || a.lastSentAt + resendDelayMs < t;
}

/** `ALERTS{<alert labels>, alertstate="<state>"} 1`. */
function alertsSample(a: Alert): RecordedSample {
  const labels = a.labels.builder().set(METRIC_NAME, 'ALERTS').set('alertstate', a.state).labels();
  return { labels, key: labelsKey(labels), f: 1 };
}

/** The labels of an alert's `ALERTS_FOR_STATE` series. */
export function forStateLabels(a: Alert): Labels {
  return a.labels.builder().set(METRIC_NAME, 'ALERTS_FOR_STATE').labels();
}

/** `ALERTS_FOR_STATE{<alert labels>} <activeAt in whole seconds>`. */
function forStateSample(a: Alert): RecordedSample {
  const labels = forStateLabels(a);
  return { labels, key: labelsKey(labels), f: Math.floor(a.activeAt / 1000) };
}
