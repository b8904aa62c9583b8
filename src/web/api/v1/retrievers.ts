/**
 * What the API needs from the server's components that `web/` must not import (scrape manager,
 * rule manager, notifier, TSDB). The server wiring (`cmd/server`) adapts the real components
 * to these interfaces; tests pass small fakes. All are read synchronously per request except
 * the admin operations.
 */
import type { Labels } from '../../../model/labels/index.js';
import type { LabelMatcher } from '../../../storage/index.js';

/** Metadata of one metric as scraped from a target (`# TYPE`, `# HELP`, `# UNIT`). */
export interface MetricMetadata {
  /** Metric family name, as written in the exposition (`http_requests_total`, `app_latency_seconds`). */
  readonly metric: string;
  /** `counter`, `gauge`, `histogram`, `gaugehistogram`, `summary`, `info`, `stateset` or `unknown`. */
  readonly type: string;
  readonly help: string;
  readonly unit: string;
}

/** Health of an active target, as upstream prints it. */
export type TargetHealth = 'up' | 'down' | 'unknown';

/** One active scrape target, as `/api/v1/targets` shows it. */
export interface ActiveTarget {
  /** Labels before relabeling (`__address__`, `__meta_*`, …). */
  readonly discoveredLabels: Labels;
  /** Target labels after relabeling (what its series carry). */
  readonly labels: Labels;
  readonly scrapePool: string;
  /** The URL scraped, e.g. `http://127.0.0.1:9100/metrics`. */
  readonly scrapeUrl: string;
  /** The URL with a loopback host replaced by the external hostname (upstream's `globalUrl`). */
  readonly globalUrl: string;
  /** Error of the last scrape, `''` when it succeeded or none ran yet. */
  readonly lastError: string;
  /** Start of the last scrape in ms since the epoch, undefined before the first one. */
  readonly lastScrape: number | undefined;
  /** Duration of the last scrape in seconds (0 before the first one). */
  readonly lastScrapeDuration: number;
  readonly health: TargetHealth;
  /** Scrape interval and timeout as Prometheus durations (`15s`), from `__scrape_interval__`/`__scrape_timeout__`. */
  readonly scrapeInterval: string;
  readonly scrapeTimeout: string;
  /** The metric metadata this target exposed in its last scrapes, in the scrape cache's order. */
  metadataList(): readonly MetricMetadata[];
}

/** A target that relabeling dropped. */
export interface DroppedTarget {
  readonly discoveredLabels: Labels;
  /** The scrape pool it was discovered for (used by the `scrapePool` filter). */
  readonly scrapePool: string;
}

/** Active and dropped targets by scrape pool (upstream's `TargetRetriever`). */
export interface TargetRetriever {
  /** Active targets by scrape pool name; pools are listed in sorted order by the API. */
  targetsActive(): ReadonlyMap<string, readonly ActiveTarget[]>;
  /** Dropped targets by scrape pool name. */
  targetsDropped(): ReadonlyMap<string, readonly DroppedTarget[]>;
}

/** Alertmanager URLs the notifier sends to, and those relabeling dropped. */
export interface AlertmanagerRetriever {
  /** URLs of active Alertmanagers' alert endpoints (`http://am:9093/api/v2/alerts`). */
  alertmanagers(): readonly string[];
  droppedAlertmanagers(): readonly string[];
}

/** One alert of an alerting rule, as `/api/v1/alerts` and `/api/v1/rules` show it. */
export interface AlertInfo {
  readonly labels: Labels;
  readonly annotations: Labels;
  /** `pending` or `firing`. */
  readonly state: string;
  /** When the alert became active, ms since the epoch. */
  readonly activeAt: number | undefined;
  /** When a firing alert went missing while `keep_firing_for` holds it, ms since the epoch. */
  readonly keepFiringSince?: number | undefined;
  /** The sample value that triggered it. */
  readonly value: number;
}

