/**
 * `QueryFunc`: how rules reach the PromQL engine (late binding, so that `rules/` needs no
 * engine or storage of its own). `engineQueryFunc` binds one to an `Engine` and a `Queryable`.
 */
import { Labels } from '../model/labels/index.js';
import type { Engine, Expr, Sample } from '../promql/index.js';
import type { Queryable } from '../storage/index.js';

/**
 * Evaluates `expr` (whose text is `query`) as an instant query at `t` (ms) and resolves with
 * its samples; a scalar result is one sample without labels. Rejects with the engine's error,
 * or when the result is a string or range vector.
 */
export type QueryFunc = (expr: Expr, query: string, t: number) => Promise<Sample[]>;

/** A `QueryFunc` over `engine` reading `queryable` (upstream's `EngineQueryFunc`). */
export function engineQueryFunc(engine: Engine, queryable: Queryable): QueryFunc {
  return async (expr, query, t) => {
    const r = await engine.instantQueryOf(queryable, expr, query, t).exec();
    if (r.error) throw r.error;
    const v = r.value;
    if (v?.type === 'vector') return v.samples;
    if (v?.type === 'scalar') return [{ metric: Labels.EMPTY, t: v.t, f: v.v, dropName: false }];
    throw new Error('rule result is not a vector or scalar');
  };
}
