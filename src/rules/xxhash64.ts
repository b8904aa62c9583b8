/**
 * XXH64 (xxHash, 64-bit, seed 0) of a byte string, as a BigInt: the hash Prometheus' label sets
 * use (`labels.Labels.Hash`), needed here only to place rule groups at upstream's phase of their
 * interval. Written from the published algorithm; BigInt arithmetic is slow but this runs once
 * per group and reload.
 */
const M = (1n << 64n) - 1n;
const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;

function rotl(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & M;
}

function round(acc: bigint, input: bigint): bigint {
  return (rotl((acc + input * P2) & M, 31n) * P1) & M;
}

function merge(acc: bigint, v: bigint): bigint {
  return (((acc ^ round(0n, v)) * P1 + P4) & M);
}

/** XXH64 of `b` with seed 0. */
export function xxhash64(b: Uint8Array): bigint {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = b.length;
  let i = 0;
  let h: bigint;
  if (n >= 32) {
    let v1 = (P1 + P2) & M;
    let v2 = P2;
    let v3 = 0n;
    let v4 = (M + 1n - P1) & M;
    for (; i + 32 <= n; i += 32) {
      v1 = round(v1, dv.getBigUint64(i, true));
      v2 = round(v2, dv.getBigUint64(i + 8, true));
      v3 = round(v3, dv.getBigUint64(i + 16, true));
      v4 = round(v4, dv.getBigUint64(i + 24, true));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M;
    h = merge(merge(merge(merge(h, v1), v2), v3), v4);
  } else {
    h = P5;
  }
  h = (h + BigInt(n)) & M;
  for (; i + 8 <= n; i += 8) h = ((rotl(h ^ round(0n, dv.getBigUint64(i, true)), 27n) * P1 + P4) & M);
  if (i + 4 <= n) {
    h = ((rotl(h ^ ((BigInt(dv.getUint32(i, true)) * P1) & M), 23n) * P2 + P3) & M);
    i += 4;
  }
  for (; i < n; i++) h = (rotl(h ^ ((BigInt(b[i]!) * P5) & M), 11n) * P1) & M;
  h ^= h >> 33n;
  h = (h * P2) & M;
  h ^= h >> 29n;
  h = (h * P3) & M;
  h ^= h >> 32n;
  return h;
}

/**
 * Prometheus' `Labels.Hash()` of a sorted label set given as `[name, value, …]`: XXH64 of every
 * name and value, each followed by the byte 0xff.
 */
export function prometheusLabelsHash(sortedFlat: readonly string[]): bigint {
  const parts: Buffer[] = [];
  for (const s of sortedFlat) parts.push(Buffer.from(s, 'utf8'), Buffer.from([0xff]));
  return xxhash64(Buffer.concat(parts));
}
