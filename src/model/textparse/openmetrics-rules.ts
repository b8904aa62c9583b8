/**
 * The semantic rules of OpenMetrics 1.0 that go beyond one line's syntax, checked incrementally
 * as the cursor advances (constant work per sample, strings only per family and per metric):
 *
 * - families: metadata (HELP, TYPE, UNIT, each at most once) precedes the family's samples; a
 *   family never reappears, and no name clashes with a sample name of another family (`a_created`
 *   vs counter `a`); sample names must belong to the family (`_total`, `_bucket`, …);
 * - UNIT is a suffix of the family name and absent from info and stateset families;
 * - metrics (a family's samples with one label set, ignoring `le`/`quantile`/the stateset label)
 *   are contiguous; their timestamps never go backwards and are all present or all absent;
 * - MetricPoints (one metric's samples at one time): counters, buckets, counts and sums are not
 *   NaN or negative; histograms have `le` labels, increasing bucket bounds, non-decreasing counts,
 *   a `+Inf` bucket equal to `_count`, `_count` and `_sum` together; gauge histograms likewise
 *   with `_gcount`/`_gsum`; summaries have `quantile` labels in [0, 1]; info values are 1,
 *   stateset values 0 or 1; exemplars only on counter `_total` and (gauge) histogram `_bucket`.
 *
 * `strict: false` tolerates what widespread clients (Go's client_golang) write for observations
 * below zero although OpenMetrics 1.0 forbids it: a histogram `_sum` beside negative bucket
 * bounds, negative summary quantiles and a negative summary `_sum`.
 */
import type { MetricType } from './types.js';
import { ExpositionParseError } from './types.js';
import { NUM, readDecimal, secondsToMs } from './number.js';
import { compareSpans, latin1, quoteSpan, spanEquals, spansEqual } from './strings.js';
import { F_NAME_ESC, SMALL_LABEL_SET } from './scanner.js';
import { SpanSet } from './span-set.js';
import type { LabelSpans } from './scanner.js';

/** Sample name suffixes, indexes into `SUFFIX_TEXT`. */
export const Suffix = { None: 0, Total: 1, Created: 2, Bucket: 3, Count: 4, Sum: 5, GCount: 6, GSum: 7, Info: 8 } as const;
/** The text of each `Suffix`. */
export const SUFFIX_TEXT: readonly string[] = ['', '_total', '_created', '_bucket', '_count', '_sum', '_gcount', '_gsum', '_info'];

/** Which suffixes each OpenMetrics family type allows on its sample names. */
export const OM_SUFFIXES: Readonly<Record<MetricType, readonly number[]>> = {
  counter: [Suffix.Total, Suffix.Created],
  gauge: [Suffix.None],
  histogram: [Suffix.Bucket, Suffix.Count, Suffix.Sum, Suffix.Created],
  gaugehistogram: [Suffix.Bucket, Suffix.GCount, Suffix.GSum],
  summary: [Suffix.None, Suffix.Count, Suffix.Sum, Suffix.Created],
  info: [Suffix.Info],
  stateset: [Suffix.None],
  unknown: [Suffix.None],
};

/** What the rules need from the parser that drives them. */
export interface RuleHost {
  readonly body: Buffer;
  /** Throws an ExpositionParseError at byte offset `p` of the current line. */
  fail(p: number, what: string): never;
  /** The current line number. */
  line(): number;
  /** Decodes a (possibly quoted or escaped) name span. */
  name(s: number, e: number, flags: number): string;
}

/**
 * The parts of the current sample that the rules check, filled in by the parser for each line.
 * A class instance so that its double fields are updated in place (passing doubles as arguments
 * to calls that are not inlined would allocate).
 */
export class SampleInfo {
  value = 0;
  /** Milliseconds; meaningful when `hasTs`. */
  ts = 0;
  hasTs = false;
  /** Byte offsets of the value, the timestamp (-1: none) and the exemplar's `#` (-1: none). */
  valueAt = 0;
  tsAt = -1;
  exemplarAt = -1;
}

class Family {
  readonly name: string;
  readonly nameBytes: Buffer;
  type: MetricType = 'unknown';
  hasType = false;
  hasHelp = false;
  hasUnit = false;
  unit = '';
  hasSamples = false;
  /** The suffixes this family's sample names may have (`OM_SUFFIXES[type]`). */
  allowed: readonly number[] = OM_SUFFIXES.unknown;

  constructor(name: string) {
    this.name = name;
    this.nameBytes = Buffer.from(name, 'utf8');
  }
}

const LE = Buffer.from('le');
const QUANTILE = Buffer.from('quantile');

