/**
 * The shared harness' node_exporter-like series model (`../shared/bench/model.mjs`, the data
 * BASELINE.md measured Prometheus with), typed for the benches that generate data from it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Labels } from '../../src/model/labels/index.js';

/** One target's series: metric names, label strings (`{a="b",…}`) and value divisors. */
export interface ModelTarget {
  n: number;
  names: string[];
  labs: string[];
  div: Float64Array;
}

/** A target's evolving values: `step()` advances one scrape, `v[i] / div[i]` is series i's value. */
export interface ModelState {
  v: Float64Array;
  step(): void;
}

export interface SharedModel {
  buildTarget(o: { seed: number; target: number; series: number }): ModelTarget;
  TargetState: new (m: ModelTarget, seed: number, target: number) => ModelState;
}

/** The model module from `../shared` beside the repository (or the working directory), or undefined when absent. */
export async function loadSharedModel(): Promise<SharedModel | undefined> {
  const candidates = [new URL('../../../../shared/bench/model.mjs', import.meta.url), new URL(`file://${join(process.cwd(), '../shared/bench/model.mjs')}`)];
  const found = candidates.find((u) => existsSync(u));
  return found === undefined ? undefined : ((await import(found.href)) as SharedModel);
}

/** Labels of one model series: `__name__` = `name`, the pairs of `labs` (`{a="b",…}`), then `extra` name/value pairs. */
export function modelSeriesLabels(name: string, labs: string, extra: readonly string[]): Labels {
  const kv = ['__name__', name, ...extra];
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(labs); m; m = re.exec(labs)) kv.push(m[1]!, m[2]!);
  return Labels.fromStrings(...kv);
}
