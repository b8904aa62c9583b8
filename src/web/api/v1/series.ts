/**
 * `/api/v1/series` (GET and POST; DELETE answers upstream's `not implemented`): the label sets
 * of series matching any `match[]` selector within `[start, end]`, sorted and de-duplicated.
 */
import { Labels } from '../../../model/labels/index.js';
import type { LabelMatcher, Querier, SelectHints } from '../../../storage/index.js';
import { RawJSON, labelsJSON } from './json-format.js';
import type { APIOptions, ApiContext, ApiResult } from './options.js';
import { MAX_TIME_MS, MIN_TIME_MS, parseLimitParam, parseMatchersParam, parseTimeParam } from './params.js';
import { TRUNCATED_WARNING, param, queryError } from './query.js';
import { ApiError, ErrorType, badData } from './respond.js';

/**
 * Every distinct series of `querier` matching any of `sets`, sorted by labels, with the
 * storages' warnings. Errors of the series sets are thrown as API errors.
 */
export function selectSeries(querier: Querier, sets: readonly LabelMatcher[][], hints: SelectHints): { series: Labels[]; warnings: string[] } {
  const byHash = new Map<number, Labels[]>();
  const out: Labels[] = [];
  const warnings: string[] = [];
  for (const set of sets) {
    if (set.length === 0) continue;
    const ss = querier.select(sets.length > 1, hints, ...set);
    while (ss.next()) {
      const l = ss.at().labels;
      const h = l.hash();
      const same = byHash.get(h);
      if (same?.some((o) => o.equals(l))) continue;
      if (same) same.push(l);
      else byHash.set(h, [l]);
      out.push(l);
    }
    const err = ss.err();
    if (err) throw queryError(err);
    for (const w of ss.warnings()) if (!warnings.includes(w)) warnings.push(w);
  }
  out.sort(Labels.compare);
  return { series: out, warnings };
}

/**
 * Lets a querier with asynchronous sources (remote read) load the selects `sets` will make
 * (see `Querier.prefetch`); nothing to do for the plain local storage.
 */
export async function prefetchSets(querier: Querier, sets: readonly LabelMatcher[][], hints: SelectHints, signal: AbortSignal): Promise<void> {
  if (!querier.prefetch) return;
  const selects = sets.filter((s) => s.length > 0).map((matchers) => ({ matchers, hints }));
  try {
    await querier.prefetch(selects, signal);
  } catch (e) {
    throw queryError(e as Error);
  }
}

/** Handlers of `/series`. */
export function seriesHandlers(opts: APIOptions) {
  return {
    /** `GET|POST /series`. */
    async series(ctx: ApiContext): Promise<ApiResult> {
      const f = ctx.form;
      if (f.error !== undefined) throw badData(`error parsing form values: ${f.error}`);
      const matches = f.all('match[]');
      if (matches.length === 0) throw badData('no match[] parameter provided');
      const start = param('start', () => parseTimeParam(f, 'start', MIN_TIME_MS));
      const end = param('end', () => parseTimeParam(f, 'end', MAX_TIME_MS));
      const limit = param('limit', () => parseLimitParam(f.get('limit')));
      const sets = param('match[]', () => parseMatchersParam(matches));
      if (end < start) return { data: new RawJSON('[]') };
      const hints: SelectHints = { start, end, func: 'series', ...(limit > 0 ? { limit } : {}) };
      let querier: Querier;
      try {
        querier = opts.queryable.querier(start, end);
      } catch (e) {
        throw queryError(e as Error);
      }
      try {
        await prefetchSets(querier, sets, hints, ctx.signal);
        const { series, warnings } = selectSeries(querier, sets, hints);
        let list = series;
        if (limit > 0 && list.length > limit) {
          list = list.slice(0, limit);
          warnings.push(TRUNCATED_WARNING);
        }
        let json = '[';
        for (let i = 0; i < list.length; i++) json += (i > 0 ? ',' : '') + labelsJSON(list[i]!);
        return { data: new RawJSON(json + ']'), warnings };
      } finally {
        querier.close();
      }
    },

    /** `DELETE /series`: a Prometheus 1.x leftover that upstream answers with 500 `not implemented`. */
    dropSeries(): ApiResult {
      throw new ApiError(ErrorType.Internal, 'not implemented');
    },
  };
}