/** Incremental checker of OpenMetrics 1.0 family, metric and MetricPoint rules; see the file comment. */
export class OpenMetricsRules {
  readonly #h: RuleHost;
  readonly #b: Buffer;
  readonly #strict: boolean;
  /** Family and sample names taken so far -> the family that took them. */
  readonly #reserved = new Map<string, string>();
  #fam: Family | undefined;
  #suffix = 0;

  // The current metric (group): its label spans sorted by name, without the special label.
  #gSp = new Int32Array(64);
  #gN = -1;
  #gHasTs = false;
  #gLastTs = 0;
  #idx = new Int32Array(16);
  /** The number in the current sample's `le` label (buckets), else 0. */
  #num = 0;
  /** The current sample, as the parser filled it in. */
  #info: SampleInfo = new SampleInfo();
  /** The metrics seen in the current family. */
  readonly #metrics: SpanSet;

  // The current MetricPoint.
  #mpOpen = false;
  #mpId = 0;
  #mpLine = 0;
  #mpTs = 0;
  #mpMask = 0;
  #mpBuckets = 0;
  #mpLastLe = 0;
  #mpLastBucket = 0;
  #mpInfSeen = false;
  #mpInf = 0;
  #mpNeg = false;
  #mpCount = 0;
  #mpSum = 0;
  #mpCreated: number | undefined;

  constructor(host: RuleHost, strict: boolean) {
    this.#h = host;
    this.#b = host.body;
    this.#strict = strict;
    this.#metrics = new SpanSet(host.body);
  }

  /** Checks a HELP, TYPE or UNIT line for family `name` whose name starts at byte `at`. */
  metadata(kind: 'HELP' | 'TYPE' | 'UNIT', name: string, at: number, type: MetricType, unit: string): void {
    let f = this.#fam;
    if (f === undefined || f.name !== name) f = this.#startFamily(name, at);
    else if (f.hasSamples) this.#h.fail(at, `${kind} for "${name}" after its samples (metadata must come first)`);
    if (kind === 'HELP') {
      if (f.hasHelp) this.#h.fail(at, `second HELP for "${name}"`);
      f.hasHelp = true;
    } else if (kind === 'TYPE') {
      if (f.hasType) this.#h.fail(at, `second TYPE for "${name}"`);
      f.hasType = true;
      f.type = type;
      f.allowed = OM_SUFFIXES[type];
      for (const sx of OM_SUFFIXES[type]) if (sx !== Suffix.None) this.#reserve(name + SUFFIX_TEXT[sx], name, at);
    } else {
      if (f.hasUnit) this.#h.fail(at, `second UNIT for "${name}"`);
      f.hasUnit = true;
      f.unit = unit;
      if (unit !== '' && !name.endsWith(`_${unit}`)) this.#h.fail(at, `unit "${unit}" is not a suffix of the family name "${name}"`);
    }
    if (f.unit !== '' && (f.type === 'info' || f.type === 'stateset')) this.#h.fail(at, `${f.type} family "${name}" must not have a unit`);
  }

