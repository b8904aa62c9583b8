/**
 * `/api/v1/labels` (GET and POST) and `/api/v1/label/<name>/values` (GET): sorted label names
 * and values within `[start, end]`, optionally restricted to series matching `match[]`.
 */
import { compareStrings, isValidLabelName, quoteString } from '../../../model/labels/index.js';
import type { LabelMatcher, Querier, SelectHints } from '../../../storage/index.js';
import type { APIOptions, ApiContext, ApiResult } from './options.js';
import { MAX_TIME_MS, MIN_TIME_MS, ParamError, parseLimitParam, parseMatchersParam, parseTimeParam } from './params.js';
import { TRUNCATED_WARNING, param, queryError } from './query.js';
import { prefetchSets } from './series.js';
import { badData } from './respond.js';

/**
 * Prometheus 3's `model.UnescapeName` for the `U__` value-encoding escape (`U__a_2e_b` is
 * `a.b`, `__` is `_`); a malformed escape leaves `name` unchanged.
 */
export function unescapeName(name: string): string {
  if (!name.startsWith('U__')) return name;
  const s = name.slice(3);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '_') {
      out += s[i];
      continue;
    }
    i++;
    if (i >= s.length) return name;
    if (s[i] === '_') {
      out += '_';
      continue;
    }
    let cp = 0;
    let j = 0;
    for (; i < s.length && s[i] !== '_'; i++, j++) {
      if (j >= 6) return name;
      const d = parseInt(s[i]!, 16);
      if (Number.isNaN(d)) return name;
      cp = cp * 16 + d;
    }
    if (i >= s.length || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return name;
    out += String.fromCodePoint(cp);
  }
  return out;
}

/** Sorted union of `fn(set)` over the matcher sets, or `fn([])` without sets. */
function union(sets: readonly LabelMatcher[][], fn: (set: LabelMatcher[]) => string[]): string[] {
  if (sets.length === 0) return fn([]);
  if (sets.length === 1) return fn(sets[0]!);
  const all = new Set<string>();
  for (const set of sets) for (const v of fn(set)) all.add(v);
  return [...all].sort(compareStrings);
}

/** Start, end, limit and `match[]` sets of a metadata query, parsed as upstream. */
function metaParams(ctx: ApiContext): { start: number; end: number; limit: number; sets: LabelMatcher[][] } {
  const f = ctx.form;
  const start = param('start', () => parseTimeParam(f, 'start', MIN_TIME_MS));
  const end = param('end', () => parseTimeParam(f, 'end', MAX_TIME_MS));
  const limit = param('limit', () => parseLimitParam(f.get('limit')));
  let sets: LabelMatcher[][];
  try {
    sets = parseMatchersParam(f.all('match[]'));
  } catch (e) {
    // Upstream answers these without the parameter prefix.
    throw e instanceof ParamError ? badData(e.message, e) : e;
  }
  return { start, end, limit, sets };
}

/**
 * Runs `fn` on a querier for `[start, end]`, closing it, and answers the sorted string list.
 * With `match[]`, remote read sources load the series of each set first (`prefetchSets`).
 */
async function listAnswer(opts: APIOptions, ctx: ApiContext, p: ReturnType<typeof metaParams>, fn: (q: Querier, hints: SelectHints, set: LabelMatcher[]) => string[]): Promise<ApiResult> {
  if (p.end < p.start) return { data: [] };
  const hints: SelectHints = { start: p.start, end: p.end, ...(p.limit > 0 ? { limit: p.limit } : {}) };
  let querier: Querier;
  try {
    querier = opts.queryable.querier(p.start, p.end);
  } catch (e) {
    throw queryError(e as Error);
  }
  let list: string[];
  try {
    if (p.sets.length > 0) await prefetchSets(querier, p.sets, { ...hints, func: 'series' }, ctx.signal);
    list = union(p.sets, (set) => fn(querier, hints, set));
  } catch (e) {
    throw queryError(e as Error);
  } finally {
    querier.close();
  }
  const warnings: string[] = [];
  if (p.limit > 0 && list.length > p.limit) {
    list = list.slice(0, p.limit);
    warnings.push(TRUNCATED_WARNING);
  }
  return { data: list, warnings };
}

/** Handlers of the label endpoints. */
export function labelHandlers(opts: APIOptions) {
  const scheme = opts.nameValidationScheme ?? 'utf8';
  return {
    /** `GET|POST /labels`. */
    labelNames(ctx: ApiContext): Promise<ApiResult> {
      const p = metaParams(ctx);
      return listAnswer(opts, ctx, p, (q, hints, set) => q.labelNames(hints, ...set));
    },

    /** `GET /label/<name>/values`. */
    labelValues(ctx: ApiContext): Promise<ApiResult> {
      const raw = ctx.params['name'] ?? '';
      const name = unescapeName(raw);
      if (!isValidLabelName(name, scheme)) throw badData(`invalid label name: ${quoteString(name)}`);
      const p = metaParams(ctx);
      return listAnswer(opts, ctx, p, (q, hints, set) => q.labelValues(name, hints, ...set));
    },
  };
}
