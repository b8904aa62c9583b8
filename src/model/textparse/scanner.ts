/**
 * The byte scanner both exposition parsers build on: character classes, quoted strings, label
 * sets recorded as spans of the body (no strings until `labels()`), positions for errors.
 */
import { Labels, ScratchLabels, METRIC_NAME, compareStrings } from '../labels/index.js';
import { ExpositionParseError } from './types.js';
import type { SeriesKeyCache } from './series-key-cache.js';
import { describeByte, Escapes, invalidUtf8At, latin1, spanEquals, spansEqual, unescapeSpan, utf8 } from './strings.js';

/** Line feed: ends every line. */
export const NL = 0x0a;
/** Space: the separator of OpenMetrics, one of the blanks of text 0.0.4. */
export const SP = 0x20;
/** Tab: a blank in text 0.0.4, invalid in OpenMetrics. */
export const TAB = 0x09;
/** `#`: starts comments, metadata and exemplars. */
export const HASH = 0x23;
/** `"`: quotes label values and UTF-8 names. */
export const QUOTE = 0x22;
/** `\`: starts an escape inside quotes and HELP text. */
export const BACKSLASH = 0x5c;
/** `{`: opens a label set. */
export const LBRACE = 0x7b;
/** `}`: closes a label set. */
export const RBRACE = 0x7d;
/** `,`: separates labels. */
export const COMMA = 0x2c;
/** `=`: separates a label name from its value. */
export const EQUALS = 0x3d;

/** Class bit: may start a metric name. */
export const NAME_START = 1;
/** Class bit: may continue a metric name. */
export const NAME_CHAR = 2;
/** Class bit: may start a label name. */
export const LABEL_START = 4;
/** Class bit: may continue a label name. */
export const LABEL_CHAR = 8;

/** `CLS[byte]` holds the class bits of a byte: metric names `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names `[a-zA-Z_][a-zA-Z0-9_]*`. */
export const CLS: Uint8Array = (() => {
  const t = new Uint8Array(256);
  const set = (from: number, to: number, bits: number): void => {
    for (let c = from; c <= to; c++) t[c]! |= bits;
  };
  set(0x61, 0x7a, NAME_START | NAME_CHAR | LABEL_START | LABEL_CHAR); // a-z
  set(0x41, 0x5a, NAME_START | NAME_CHAR | LABEL_START | LABEL_CHAR); // A-Z
  set(0x5f, 0x5f, NAME_START | NAME_CHAR | LABEL_START | LABEL_CHAR); // _
  set(0x3a, 0x3a, NAME_START | NAME_CHAR); // :
  set(0x30, 0x39, NAME_CHAR | LABEL_CHAR); // 0-9
  return t;
})();

/** `STOP[byte]` is 1 for bytes that end the fast scan of a quoted string: `"`, `\\`, line break, non-ASCII. */
const STOP: Uint8Array = (() => {
  const t = new Uint8Array(256);
  t[QUOTE] = 1;
  t[BACKSLASH] = 1;
  t[NL] = 1;
  t.fill(1, 0x80);
  return t;
})();

/** Label sets larger than this are checked with hashing rather than pairwise comparison. */
export const SMALL_LABEL_SET = 32;

/** Span flag: the name was written as a quoted string. */
export const F_NAME_QUOTED = 1;
/** Name flag: a bare (unquoted, ASCII) metric name; `nameFlags` 0 means "no name yet". */
export const F_NAME_BARE = 8;
/** Span flag: the quoted name contains escapes. */
export const F_NAME_ESC = 2;
/** Span flag: the label value contains escapes. */
export const F_VALUE_ESC = 4;

/** A reusable list of label spans: `[nameStart, nameEnd, valueStart, valueEnd, flags]` per label, offsets into the body. */
export class LabelSpans {
  /** The spans, five ints per label; only the first `5 * n` are meaningful. */
  a: Int32Array = new Int32Array(5 * 16);
  /** The number of labels. */
  n = 0;

  /** Doubles the backing array (keeping its contents) and returns it. */
  grow(): Int32Array {
    const bigger = new Int32Array(this.a.length * 2);
    bigger.set(this.a);
    this.a = bigger;
    return bigger;
  }

  /** Removes the i-th label. */
  remove(i: number): void {
    this.a.copyWithin(i * 5, (i + 1) * 5, this.n * 5);
    this.n--;
  }
}

/** Shared state and scanning for both parsers; subclasses implement the line grammar. */
export abstract class ScannerBase {
  protected readonly b: Buffer;
  protected readonly end: number;
  /** Next unread byte. */
  protected pos = 0;
  /** 1-based line number of the current entry. */
  protected lineNo = 0;
  /** Offset of the first byte of the current line. */
  protected lineStart = 0;

