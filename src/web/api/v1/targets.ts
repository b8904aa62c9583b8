/**
 * `/api/v1/targets` (active and dropped targets, `state` and `scrapePool` filters) and
 * `/api/v1/scrape_pools`, in upstream's JSON shape.
 */
import { compareStrings } from '../../../model/labels/index.js';
import { RawJSON, goTimeJSON, labelsJSON, formatJSONNumber } from './json-format.js';
import { jsonString } from '../../../util/index.js';
import type { APIOptions, ApiContext, ApiResult } from './options.js';
import type { ActiveTarget, DroppedTarget } from './retrievers.js';

/** One active target as upstream's `Target` JSON. */
function activeJSON(t: ActiveTarget, pool: string): string {
  return (
    '{"discoveredLabels":' +
    labelsJSON(t.discoveredLabels) +
    ',"labels":' +
    labelsJSON(t.labels) +
    ',"scrapePool":' +
    jsonString(pool) +
    ',"scrapeUrl":' +
    jsonString(t.scrapeUrl) +
    ',"globalUrl":' +
    jsonString(t.globalUrl) +
    ',"lastError":' +
    jsonString(t.lastError) +
    ',"lastScrape":' +
    jsonString(goTimeJSON(t.lastScrape)) +
    ',"lastScrapeDuration":' +
    formatJSONNumber(t.lastScrapeDuration) +
    ',"health":' +
    jsonString(t.health) +
    ',"scrapeInterval":' +
    jsonString(t.scrapeInterval) +
    ',"scrapeTimeout":' +
    jsonString(t.scrapeTimeout) +
    '}'
  );
}

/** One dropped target as upstream's `DroppedTarget` JSON. */
function droppedJSON(t: DroppedTarget): string {
  return '{"discoveredLabels":' + labelsJSON(t.discoveredLabels) + '}';
}

/** Handlers of the target endpoints. */
export function targetHandlers(opts: APIOptions) {
  return {
    /**
     * `GET /targets`: `state` (`active`, `dropped`, `any` or empty for both; any other value
     * lists nothing, as upstream) and `scrapePool` filter; pools in sorted order.
     */
    targets(ctx: ApiContext): ApiResult {
      const pool = ctx.form.get('scrapePool');
      const state = ctx.form.get('state').toLowerCase();
      const showActive = state === '' || state === 'any' || state === 'active';
      const showDropped = state === '' || state === 'any' || state === 'dropped';
      const active: string[] = [];
      const dropped: string[] = [];
      if (showActive && opts.targets) {
        const pools = opts.targets.targetsActive();
        for (const name of [...pools.keys()].sort(compareStrings)) {
          if (pool !== '' && name !== pool) continue;
          for (const t of pools.get(name)!) active.push(activeJSON(t, name));
        }
      }
      if (showDropped && opts.targets) {
        const pools = opts.targets.targetsDropped();
        for (const name of [...pools.keys()].sort(compareStrings)) {
          if (pool !== '' && name !== pool) continue;
          for (const t of pools.get(name)!) dropped.push(droppedJSON(t));
        }
      }
      return { data: new RawJSON('{"activeTargets":[' + active.join(',') + '],"droppedTargets":[' + dropped.join(',') + ']}') };
    },

    /** `GET /scrape_pools`: the sorted names of the scrape pools with targets. */
    scrapePools(): ApiResult {
      const names = new Set<string>();
      if (opts.targets) {
        for (const k of opts.targets.targetsActive().keys()) names.add(k);
        for (const k of opts.targets.targetsDropped().keys()) names.add(k);
      }
      return { data: { scrapePools: [...names].sort(compareStrings) } };
    },
  };
}