/** One rule of a group; `alerting` rules carry the alert fields. */
export interface RuleInfo {
  readonly type: 'alerting' | 'recording';
  readonly name: string;
  /** The PromQL expression as printed by the parser. */
  readonly query: string;
  readonly labels: Labels;
  /** `ok`, `err` or `unknown`. */
  readonly health: string;
  /** Last evaluation error, `''` when none. */
  readonly lastError: string;
  /** Seconds the last evaluation took. */
  readonly evaluationTime: number;
  /** Start of the last evaluation, ms since the epoch; undefined before the first. */
  readonly lastEvaluation: number | undefined;
  /** Alerting rules only: `for` in seconds, annotations, state (`inactive`, `pending`, `firing`) and alerts. */
  readonly duration?: number;
  /** Alerting rules only: `keep_firing_for` in seconds (0 when absent). */
  readonly keepFiringFor?: number;
  readonly annotations?: Labels;
  readonly state?: string;
  readonly alerts?: readonly AlertInfo[];
}

/** One rule group. */
export interface RuleGroupInfo {
  readonly name: string;
  readonly file: string;
  readonly rules: readonly RuleInfo[];
  /** Evaluation interval in seconds. */
  readonly interval: number;
  /** Series limit per evaluation, 0 for none. */
  readonly limit: number;
  readonly evaluationTime: number;
  readonly lastEvaluation: number | undefined;
}

/** Rule groups and active alerts (upstream's `RulesRetriever`); empty until rules exist. */
export interface RulesRetriever {
  ruleGroups(): readonly RuleGroupInfo[];
  /** Active (pending and firing) alerts of every alerting rule. */
  activeAlerts(): readonly AlertInfo[];
}

/** One row of a `/api/v1/status/tsdb` top-N list. */
export interface TSDBStat {
  readonly name: string;
  readonly value: number;
}

/** Cardinality statistics of the head block, as `/api/v1/status/tsdb` shows them. */
export interface TSDBStats {
  readonly headStats: {
    readonly numSeries: number;
    readonly numLabelPairs: number;
    readonly chunkCount: number;
    /** ms; upstream prints the raw int64 (math.MaxInt64 / MinInt64 for an empty head). */
    readonly minTime: number;
    readonly maxTime: number;
  };
  /** Each list holds at most `limit` rows, largest value first. */
  readonly seriesCountByMetricName: readonly TSDBStat[];
  readonly labelValueCountByLabelName: readonly TSDBStat[];
  readonly memoryInBytesByLabelName: readonly TSDBStat[];
  /** Names are `name=value`. */
  readonly seriesCountByLabelValuePair: readonly TSDBStat[];
}

/** Progress of the WAL replay at startup, in segments. */
export interface WALReplayStatus {
  readonly min: number;
  readonly max: number;
  readonly current: number;
}

/**
 * The TSDB operations and statistics the API exposes (upstream's `TSDBAdminStats`). The admin
 * operations run only with `--web.enable-admin-api`; a rejection becomes a 500 `internal` error.
 */
export interface TSDBAdmin {
  /**
   * Writes a snapshot into `<data dir>/snapshots/<name>` (the API chooses `name`, upstream's
   * `20060102T150405Z-<16 hex>`); with `withHead` the in-memory head is included.
   */
  snapshot(name: string, withHead: boolean): Promise<void>;
  /**
   * Adds tombstones for the samples in `[mint, maxt]` (ms) of every series matching all of
   * each set of `matcherSets`; applied whole or not at all.
   */
  deleteSeries(mint: number, maxt: number, matcherSets: readonly (readonly LabelMatcher[])[]): Promise<void>;
  /** Rewrites blocks without their tombstoned data. */
  cleanTombstones(): Promise<void>;
  /** Head cardinality statistics with top-`limit` lists. */
  stats(limit: number): TSDBStats;
  /** WAL replay progress (all zero when nothing is being replayed). */
  walReplayStatus(): WALReplayStatus;
}
