/**
 * The values of one label name → their postings entry: a `Map`, split into `SHARDS` maps once
 * it holds `SPLIT_AT` values. A `Map` grows by rehashing every entry into a table twice the size
 * in one step: for a label with 500 k values that step took 200–260 ms of one append (74 ms
 * at 262 k); split, each shard rehashes about a sixteenth. Values go to shards by an FNV-1a hash
 * of their code units (of the first and last 16 for long values).
 */

/** Values at which the map splits, and into how many shards. */
const SPLIT_AT = 1 << 13;
const SHARD_BITS = 4;
const SHARDS = 1 << SHARD_BITS;

/** FNV-1a of the value's code units (the first and last 16 of a longer one), top bits. */
function shardOf(v: string): number {
  const n = v.length;
  let h = 0x811c9dc5;
  if (n <= 32) {
    for (let i = 0; i < n; i++) h = Math.imul(h ^ v.charCodeAt(i), 0x01000193);
  } else {
    for (let i = 0; i < 16; i++) h = Math.imul(h ^ v.charCodeAt(i), 0x01000193);
    for (let i = n - 16; i < n; i++) h = Math.imul(h ^ v.charCodeAt(i), 0x01000193);
  }
  return h >>> (32 - SHARD_BITS);
}

export class ValueMap<V> {
  /** One map, or `SHARDS` of them. */
  #one: Map<string, V> | undefined = new Map();
  #shards: Map<string, V>[] | undefined = undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  #mapOf(v: string): Map<string, V> {
    return this.#one ?? this.#shards![shardOf(v)]!;
  }

  get(v: string): V | undefined {
    return this.#mapOf(v).get(v);
  }

  has(v: string): boolean {
    return this.#mapOf(v).has(v);
  }

  set(v: string, e: V): void {
    const m = this.#mapOf(v);
    const n = m.size;
    m.set(v, e);
    if (m.size === n) return;
    this.#size++;
    if (this.#one !== undefined && this.#size >= SPLIT_AT) this.#split();
  }

  delete(v: string): boolean {
    if (!this.#mapOf(v).delete(v)) return false;
    this.#size--;
    return true;
  }

  /** The values, in no particular order (the map's own iterator while it is not split). */
  keys(): IterableIterator<string> {
    return this.#one?.keys() ?? shardKeys(this.#shards!);
  }

  values(): IterableIterator<V> {
    return this.#one?.values() ?? shardValues(this.#shards!);
  }

  entries(): IterableIterator<[string, V]> {
    return this.#one?.entries() ?? shardEntries(this.#shards!);
  }

  /** The underlying maps (one, or the shards), to iterate with their native iterators; read-only. */
  maps(): readonly ReadonlyMap<string, V>[] {
    return this.#one !== undefined ? [this.#one] : this.#shards!;
  }

  #split(): void {
    const shards: Map<string, V>[] = [];
    for (let i = 0; i < SHARDS; i++) shards.push(new Map());
    for (const [v, e] of this.#one!) shards[shardOf(v)]!.set(v, e);
    this.#shards = shards;
    this.#one = undefined;
  }
}

function* shardKeys<V>(shards: readonly Map<string, V>[]): IterableIterator<string> {
  for (const m of shards) yield* m.keys();
}

function* shardValues<V>(shards: readonly Map<string, V>[]): IterableIterator<V> {
  for (const m of shards) yield* m.values();
}

function* shardEntries<V>(shards: readonly Map<string, V>[]): IterableIterator<[string, V]> {
  for (const m of shards) yield* m.entries();
}
