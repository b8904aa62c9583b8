/**
 * Label-set edits on the evaluation's hot paths, done as one pass over sorted pairs instead of
 * through `LabelsBuilder` (a map of changes, then a sort of every name) or a rest-argument
 * `without(...)`: a join copies labels from the "one" side into each of thousands of results.
 */
import { Labels, compareStrings } from '../../model/labels/index.js';

/** `names` sorted in label order (`compareStrings`) without repeats: the form `copyLabels` takes. */
export function sortedNames(names: readonly string[]): string[] {
  const out = [...new Set(names)].sort(compareStrings);
  return out;
}

/**
 * `base` with each label of `names` (sorted, unique: `sortedNames`) set to its value in `from`,
 * or removed where `from` lacks it; all other labels of `base` kept. Equals
 * `base.builder()` with `set(name, from.get(name))` for every name, then `labels()`.
 */
export function copyLabels(base: Labels, names: readonly string[], from: Labels): Labels {
  const n = base.length;
  const k = names.length;
  const kv: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < k) {
    if (j >= k) {
      kv.push(base.nameAt(i), base.valueAt(i));
      i++;
      continue;
    }
    const name = names[j]!;
    const c = i < n ? compareStrings(base.nameAt(i), name) : 1;
    if (c < 0) {
      kv.push(base.nameAt(i), base.valueAt(i));
      i++;
      continue;
    }
    if (c === 0) i++;
    const v = from.get(name);
    if (v !== '') kv.push(name, v);
    j++;
  }
  return Labels.fromSortedFlat(kv);
}

/** `labels` without the labels in `names` (any order); `labels` itself when it has none of them. */
export function dropLabels(labels: Labels, names: readonly string[]): Labels {
  const n = labels.length;
  let first = -1;
  for (let i = 0; i < n; i++) {
    if (names.includes(labels.nameAt(i))) {
      first = i;
      break;
    }
  }
  if (first < 0) return labels;
  const kv: string[] = [];
  for (let i = 0; i < first; i++) kv.push(labels.nameAt(i), labels.valueAt(i));
  for (let i = first + 1; i < n; i++) {
    const name = labels.nameAt(i);
    if (!names.includes(name)) kv.push(name, labels.valueAt(i));
  }
  return Labels.fromSortedFlat(kv);
}
