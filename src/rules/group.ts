/**
 * A rule group: its recording and alerting rules evaluated in order every `intervalMs`, each rule's output
 * appended and committed on its own (all or nothing per rule), with staleness markers for series
 * a rule stopped producing, and the group metrics of upstream's rule manager.
 *
 * Schedule: evaluation timestamps are `offset + k * intervalMs`, where the offset is the hash of
 * the label set `{file="<file>", name="<group>"}` modulo the interval in nanoseconds, truncated
 * to ms, with Prometheus' label hash (XXH64): groups spread over the interval, a restart keeps
 * each group's phase, and a group evaluates at the same timestamps as in Prometheus given the
 * same file path and name. An evaluation that
 * overruns skips the ticks it missed (counted in `prometheus_rule_group_iterations_missed_total`).
 * Evaluation errors are logged and counted and never stop the group.
 * After each alerting rule's successful evaluation, its alerts due to be sent go to `notify`
 * (upstream's `sendAlerts`, before the rule's output is written).
 */
import { Labels } from '../model/labels/index.js';
import { STALE_NAN } from '../model/value/index.js';
import { StorageError, WriteFailedError, type Appendable, type Appender, type Queryable } from '../storage/index.js';
import { errorMessage, type Logger } from '../util/index.js';
import type { GroupMetrics } from './group-metrics.js';
import type { NotifyFunc } from './notify.js';
import type { QueryFunc } from './query-func.js';
import { AlertingRule, NO_TEMPLATES, type AlertContext } from './alerting-rule.js';
import { RecordingRule, type RecordedSample } from './recording-rule.js';
import { restoreForState, type RestoreOptions } from './restore-for-state.js';
import type { RuleGroupSpec } from './rule-file.js';
import { prometheusLabelsHash } from './xxhash64.js';

/** What a group needs to run. */
export interface GroupOptions {
  /** The rule file the group came from (its path as configured after glob expansion). */
  readonly file: string;
  readonly spec: RuleGroupSpec;
  /** The group's own interval, or the global `evaluation_interval` when it has none. */
  readonly intervalMs: number;
  readonly appendable: Appendable;
  readonly query: QueryFunc;
  readonly logger: Logger;
  readonly metrics: GroupMetrics;
  /** Wall clock in ms since the epoch (default `Date.now`). */
  readonly now?: () => number;
  /** External labels, external URL and template expansion for alerting rules (default: none). */
  readonly alertContext?: AlertContext;
  /**
   * True for groups loaded when the server starts: alerting rules write no `ALERTS` series
   * until two evaluations have passed (upstream's wait before restoring `for` state).
   */
  readonly shouldRestore?: boolean;
  /** Where `ALERTS_FOR_STATE` is read back when restoring (none: alerts start over). */
  readonly queryable?: Queryable;
  /** Outage tolerance and grace period of the restore (default upstream's 1h and 10m). */
  readonly restore?: RestoreOptions;
  /** Where alerting rules send their alerts after each evaluation (none: not sent). */
  readonly notify?: NotifyFunc;
  /** `--rules.alert.resend-delay`, ms (default upstream's 1m). */
  readonly resendDelayMs?: number;
}

/** Upstream's default `--rules.alert.resend-delay`. */
const DEFAULT_RESEND_DELAY_MS = 60_000;

/** A rule of a group. */
export type Rule = RecordingRule | AlertingRule;

/** A running (or not yet started) rule group; see the module comment. */
export class Group {
  readonly file: string;
  readonly name: string;
  readonly intervalMs: number;
  readonly limit: number;
  /** Every rule in file order. */
  readonly rules: readonly Rule[];
  /** Seconds the last evaluation of all rules took. */
  evaluationTime = 0;
  /** Wall-clock start of the last evaluation, ms; undefined before the first. */
  lastEvaluation: number | undefined = undefined;
  readonly #o: GroupOptions;
  readonly #now: () => number;
  readonly #logger: Logger;
  /** Per rule: the series it wrote in its last successful evaluation, by `labelsKey`. */
  #previous: Map<string, Labels>[];
  /** Series of a replaced group's rules to mark stale unless this group's first evaluation writes them. */
  #inherited = new Map<string, Labels>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #started = false;
  readonly #offsetMs: number;
  #stopped = false;
  /** Evaluations left before alerting rules are marked restored (0: restored). */
  #restoreAfter: number;