  /** Checks one sample line; `labs` are its label spans, `nameFlags` as in the scanner. */
  sample(nameS: number, nameE: number, nameFlags: number, labs: LabelSpans, pos: SampleInfo): void {
    const h = this.#h;
    this.#info = pos;
    const hasTs = pos.hasTs;
    const ts = pos.ts;
    let f = this.#fam;
    let sx = f === undefined ? -1 : this.#matchSuffix(f, nameS, nameE, nameFlags);
    if (f === undefined || sx < 0) {
      const name = h.name(nameS, nameE, nameFlags);
      if (f !== undefined && name === f.name) {
        const ok = OM_SUFFIXES[f.type].map((x) => `"${name}${SUFFIX_TEXT[x]}"`).join(', ');
        h.fail(nameS, `sample "${name}" does not belong to ${f.type} family "${f.name}" (expected ${ok})`);
      }
      f = this.#startFamily(name, nameS);
      sx = Suffix.None;
    }
    f.hasSamples = true;
    this.#suffix = sx;
    const type = f.type;

    // The label that varies within one metric, and its value.
    let special = -1;
    let num = 0;
    this.#num = 0;
    if ((type === 'histogram' || type === 'gaugehistogram') && sx === Suffix.Bucket) {
      special = this.#findLabel(labs, LE);
      if (special < 0) h.fail(nameE, `histogram bucket "${f.name}_bucket" without "le" label`);
      num = this.#labelNumber(labs, special, true);
      this.#num = num;
    } else if (type === 'summary' && sx === Suffix.None) {
      special = this.#findLabel(labs, QUANTILE);
      if (special < 0) h.fail(nameE, `summary quantile sample "${f.name}" without "quantile" label`);
      num = this.#labelNumber(labs, special, false);
      if (!(num >= 0 && num <= 1)) h.fail(labs.a[special * 5 + 2]!, 'quantile must be between 0 and 1');
    } else if (type === 'stateset') {
      special = this.#findLabel(labs, f.nameBytes);
      if (special < 0) h.fail(nameE, `stateset sample without the label "${f.name}" naming its state`);
    }

    const newGroup = this.#groupChanged(labs, special);
    if (newGroup) {
      this.#closePoint();
      if (!this.#metrics.add(this.#gSp, this.#gN)) h.fail(nameS, `samples of one metric of "${f.name}" must be contiguous; this label set appeared before`);
      this.#gHasTs = hasTs;
      this.#gLastTs = ts;
      this.#openPoint();
    } else {
      if (hasTs !== this.#gHasTs) h.fail(hasTs ? pos.tsAt : pos.valueAt, 'samples of one metric must all have timestamps or all have none');
      if (hasTs && ts < this.#gLastTs) h.fail(pos.tsAt, 'timestamp is older than the previous sample of the same metric');
      this.#gLastTs = ts;
      let fresh = hasTs && ts !== this.#mpTs;
      if (!fresh) {
        // A sample whose place in the current MetricPoint is taken starts the next MetricPoint.
        let taken: boolean;
        if (sx === Suffix.Bucket) taken = this.#mpInfSeen;
        else if (sx === Suffix.None && (type === 'summary' || type === 'stateset')) taken = false;
        else taken = (this.#mpMask & (1 << sx)) !== 0;
        if (taken) {
          if (!hasTs) h.fail(nameS, 'duplicate sample for one metric without timestamps');
          fresh = true;
        }
      }
      if (fresh) {
        this.#closePoint();
        this.#openPoint();
      }
    }
    this.#mpMask |= 1 << sx;
    this.#checkValue(f, sx, pos, labs, special);
    if (pos.exemplarAt >= 0) {
      const ok = (type === 'counter' && sx === Suffix.Total) || ((type === 'histogram' || type === 'gaugehistogram') && sx === Suffix.Bucket);
      if (!ok) h.fail(pos.exemplarAt, 'exemplars are allowed only on counter _total and histogram _bucket samples');
    }
  }

  /** Checks the end of the input (at `# EOF`): closes the last MetricPoint. */
  finish(): void {
    this.#closePoint();
  }

  /** The current family's type, or 'unknown'. */
  familyType(): MetricType {
    return this.#fam?.type ?? 'unknown';
  }

  /** The current family's name as bytes, or undefined before the first family. */
  familyNameBytes(): Buffer | undefined {
    return this.#fam?.nameBytes;
  }

  /** The suffix of the current sample's name. */
  suffix(): number {
    return this.#suffix;
  }

  /** An id of the current MetricPoint, for caches. */
  pointId(): number {
    return this.#mpId;
  }

  /** The `_created` value of the current MetricPoint seen so far, in milliseconds. */
  pointCreated(): number | undefined {
    return this.#mpCreated;
  }

  /** True when `labs` (a `_created` sample's labels) describe the current metric. */
  sameMetric(labs: LabelSpans): boolean {
    return !this.#groupChanged(labs, -1, true);
  }

  /** Checks the value against the family type and feeds the MetricPoint state; `#num` holds the bucket's `le`. */
  #checkValue(f: Family, sx: number, pos: SampleInfo, labs: LabelSpans, special: number): void {
    const h = this.#h;
    const v = pos.value;
    const num = this.#num;
    switch (f.type) {
      case 'counter':
        if (sx === Suffix.Total && !(v >= 0)) h.fail(pos.valueAt, 'counter value must not be negative or NaN');
        break;
      case 'histogram':
      case 'gaugehistogram':
        if (sx === Suffix.Bucket) {
          if (!(v >= 0)) h.fail(pos.valueAt, 'bucket value must not be negative or NaN');
          if (this.#mpBuckets > 0) {
            if (!(num > this.#mpLastLe)) h.fail(labs.a[special * 5 + 2]!, 'bucket "le" values must increase');
            if (v < this.#mpLastBucket) h.fail(pos.valueAt, 'bucket values must not decrease');
          }
          this.#mpBuckets++;
          this.#mpLastLe = num;
          this.#mpLastBucket = v;
          if (num < 0) this.#mpNeg = true;
          if (num === Infinity) {
            this.#mpInfSeen = true;
            this.#mpInf = v;
          }
        } else if (sx === Suffix.Count || sx === Suffix.GCount) {
          if (!(v >= 0)) h.fail(pos.valueAt, 'count must not be negative or NaN');
          this.#mpCount = v;
        } else if (sx === Suffix.Sum || sx === Suffix.GSum) {
          if (v !== v) h.fail(pos.valueAt, 'sum must not be NaN');
          this.#mpSum = v;
        }
        break;
      case 'summary':
        if (sx === Suffix.None && v < 0 && this.#strict) h.fail(pos.valueAt, 'quantile value must not be negative');
        if (sx === Suffix.Count && !(v >= 0)) h.fail(pos.valueAt, 'count must not be negative or NaN');
        if (sx === Suffix.Sum && (v !== v || (v < 0 && this.#strict))) h.fail(pos.valueAt, 'sum must not be negative or NaN');
        break;
      case 'info':
        if (v !== 1) h.fail(pos.valueAt, 'info value must be 1');
        break;
      case 'stateset':
        if (v !== 0 && v !== 1) h.fail(pos.valueAt, 'stateset value must be 0 or 1');
        break;
      default:
        break;
    }
    if (sx === Suffix.Created) this.#mpCreated = secondsToMs(v);
  }

  /** Starts family `name` (closing the current one) after checking that the name is free. */
  #startFamily(name: string, at: number): Family {
    this.#closePoint();
    this.#reserve(name, name, at);
    const f = new Family(name);
    this.#fam = f;
    this.#gN = -1;
    this.#metrics.reset();
    return f;
  }

  /** Records that `name` is taken by family `owner`, failing when another family took it. */
  #reserve(name: string, owner: string, at: number): void {
    const prev = this.#reserved.get(name);
    if (prev !== undefined) {
      const h = this.#h;
      if (prev === owner) h.fail(at, `metric family "${name}" appears again after other families (families must be contiguous)`);
      if (owner === name) h.fail(at, `metric family "${name}" clashes with a sample name of family "${prev}"`);
      h.fail(at, `family "${owner}" needs the sample name "${name}", which family "${prev}" already uses`);
    }
    this.#reserved.set(name, owner);
  }

  /** The suffix by which the sample name extends family `f`'s name, or -1 when it does not belong to `f`. */
  #matchSuffix(f: Family, s: number, e: number, flags: number): number {
    const b = this.#b;
    const nb = f.nameBytes;
    const n = nb.length;
    if ((flags & F_NAME_ESC) !== 0) {
      const name = this.#h.name(s, e, flags);
      if (!name.startsWith(f.name)) return -1;
      const rest = name.slice(f.name.length);
      for (const sx of f.allowed) if (SUFFIX_TEXT[sx] === rest) return sx;
      return -1;
    }
    if (e - s < n) return -1;
    for (let i = 0; i < n; i++) if (b[s + i] !== nb[i]) return -1;
    const rest = e - s - n;
    const allowed = f.allowed;
    for (let i = 0; i < allowed.length; i++) {
      const sx = allowed[i]!;
      const t = SUFFIX_TEXT[sx]!;
      if (t.length === rest && (rest === 0 || spanEquals(b, s + n, e, t))) return sx;
    }
    return -1;
  }

  /** The index of the label called `name` (compared as raw bytes), or -1. */
  #findLabel(labs: LabelSpans, name: Buffer): number {
    const a = labs.a;
    const b = this.#b;
    const n = name.length;
    outer: for (let i = 0; i < labs.n; i++) {
      const s = a[i * 5]!;
      if (a[i * 5 + 1]! - s !== n) continue;
      for (let j = 0; j < n; j++) if (b[s + j] !== name[j]) continue outer;
      return i;
    }
    return -1;
  }

  /** The number in label `i`'s value: a decimal, or `+Inf`/`-Inf` when `allowInf`; never NaN. */
  #labelNumber(labs: LabelSpans, i: number, allowInf: boolean): number {
    const b = this.#b;
    const s = labs.a[i * 5 + 2]!;
    const e = labs.a[i * 5 + 3]!;
    if (allowInf) {
      if (spanEquals(b, s, e, '+Inf')) return Infinity;
      if (spanEquals(b, s, e, '-Inf')) return -Infinity;
    }
    if (!readDecimal(b, s, e)) this.#h.fail(s, `invalid number ${quoteSpan(b, s, e)} in label "${latin1(b, labs.a[i * 5]!, labs.a[i * 5 + 1]!)}"`);
    return NUM.value;
  }

  /**
   * Sorts `labs` (without `special`) by name and compares them with the current metric's labels.
   * Unless `probe`, a different set becomes the current metric.
   */
  #groupChanged(labs: LabelSpans, special: number, probe = false): boolean {
    const b = this.#b;
    const a = labs.a;
    let idx = this.#idx;
    if (idx.length < labs.n) idx = this.#idx = new Int32Array(labs.n * 2);
    let m = 0;
    if (labs.n > SMALL_LABEL_SET) {
      // Many labels (hostile or broken input): n log n instead of insertion sort's n².
      const order: number[] = [];
      for (let i = 0; i < labs.n; i++) if (i !== special) order.push(i);
      order.sort((x, y) => compareSpans(b, a[x * 5]!, a[x * 5 + 1]!, a[y * 5]!, a[y * 5 + 1]!));
      for (const i of order) idx[m++] = i;
    }
    for (let i = 0; i < labs.n && labs.n <= SMALL_LABEL_SET; i++) {
      if (i === special) continue;
      const s = a[i * 5]!;
      const e = a[i * 5 + 1]!;
      let j = m - 1;
      while (j >= 0 && compareSpans(b, a[idx[j]! * 5]!, a[idx[j]! * 5 + 1]!, s, e) > 0) {
        idx[j + 1] = idx[j]!;
        j--;
      }
      idx[j + 1] = i;
      m++;
    }
    const g = this.#gSp;
    let same = m === this.#gN;
    for (let k = 0; same && k < m; k++) {
      const i = idx[k]! * 5;
      same = spansEqual(b, a[i]!, a[i + 1]!, g[k * 4]!, g[k * 4 + 1]!) && spansEqual(b, a[i + 2]!, a[i + 3]!, g[k * 4 + 2]!, g[k * 4 + 3]!);
    }
    if (same || probe) return !same;
    if (g.length < m * 4) this.#gSp = new Int32Array(m * 8);
    const g2 = this.#gSp;
    for (let k = 0; k < m; k++) {
      const i = idx[k]! * 5;
      g2[k * 4] = a[i]!;
      g2[k * 4 + 1] = a[i + 1]!;
      g2[k * 4 + 2] = a[i + 2]!;
      g2[k * 4 + 3] = a[i + 3]!;
    }
    this.#gN = m;
    return true;
  }

  /** Starts a MetricPoint at the current sample (whose timestamp `#info` holds). */
  #openPoint(): void {
    this.#mpOpen = true;
    this.#mpId++;
    this.#mpLine = this.#h.line();
    this.#mpTs = this.#info.ts;
    this.#mpMask = 0;
    this.#mpBuckets = 0;
    this.#mpLastLe = -Infinity;
    this.#mpLastBucket = 0;
    this.#mpInfSeen = false;
    this.#mpInf = 0;
    this.#mpNeg = false;
    this.#mpCount = 0;
    this.#mpSum = 0;
    this.#mpCreated = undefined;
  }

  /** Ends the current MetricPoint, checking the rules that need all of its samples. */
  #closePoint(): void {
    if (!this.#mpOpen) return;
    this.#mpOpen = false;
    const f = this.#fam!;
    if (f.type !== 'histogram' && f.type !== 'gaugehistogram') return;
    const g = f.type === 'histogram';
    const count = g ? Suffix.Count : Suffix.GCount;
    const sum = g ? Suffix.Sum : Suffix.GSum;
    const hasCount = (this.#mpMask & (1 << count)) !== 0;
    const hasSum = (this.#mpMask & (1 << sum)) !== 0;
    const what = `${f.type} "${f.name}"`;
    if (!this.#mpInfSeen) this.#pointFail(`${what} has no bucket with le="+Inf"`);
    if (hasCount !== hasSum) this.#pointFail(`${what} must have both ${SUFFIX_TEXT[count]} and ${SUFFIX_TEXT[sum]} or neither`);
    if (hasCount && this.#mpCount !== this.#mpInf) this.#pointFail(`${what}: ${SUFFIX_TEXT[count]} (${this.#mpCount}) differs from the +Inf bucket (${this.#mpInf})`);
    if (hasSum) {
      if (this.#mpNeg) {
        if (g && this.#strict) this.#pointFail(`${what} has negative bucket bounds, so it must not have _sum`);
      } else if (this.#mpSum < 0) {
        this.#pointFail(`${what}: ${SUFFIX_TEXT[sum]} must not be negative without negative buckets`);
      }
    }
  }

  /** Fails for the current MetricPoint, pointing at its first line. */
  #pointFail(what: string): never {
    throw new ExpositionParseError(this.#mpLine, 1, what);
  }
}
