/**
 * `/api/v1/metadata` (metric metadata merged over all targets) and `/api/v1/targets/metadata`
 * (per target), from the scrape caches through `TargetRetriever`.
 */
import { compareStrings } from '../../../model/labels/index.js';
import { parseMetricSelector } from '../../../promql/index.js';
import { RawJSON, labelsJSON } from './json-format.js';
import { jsonString } from '../../../util/index.js';
import type { APIOptions, ApiContext, ApiResult } from './options.js';
import { parseGoInt } from './params.js';
import { param } from './query.js';
import type { ActiveTarget, MetricMetadata } from './retrievers.js';
import { badData } from './respond.js';

/** A limit parameter as upstream's metadata endpoints read it: -1 (none) when empty, any int otherwise. */
function intLimit(ctx: ApiContext, name: string): number {
  const s = ctx.form.get(name);
  if (s === '') return -1;
  try {
    return parseGoInt(s);
  } catch {
    throw badData(`${name} must be a number`);
  }
}

/** Active targets in upstream's order for these endpoints (pools sorted by name). */
function activeTargets(opts: APIOptions): ActiveTarget[] {
  const pools = opts.targets?.targetsActive();
  if (!pools) return [];
  const out: ActiveTarget[] = [];
  for (const name of [...pools.keys()].sort(compareStrings)) out.push(...pools.get(name)!);
  return out;
}

/** Handlers of the metadata endpoints. */
export function metadataHandlers(opts: APIOptions) {
  return {
    /**
     * `GET /metadata`: metric name → distinct `{type, help, unit}` over all targets, metric
     * names sorted; `limit` caps the metrics (negative: none), `limit_per_metric` the entries
     * per metric, `metric` selects one.
     */
    metricMetadata(ctx: ApiContext): ApiResult {
      const limit = intLimit(ctx, 'limit');
      const perMetric = intLimit(ctx, 'limit_per_metric');
      const metric = ctx.form.get('metric');
      const byName = new Map<string, MetricMetadata[]>();
      for (const t of activeTargets(opts)) {
        for (const md of t.metadataList()) {
          if (metric !== '' && md.metric !== metric) continue;
          let list = byName.get(md.metric);
          if (!list) byName.set(md.metric, (list = []));
          if (!list.some((o) => o.type === md.type && o.help === md.help && o.unit === md.unit)) list.push(md);
        }
      }
      const names = [...byName.keys()].sort(compareStrings);
      const out = new Map<string, { type: string; help: string; unit: string }[]>();
      for (const name of names) {
        if (limit >= 0 && out.size >= limit) break;
        let list = byName.get(name)!;
        if (perMetric > 0 && list.length > perMetric) list = list.slice(0, perMetric);
        out.set(
          name,
          list.map((m) => ({ type: m.type, help: m.help, unit: m.unit })),
        );
      }
      return { data: out };
    },

    /**
     * `GET /targets/metadata`: `{target, metric, type, help, unit}` per target and metric;
     * `match_target` filters targets by a selector over their labels, `metric` selects one
     * metric (then `metric` is left out of the entries), `limit` stops after the target that
     * reached it (upstream's check is per target).
     */
    targetMetadata(ctx: ApiContext): ApiResult {
      const limit = intLimit(ctx, 'limit');
      const matchTarget = ctx.form.get('match_target');
      const matchers = matchTarget === '' ? undefined : param('match_target', () => parseMetricSelector(matchTarget));
      const metric = ctx.form.get('metric');
      const parts: string[] = [];
      for (const t of activeTargets(opts)) {
        if (limit >= 0 && parts.length >= limit) break;
        if (matchers && !matchers.every((m) => m.matches(t.labels.get(m.name)))) continue;
        const target = labelsJSON(t.labels);
        for (const md of t.metadataList()) {
          if (metric !== '' && md.metric !== metric) continue;
          parts.push(
            '{"target":' + target + (metric === '' ? ',"metric":' + jsonString(md.metric) : '') + ',"type":' + jsonString(md.type) + ',"help":' + jsonString(md.help) + ',"unit":' + jsonString(md.unit) + '}',
          );
          if (metric !== '') break;
        }
      }
      return { data: new RawJSON('[' + parts.join(',') + ']') };
    },
  };
}