  constructor(opts: GroupOptions) {
    this.#o = opts;
    this.file = opts.file;
    this.name = opts.spec.name;
    this.intervalMs = opts.intervalMs;
    this.limit = opts.spec.limit;
    const ctx = opts.alertContext ?? NO_TEMPLATES;
    this.rules = opts.spec.rules.map((r) => (r.record !== '' ? new RecordingRule(r) : new AlertingRule(r, ctx)));
    this.#restoreAfter = opts.shouldRestore ? 2 : 0;
    for (const r of this.rules) if (r instanceof AlertingRule) r.restored = !opts.shouldRestore;
    this.#previous = this.rules.map(() => new Map());
    this.#now = opts.now ?? Date.now;
    const intervalNs = BigInt(Math.round(this.intervalMs)) * 1_000_000n;
    this.#offsetMs = intervalNs > 0n ? Number((prometheusLabelsHash(['file', this.file, 'name', this.name]) % intervalNs) / 1_000_000n) : 0;
    this.#logger = opts.logger.child({ component: 'rule manager', file: this.file, group: this.name });
    opts.metrics.init(this.key, this.intervalMs, this.rules.length);
  }

  /** The group's identity and metric label: `<file>;<name>`. */
  get key(): string {
    return groupKey(this.file, this.name);
  }

  /** The evaluation timestamp (ms) at or before `now` on this group's schedule. */
  evalTimestamp(now: number): number {
    const offset = this.#offsetMs;
    const adj = now - offset;
    return adj - mod(adj, this.intervalMs) + offset;
  }

  /** True when `other` evaluates the same rules the same way (a reload may keep this group running). */
  sameAs(other: Group): boolean {
    if (this.key !== other.key || this.intervalMs !== other.intervalMs || this.limit !== other.limit) return false;
    if (this.rules.length !== other.rules.length) return false;
    return this.rules.every((r, i) => sameRule(r, other.rules[i]!));
  }

