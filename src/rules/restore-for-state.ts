/**
 * Restoring `for` state after a restart (upstream's `RestoreForState`): a startup group, after
 * its second evaluation, looks up each active alert's `ALERTS_FOR_STATE` series written before
 * the restart (within `outageToleranceMs`) and moves the alert's `activeAt` so that the time it
 * had already spent pending counts:
 *
 * - it was firing already (pending time ≥ `for`): `activeAt` = the stored one;
 * - less than `forGracePeriodMs` of `for` remained: it fires `forGracePeriodMs` from now;
 * - otherwise: the stored `activeAt` shifted by the downtime (the remaining pending time is kept).
 *
 * Rules whose `for` is shorter than the grace period are not restored (they wait their `for`
 * again). Every rule of the group is `restored` afterwards and writes its alert series.
 */
import { MatchType, newMatcher } from '../model/labels/index.js';
import { isStaleNaN } from '../model/value/index.js';
import { ValueType, type Queryable } from '../storage/index.js';
import { AlertingRule, forStateLabels } from './alerting-rule.js';

/** Upstream's defaults: `--rules.alert.for-outage-tolerance` and `--rules.alert.for-grace-period`. */
export const RESTORE_DEFAULTS = { outageToleranceMs: 60 * 60 * 1000, forGracePeriodMs: 10 * 60 * 1000 } as const;

export interface RestoreOptions {
  readonly outageToleranceMs: number;
  readonly forGracePeriodMs: number;
}

/** Restores the alerts of `rules` at `now` (ms) from `queryable`; see the module comment. */
export function restoreForState(rules: readonly AlertingRule[], queryable: Queryable | undefined, now: number, o: RestoreOptions = RESTORE_DEFAULTS): void {
  const q = queryable?.querier(now - o.outageToleranceMs, now);
  try {
    for (const rule of rules) {
      if (q !== undefined && rule.holdMs >= o.forGracePeriodMs) {
        for (const a of rule.activeAlerts()) {
          const stored = lastForState(q, forStateLabels(a));
          if (stored === undefined) continue;
          const downAt = Math.floor(stored.t / 1000) * 1000;
          const storedActiveAt = Math.trunc(stored.v) * 1000;
          const remaining = rule.holdMs - (downAt - storedActiveAt);
          if (remaining <= 0) a.activeAt = storedActiveAt;
          else if (remaining < o.forGracePeriodMs) a.activeAt = now + o.forGracePeriodMs - rule.holdMs;
          else a.activeAt = storedActiveAt + (now - downAt);
        }
      }
      rule.restored = true;
    }
  } finally {
    q?.close();
  }
}

/** The last sample of the series with exactly `labels`, unless it is a staleness marker. */
function lastForState(q: ReturnType<Queryable['querier']>, labels: ReturnType<typeof forStateLabels>): { t: number; v: number } | undefined {
  const matchers: ReturnType<typeof newMatcher>[] = [];
  labels.forEach((n, v) => matchers.push(newMatcher(MatchType.Equal, n, v)));
  const set = q.select(false, undefined, ...matchers);
  while (set.next()) {
    const s = set.at();
    if (s.labels.length !== labels.length) continue;
    const it = s.iterator();
    let seen = false;
    let t = 0;
    let v = 0;
    while (it.next() === ValueType.Float) {
      seen = true;
      t = it.atT();
      v = it.at();
    }
    if (!seen || isStaleNaN(v) || !Number.isFinite(v)) return undefined;
    return { t, v };
  }
  return undefined;
}
