/**
 * The rule manager: loads the configured rule files into groups, runs them, and swaps them on
 * reload. A reload is all or nothing: `load` parses every file first and throws (naming each
 * file and problem) before anything changes, so a broken file leaves the running rules alone.
 * On `update`, a group whose file, name and rules are unchanged keeps running untouched; a
 * changed group is replaced by a new one that takes over its state (series its dropped rules
 * wrote become stale after its first evaluation); a removed group stops, and two of its
 * intervals later (time for a renamed group to take its series over, as upstream) every series
 * it wrote gets a staleness marker timestamped at its stop.
 */
import { goGlob } from '../config/index.js';
import { ALL_FEATURES } from '../promql/index.js';
import type { Appendable, Queryable } from '../storage/index.js';
import { errorMessage, IgnisError, type Logger, type Registry } from '../util/index.js';
import type { AlertContext } from './alerting-rule.js';
import { Group, groupKey } from './group.js';
import { GroupMetrics } from './group-metrics.js';
import type { NotifyFunc } from './notify.js';
import type { QueryFunc } from './query-func.js';
import { parseRuleFile, type RuleFileOptions, type RuleGroupSpec } from './rule-file.js';

/** Rule files could not be loaded; the message lists every problem with its file. */
export class RuleLoadError extends IgnisError {}

/** What `update` applies: groups parsed from rule files, in file order. */
export interface LoadedRules {
  readonly groups: readonly { readonly file: string; readonly spec: RuleGroupSpec; readonly intervalMs: number }[];
}

/** What the manager needs. */
export interface RuleManagerOptions {
  readonly appendable: Appendable;
  readonly query: QueryFunc;
  readonly logger: Logger;
  /** Where the group metrics are registered (none: not exported). */
  readonly registry?: Registry;
  /** Wall clock in ms since the epoch (default `Date.now`). */
  readonly now?: () => number;
  /** External labels, external URL and template expansion for alerting rules. */
  readonly alertContext?: AlertContext;
  /** Where alerting rules read `ALERTS_FOR_STATE` back after a restart (none: no restore). */
  readonly queryable?: Queryable;
  /** Where alerting rules send their alerts (none: not sent). */
  readonly notify?: NotifyFunc;
  /** `--rules.alert.resend-delay`, ms (default 1m). */
  readonly resendDelayMs?: number;
}

/**
 * Parses the files matching `patterns` (Go glob syntax, as `rule_files`); groups without an
 * interval get `defaultIntervalMs`. Throws `RuleLoadError` listing every problem.
 */
export function loadRules(patterns: readonly string[], defaultIntervalMs: number, options: RuleFileOptions = {}): LoadedRules {
  const errors: string[] = [];
  const groups: LoadedRules['groups'][number][] = [];
  const seen = new Set<string>();
  for (const pattern of patterns) {
    let files: string[];
    try {
      files = goGlob(pattern);
    } catch (err) {
      errors.push(`${pattern}: ${errorMessage(err)}`);
      continue;
    }
    for (const file of files) {
      if (seen.has(file)) continue;
      seen.add(file);
      const parsed = parseRuleFile(file, { parser: ALL_FEATURES, ...options });
      if (parsed.errors.length > 0) {
        errors.push(...parsed.errors.map((e) => e.message));
        continue;
      }
      for (const spec of parsed.groups) groups.push({ file, spec, intervalMs: spec.intervalMs > 0 ? spec.intervalMs : defaultIntervalMs });
    }
  }
  if (errors.length > 0) throw new RuleLoadError(`error loading rules, previous rule set restored: ${errors.join('; ')}`);
  return { groups };
}

/** Runs rule groups; see the module comment. `start` once, `update` any time, `stop` once. */
export class RuleManager {
  readonly #o: RuleManagerOptions;
  readonly #metrics: GroupMetrics;
  readonly #now: () => number;
  #groups = new Map<string, Group>();
  readonly #staleTimers = new Set<NodeJS.Timeout>();
  readonly #staleWrites = new Set<Promise<void>>();
  #started = false;
  #stopped = false;
  /** True after the first `update`: later groups' alerting rules need no `for` state restore. */
  #loadedOnce = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(opts: RuleManagerOptions) {
    this.#o = opts;
    this.#now = opts.now ?? Date.now;
    this.#metrics = new GroupMetrics(opts.registry);
  }

  /** The groups in effect, sorted by file and then by name (upstream's `RuleGroups` order). */
  groups(): readonly Group[] {
    return [...this.#groups.values()].sort((a, b) => (a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Starts every loaded group (and those `update` adds later). */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    for (const g of this.#groups.values()) g.start();
  }

  /** Replaces the running groups by `rules`; serialized with other updates. */
  update(rules: LoadedRules): Promise<void> {
    const run = this.#queue.then(() => this.#update(rules));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #update(rules: LoadedRules): Promise<void> {
    if (this.#stopped) return;
    const old = this.#groups;
    const next = new Map<string, Group>();
    for (const { file, spec, intervalMs } of rules.groups) {
      const key = groupKey(file, spec.name);
      if (next.has(key)) continue; // the parser already reports duplicate group names in a file
      const g = new Group({
        file,
        spec,
        intervalMs,
        appendable: this.#o.appendable,
        query: this.#o.query,
        logger: this.#o.logger,
        metrics: this.#metrics,
        now: this.#now,
        alertContext: this.#o.alertContext,
        shouldRestore: !this.#loadedOnce,
        queryable: this.#o.queryable,
        notify: this.#o.notify,
        resendDelayMs: this.#o.resendDelayMs,
      });
      const prev = old.get(key);
      if (prev && prev.sameAs(g)) {
        next.set(key, prev);
        continue;
      }
      if (prev) {
        await prev.stop();
        g.copyState(prev);
      }
      next.set(key, g);
    }
    this.#loadedOnce = true;
    const removed = [...old.values()].filter((g) => next.get(g.key) === undefined);
    this.#groups = next;
    for (const g of removed) {
      await g.stop();
      this.#metrics.remove(g.key);
      this.#scheduleStale(g, this.#now());
    }
    // Unchanged groups are running already (start is idempotent); replaced ones share their
    // successor's metric series, which the successor's constructor set.
    if (this.#started) for (const g of next.values()) g.start();
  }

  #scheduleStale(g: Group, t: number): void {
    const timer = setTimeout(() => {
      this.#staleTimers.delete(timer);
      const write = g.markStale(t).finally(() => this.#staleWrites.delete(write));
      this.#staleWrites.add(write);
    }, 2 * g.intervalMs);
    this.#staleTimers.add(timer);
  }

  /** Stops every group (waiting for evaluations in progress) and pending staleness writes. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#queue;
    for (const t of this.#staleTimers) clearTimeout(t);
    this.#staleTimers.clear();
    await Promise.all([...this.#groups.values()].map((g) => g.stop()));
    await Promise.all([...this.#staleWrites]);
  }
}