  /**
   * Takes over the state of the group this one replaces: a rule that is still here keeps its
   * health, last series and (alerting rules) alerts; the other series of `old` are marked stale after this group's first
   * evaluation unless it writes them again.
   */
  copyState(old: Group): void {
    this.evaluationTime = old.evaluationTime;
    this.lastEvaluation = old.lastEvaluation;
    const used = new Set<number>();
    this.rules.forEach((r, i) => {
      const j = old.rules.findIndex((o, k) => !used.has(k) && sameRule(o, r));
      if (j < 0) return;
      used.add(j);
      const o = old.rules[j]!;
      Object.assign(r, { health: o.health, lastError: o.lastError, evaluationTime: o.evaluationTime, lastEvaluation: o.lastEvaluation });
      if (r instanceof AlertingRule && o instanceof AlertingRule) {
        r.copyAlerts(o);
        r.restored = o.restored;
      }
      this.#previous[i] = old.#previous[j]!;
    });
    old.#previous.forEach((m, k) => {
      if (!used.has(k)) for (const [key, l] of m) this.#inherited.set(key, l);
    });
    for (const [key, l] of old.#inherited) this.#inherited.set(key, l);
  }

  /** Starts evaluating on the schedule: the first evaluation is at the next scheduled timestamp. Idempotent. */
  start(): void {
    if (this.#stopped || this.#started) return;
    this.#started = true;
    this.#schedule(this.evalTimestamp(this.#now()) + this.intervalMs);
  }

  #schedule(t: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#running = this.evalAt(t).finally(() => {
        this.#running = undefined;
        let next = t + this.intervalMs;
        const missed = Math.floor((this.#now() - next) / this.intervalMs);
        if (missed > 0) {
          this.#o.metrics.missed.inc({ rule_group: this.key }, missed);
          this.#o.metrics.iterations.inc({ rule_group: this.key }, missed);
          next += missed * this.intervalMs;
        }
        this.#schedule(next);
      });
    }, Math.max(0, t - this.#now()));
  }

  /** Stops scheduling and waits for an evaluation in progress. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** Evaluates every rule once at `t` (ms); never throws (failures are logged and counted). */
  async evalAt(t: number): Promise<void> {
    const m = this.#o.metrics;
    const l = { rule_group: this.key };
    const start = this.#now();
    const t0 = performance.now();
    m.iterations.inc(l);
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i]!;
      const ruleStart = this.#now();
      const r0 = performance.now();
      m.evaluations.inc(l);
      let err: unknown;
      try {
        const out = await rule.eval(this.#o.query, t, this.limit);
        if (rule instanceof AlertingRule && this.#o.notify) rule.sendAlerts(t, this.#o.resendDelayMs ?? DEFAULT_RESEND_DELAY_MS, this.intervalMs, this.#o.notify);
        err = await this.#write(i, out, t);
      } catch (e) {
        err = e;
        m.failures.inc(l);
        this.#logger.warn({ rule: rule.name, err: errorMessage(e) }, 'Evaluating rule failed');
      }
      const seconds = (performance.now() - r0) / 1000;
      m.ruleDuration.observe(seconds);
      rule.record(ruleStart, seconds, err);
    }
    if (this.#inherited.size > 0) await this.#markInheritedStale(t);
    if (this.#restoreAfter > 0 && --this.#restoreAfter === 0) {
      const alerting = this.rules.filter((r) => r instanceof AlertingRule);
      try {
        restoreForState(alerting, this.#o.queryable, this.#now(), this.#o.restore);
      } catch (e) {
        for (const r of alerting) r.restored = true;
        this.#logger.warn({ err: errorMessage(e) }, 'Restoring alert for state failed');
      }
    }
    this.evaluationTime = (performance.now() - t0) / 1000;
    this.lastEvaluation = start;
    m.lastDuration.set(l, this.evaluationTime);
    m.groupDuration.observe(this.evaluationTime);
    m.lastEvaluation.set(l, t / 1000);
  }

  /**
   * Appends rule `i`'s output at `t` and staleness markers for its series of last time that are
   * gone, and commits them as one batch. Resolves with the first rejected sample's error (the
   * others are still written), rejects when the batch cannot be committed.
   */
  async #write(i: number, out: readonly RecordedSample[], t: number): Promise<unknown> {
    const app = this.#o.appendable.appender();
    const returned = new Map<string, Labels>();
    const previous = this.#previous[i]!;
    let firstErr: unknown;
    try {
      for (const s of out) {
        try {
          app.append(0, s.labels, t, s.f);
          returned.set(s.key, s.labels);
        } catch (e) {
          if (!isSampleError(e)) throw e;
          firstErr ??= e;
        }
      }
      for (const [key, l] of previous) if (!returned.has(key)) appendStaleMarker(app, l, t);
    } catch (e) {
      app.rollback();
      throw e;
    }
    await app.commit();
    this.#previous[i] = returned;
    if (firstErr !== undefined) this.#logger.warn({ rule: this.rules[i]!.name, err: errorMessage(firstErr) }, 'Rule sample appending failed');
    return firstErr;
  }

  async #markInheritedStale(t: number): Promise<void> {
    const written = new Set<string>();
    for (const m of this.#previous) for (const k of m.keys()) written.add(k);
    const gone = [...this.#inherited].filter(([k]) => !written.has(k)).map(([, l]) => l);
    this.#inherited = new Map();
    await this.#appendStale(gone, t);
  }

  /**
   * Writes staleness markers at `t` (ms) for every series this group wrote last time (used
   * after it was removed from the configuration). Failures are logged.
   */
  async markStale(t: number): Promise<void> {
    const all: Labels[] = [...this.#inherited.values()];
    for (const m of this.#previous) all.push(...m.values());
    this.#previous = this.rules.map(() => new Map());
    this.#inherited = new Map();
    await this.#appendStale(all, t);
  }

  async #appendStale(series: readonly Labels[], t: number): Promise<void> {
    if (series.length === 0) return;
    try {
      const app = this.#o.appendable.appender();
      for (const l of series) appendStaleMarker(app, l, t);
      await app.commit();
    } catch (e) {
      this.#logger.warn({ err: errorMessage(e) }, 'Writing staleness markers failed');
    }
  }
}

/** `<file>;<group>`: a group's identity across reloads and its `rule_group` label. */
export function groupKey(file: string, name: string): string {
  return `${file};${name}`;
}

/**
 * Appends a staleness marker for `labels` at `t`. A rejected marker is expected (a sample
 * written after it, e.g. by a renamed rule, makes it out of order) and ignored; an error about
 * the whole batch is thrown.
 */
function appendStaleMarker(app: Appender, labels: Labels, t: number): void {
  try {
    app.append(0, labels, t, STALE_NAN);
  } catch (e) {
    if (!isSampleError(e)) throw e;
  }
}

/** A storage error about one sample (out of order, duplicate, too old, …), not the batch. */
function isSampleError(e: unknown): boolean {
  return e instanceof StorageError && !(e instanceof WriteFailedError);
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/** Same kind and `sameAs`. */
function sameRule(a: Rule, b: Rule): boolean {
  if (a instanceof RecordingRule) return b instanceof RecordingRule && a.sameAs(b);
  return b instanceof AlertingRule && a.sameAs(b);
}