  /** Metric name span of the current series or metadata line; `nameFlags` 0 means no name yet. */
  protected nameS = 0;
  protected nameE = 0;
  protected nameFlags = 0;
  /** Series key span (name and label set as written). */
  protected keyS = 0;
  protected keyE = 0;
  protected readonly labs = new LabelSpans();
  protected val = 0;
  protected ts = 0;
  protected hasTs = false;
  /** Escape flag of the last quoted string scanned. */
  protected qEsc = 0;

  #scratch = new ScratchLabels();
  #interned = new Map<string, string>();
  /** Where series keys come from when given; see `SeriesKeyCache`. */
  protected readonly keyCache: SeriesKeyCache | undefined;
  /** The current series' key when it is already known (taken from the key cache), else undefined. */
  protected knownKey: string | undefined;

  constructor(body: Buffer, keyCache: SeriesKeyCache | undefined) {
    this.b = body;
    this.end = body.length;
    this.keyCache = keyCache;
    keyCache?.begin(body);
  }

  /** The 1-based line number of the current entry. */
  line(): number {
    return this.lineNo;
  }

  /** Throws an ExpositionParseError for byte offset `p` of the current line. */
  protected fail(p: number, what: string): never {
    throw new ExpositionParseError(this.lineNo, p - this.lineStart + 1, what);
  }

  /** `what` followed by the byte found at `p`, for "expected X, found Y" messages. */
  protected found(p: number, what: string): never {
    this.fail(p, `${what}, found ${describeByte(p < this.end ? this.b[p] : undefined)}`);
  }

  /**
   * Scans the quoted string whose opening quote is at `p`; returns the offset of the closing quote.
   * Sets `qEsc` when the string contains escapes. Line breaks and invalid UTF-8 are errors.
   */
  protected scanQuoted(p: number): number {
    const b = this.b;
    const end = this.end;
    let q = p + 1;
    let esc = 0;
    let hi = 0;
    for (;;) {
      while (q < end && STOP[b[q]!] === 0) q++;
      if (q >= end) this.fail(p, 'unterminated quoted string');
      const c = b[q]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        esc = 1;
        if (q + 1 >= end || b[q + 1] === NL) this.fail(p, 'unterminated quoted string');
        hi |= b[q + 1]!;
        q += 2;
        continue;
      }
      if (c === NL) this.fail(q, 'line break inside a quoted string');
      hi |= c;
      q++;
    }
    if ((hi & 0x80) !== 0) {
      const bad = invalidUtf8At(b, p + 1, q);
      if (bad >= 0) this.fail(bad, 'invalid UTF-8 in quoted string');
    }
    this.qEsc = esc;
    return q;
  }

  /**
   * Records the bare metric name starting at `start` (whose byte must be a name start) as the
   * current name, up to the first non-name byte before `limit`; returns the offset after it.
   */
  protected scanBareName(start: number, limit: number): number {
    const b = this.b;
    let p = start + 1;
    while (p < limit && (CLS[b[p]!]! & NAME_CHAR) !== 0) p++;
    this.nameS = start;
    this.nameE = p;
    this.nameFlags = F_NAME_BARE;
    return p;
  }

  /**
   * Records the family name of a HELP/TYPE/UNIT line at `p` — a bare name, or a non-empty quoted
   * one (Prometheus 3) — as the current name; returns the offset after it (after the closing
   * quote). Fails with `expected metric name` when neither starts before `limit`.
   */
  protected scanFamilyName(p: number, limit: number): number {
    const b = this.b;
    if (p < limit && b[p] === QUOTE) {
      const e = this.scanQuoted(p);
      if (e === p + 1) this.fail(p, 'empty quoted name');
      this.nameS = p + 1;
      this.nameE = e;
      this.nameFlags = F_NAME_QUOTED | (this.qEsc ? F_NAME_ESC : 0);
      return e + 1;
    }
    if (p >= limit || (CLS[b[p]!]! & NAME_START) === 0) this.found(p, 'expected metric name');
    return this.scanBareName(p, limit);
  }

  /**
   * Scans a label set from just after `{` to just after `}` into `spans`. `lenient` allows blanks
   * around tokens and a trailing comma (text 0.0.4). With `allowName`, a lone quoted string is the
   * metric name (`{"my.metric", a="b"}`), stored in `nameS`/`nameE`. Rejects duplicate label names.
   */
  protected scanLabels(p: number, spans: LabelSpans, lenient: boolean, allowName: boolean): number {
    const b = this.b;
    const end = this.end;
    let a: Int32Array = spans.a;
    let n = 0;
    let afterComma = false;
    for (;;) {
      let c = p < end ? b[p]! : -1;
      if (lenient && (c === SP || c === TAB)) c = (p = this.#skipBlanks(p)) < end ? b[p]! : -1;
      let ns: number;
      let ne: number;
      let flags = 0;
      if (c >= 0 && (CLS[c]! & LABEL_START) !== 0) {
        ns = p++;
        while (p < end && (CLS[b[p]!]! & LABEL_CHAR) !== 0) p++;
        ne = p;
      } else if (c === RBRACE) {
        if (afterComma && !lenient) this.fail(p, 'expected label name after ","');
        p++;
        break;
      } else if (c === QUOTE) {
        ne = this.scanQuoted(p);
        ns = p + 1;
        if (ne === ns) this.fail(p, 'empty quoted name');
        flags = F_NAME_QUOTED | (this.qEsc ? F_NAME_ESC : 0);
        p = ne + 1;
        const d = lenient ? this.#skipBlanks(p) : p;
        if (allowName && d < end && (b[d] === COMMA || b[d] === RBRACE)) {
          // A lone quoted string is the metric name.
          if (this.nameFlags !== 0) this.fail(ns - 1, 'metric name given twice');
          this.nameS = ns;
          this.nameE = ne;
          this.nameFlags = flags;
          p = d + 1;
          afterComma = b[d] === COMMA;
          if (!afterComma) break;
          continue;
        }
      } else {
        this.found(p, afterComma || n > 0 ? 'expected label name' : 'expected label name or "}"');
      }
      if (lenient) p = this.#skipBlanks(p);
      if (p >= end || b[p] !== EQUALS) this.found(p, 'expected "=" after label name');
      p++;
      if (lenient) p = this.#skipBlanks(p);
      if (p >= end || b[p] !== QUOTE) this.found(p, 'expected \'"\' to start the label value');
      // Fast scan of the value; escapes, line breaks and non-ASCII take the careful path.
      let q = p + 1;
      while (q < end && STOP[b[q]!] === 0) q++;
      if (q >= end || b[q] !== QUOTE) {
        q = this.scanQuoted(p);
        if (this.qEsc) flags |= F_VALUE_ESC;
      }
      const k = n * 5;
      if (k + 5 > a.length) a = spans.grow();
      a[k] = ns;
      a[k + 1] = ne;
      a[k + 2] = p + 1;
      a[k + 3] = q;
      a[k + 4] = flags;
      n++;
      p = q + 1;
      c = p < end ? b[p]! : -1;
      if (lenient && (c === SP || c === TAB)) c = (p = this.#skipBlanks(p)) < end ? b[p]! : -1;
      if (c === COMMA) {
        p++;
        afterComma = true;
        continue;
      }
      if (c === RBRACE) {
        p++;
        break;
      }
      this.found(p, 'expected "," or "}" after label');
    }
    spans.n = n;
    if (n > 1 || (n > 0 && allowName && this.nameFlags !== 0)) this.#checkDuplicates(spans, allowName);
    return p;
  }

  /** The first offset at or after `p` that is not a space or tab. */
  #skipBlanks(p: number): number {
    const b = this.b;
    while (p < this.end && (b[p] === SP || b[p] === TAB)) p++;
    return p;
  }

  /** Rejects a label name given twice; for series, also `__name__` beside a metric name. */
  #checkDuplicates(spans: LabelSpans, series: boolean): void {
    const a = spans.a;
    const n = spans.n;
    const b = this.b;
    if (n > SMALL_LABEL_SET) {
      // Many labels (hostile or broken input): linear with a Set instead of quadratic.
      const seen = new Set<string>();
      for (let i = 0; i < n; i++) {
        const name = latin1(b, a[i * 5]!, a[i * 5 + 1]!);
        if (seen.has(name)) this.fail(a[i * 5]!, `duplicate label name "${utf8(b, a[i * 5]!, a[i * 5 + 1]!)}"`);
        seen.add(name);
      }
    }
    for (let i = 1; i < n && n <= SMALL_LABEL_SET; i++) {
      const s = a[i * 5]!;
      const e = a[i * 5 + 1]!;
      for (let j = 0; j < i; j++) {
        const t = a[j * 5]!;
        // Cheap rejections first: most names differ in length or first byte.
        if (a[j * 5 + 1]! - t !== e - s || b[t] !== b[s]) continue;
        if (spansEqual(b, s, e, t, a[j * 5 + 1]!)) this.fail(s, `duplicate label name "${utf8(b, s, e)}"`);
      }
    }
    if (series && this.nameFlags !== 0) {
      for (let i = 0; i < n; i++) {
        if (spanEquals(b, a[i * 5]!, a[i * 5 + 1]!, METRIC_NAME)) this.fail(a[i * 5]!, 'duplicate label name "__name__" (the metric name is given)');
      }
    }
  }

  /**
   * When the series had no metric name, takes it from a `__name__` label (removing that label
   * from the spans); fails when there is none or it is empty.
   */
  protected nameFromLabel(): void {
    const a = this.labs.a;
    for (let i = 0; i < this.labs.n; i++) {
      if (spanEquals(this.b, a[i * 5]!, a[i * 5 + 1]!, METRIC_NAME)) {
        this.nameS = a[i * 5 + 2]!;
        this.nameE = a[i * 5 + 3]!;
        this.nameFlags = F_NAME_QUOTED | ((a[i * 5 + 4]! & F_VALUE_ESC) !== 0 ? F_NAME_ESC : 0);
        this.labs.remove(i);
        if (this.nameE > this.nameS) return;
        break;
      }
    }
    this.fail(this.keyS, 'metric name missing');
  }

  /** A string for a name span (bare names are ASCII; interned within this body). */
  protected nameString(s: number, e: number, flags: number): string {
    const raw = (flags & F_NAME_ESC) !== 0 ? unescapeSpan(this.b, s, e, Escapes.Quoted) : (flags & F_NAME_QUOTED) !== 0 ? utf8(this.b, s, e) : latin1(this.b, s, e);
    const known = this.#interned.get(raw);
    if (known !== undefined) return known;
    this.#interned.set(raw, raw);
    return raw;
  }

  /** The metric name of the current series or metadata line. */
  protected metricName(): string {
    return this.nameString(this.nameS, this.nameE, this.nameFlags);
  }

  /** The label set of `spans` (plus `__name__` when `withName`), escapes resolved. Allocates. */
  protected buildLabels(spans: LabelSpans, withName: boolean): Labels {
    const a = spans.a;
    const b = this.b;
    if (spans.n > SMALL_LABEL_SET) return this.#buildLarge(spans, withName);
    const sc = this.#scratch;
    sc.reset();
    if (withName) sc.add(METRIC_NAME, this.metricName());
    for (let i = 0; i < spans.n; i++) {
      const k = i * 5;
      const flags = a[k + 4]!;
      const name = this.nameString(a[k]!, a[k + 1]!, flags);
      const value = (flags & F_VALUE_ESC) !== 0 ? unescapeSpan(b, a[k + 2]!, a[k + 3]!, Escapes.Quoted) : utf8(b, a[k + 2]!, a[k + 3]!);
      sc.add(name, value);
    }
    return sc.labels();
  }

  /** `buildLabels` for many labels: one n log n sort instead of ScratchLabels' insertion sort. */
  #buildLarge(spans: LabelSpans, withName: boolean): Labels {
    const a = spans.a;
    const b = this.b;
    const pairs: [string, string][] = [];
    if (withName) pairs.push([METRIC_NAME, this.metricName()]);
    for (let i = 0; i < spans.n; i++) {
      const k = i * 5;
      const flags = a[k + 4]!;
      const value = (flags & F_VALUE_ESC) !== 0 ? unescapeSpan(b, a[k + 2]!, a[k + 3]!, Escapes.Quoted) : utf8(b, a[k + 2]!, a[k + 3]!);
      if (value !== '') pairs.push([this.nameString(a[k]!, a[k + 1]!, flags), value]);
    }
    pairs.sort((x, y) => compareStrings(x[0], y[0]));
    return Labels.fromSortedFlat(pairs.flat());
  }

  /** After `Series`: the label set including `__name__`. */
  labels(): Labels {
    return this.buildLabels(this.labs, true);
  }

  /** After `Series`: the raw series text (latin1: one char per byte), from the key cache when one was given. */
  seriesKey(): string {
    if (this.knownKey !== undefined) return this.knownKey;
    const c = this.keyCache;
    const key = c === undefined ? latin1(this.b, this.keyS, this.keyE) : c.key(this.b, this.keyS, this.keyE);
    if (c !== undefined) this.knownKey = key; // a second call must not record it twice
    return key;
  }

  /** After `Series`: the sample value. */
  value(): number {
    return this.val;
  }

  /** After `Series`: the timestamp in milliseconds, or undefined. */
  timestamp(): number | undefined {
    return this.hasTs ? this.ts : undefined;
  }
}
