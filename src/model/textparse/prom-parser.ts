/**
 * Prometheus text format 0.0.4, read as leniently as Prometheus' own parser: blank lines and
 * comments anywhere, HELP/TYPE anywhere (no ordering rules), blanks (spaces, tabs) between all
 * tokens and inside label sets, a trailing comma in label sets, values as Go's
 * strconv.ParseFloat reads them (without hexadecimal forms, which Prometheus refuses), optional
 * integer millisecond timestamps. HELP text is everything after the one blank that follows the
 * name. Slightly more lenient than Prometheus: blanks after the TYPE keyword's type are ignored.
 */
import type { Labels } from '../labels/index.js';
import { EntryType, type Exemplar, type MetricType, type TextParser } from './types.js';
import type { SeriesKeyCache } from './series-key-cache.js';
import { NUM, readFloat, readIntMs, scanDecimal } from './number.js';
import { Escapes, latin1, quoteSpan, unescapeSpan, utf8 } from './strings.js';
import { CLS, HASH, LBRACE, NAME_START, NL, RBRACE, SP, TAB, ScannerBase } from './scanner.js';

const TEXT_TYPES: ReadonlyMap<string, MetricType> = new Map([
  ['counter', 'counter'],
  ['gauge', 'gauge'],
  ['histogram', 'histogram'],
  ['summary', 'summary'],
  ['untyped', 'unknown'],
]);

/** Options of the text parser. */
export interface PromParserOptions {
  /** Reuse series key strings of the previous body of the same target (see `SeriesKeyCache`). */
  keyCache?: SeriesKeyCache;
}

/** A cursor over a Prometheus text 0.0.4 body; see `TextParser` for the contract. */
export class PromParser extends ScannerBase implements TextParser {
  #textS = 0;
  #textE = 0;
  #type: MetricType = 'unknown';
  /** The current series came from the key cache and its name and labels are not scanned yet. */
  #labelsPending = false;

  /** A parser over `body`, which must not change while it is parsed. */
  constructor(body: Buffer, options: PromParserOptions = {}) {
    super(body, options.keyCache);
  }

  /** Advances to the next entry; throws ExpositionParseError on malformed input. */
  next(): EntryType {
    const b = this.b;
    const end = this.end;
    let p = this.pos;
    for (;;) {
      if (p >= end) {
        this.pos = p;
        this.keyCache?.end();
        return EntryType.None;
      }
      this.lineNo++;
      this.lineStart = p;
      let c = b[p]!;
      while (c === SP || c === TAB) c = ++p < end ? b[p]! : NL;
      if (c === NL) {
        p++;
        continue;
      }
      return c === HASH ? this.#comment(p) : this.#series(p);
    }
  }

  /** Parses a sample line starting at `p`. */
  #series(start: number): EntryType {
    const b = this.b;
    const end = this.end;
    let p = -1;
    this.keyS = start;
    this.knownKey = undefined;
    const cache = this.keyCache;
    if (cache !== undefined) {
      // A series of the previous body, validated then: the same bytes need no scanning now.
      const k = cache.prefixAt(start, end);
      if (k >= 0) {
        const key = cache.peek(k);
        const ke = start + key.length;
        if (b[ke - 1] === RBRACE || this.#bareNameEndsAt(ke)) {
          this.knownKey = cache.take(k, start);
          this.#labelsPending = true;
          p = ke;
        }
      }
    }
    if (p < 0) {
      p = this.#scanSeries(start);
      this.#labelsPending = false;
    }
    this.keyE = p;
    let vs = p;
    while (vs < end && (b[vs] === SP || b[vs] === TAB)) vs++;
    if (vs === p && b[p - 1] !== RBRACE && vs < end && b[vs] !== NL) this.found(p, 'expected blank or "{" after metric name');
    if (vs >= end || b[vs] === NL) this.fail(vs, 'expected value');
    // Fast path: a decimal followed by a blank or the line end; else the whole token as Go reads it.
    let ve: number;
    if (scanDecimal(b, vs, end, 0) && ((ve = NUM.end) >= end || b[ve] === SP || b[ve] === TAB || b[ve] === NL)) {
      this.val = NUM.value;
    } else {
      ve = vs + 1;
      while (ve < end) {
        const d = b[ve]!;
        if (d === SP || d === TAB || d === NL) break;
        ve++;
      }
      if (!readFloat(b, vs, ve)) this.fail(vs, `invalid value ${quoteSpan(b, vs, ve)}`);
      this.val = NUM.value;
    }
    p = ve;
    while (p < end && (b[p] === SP || b[p] === TAB)) p++;
    this.hasTs = false;
    if (p < end && b[p] !== NL) {
      let te = p + 1;
      while (te < end) {
        const d = b[te]!;
        if (d === SP || d === TAB || d === NL) break;
        te++;
      }
      if (!readIntMs(b, p, te)) this.fail(p, `invalid timestamp ${quoteSpan(b, p, te)} (expected integer milliseconds)`);
      this.ts = NUM.value;
      this.hasTs = true;
      p = te;
      while (p < end && (b[p] === SP || b[p] === TAB)) p++;
      if (p < end && b[p] !== NL) this.found(p, 'expected end of line after timestamp');
    }
    this.pos = p + 1;
    return EntryType.Series;
  }

  /** Scans the metric name and label set starting at `start`; returns the offset after them. */
  #scanSeries(start: number): number {
    const b = this.b;
    const end = this.end;
    let p = start;
    this.nameFlags = 0;
    const c = b[p]!;
    if ((CLS[c]! & NAME_START) !== 0) {
      p = this.scanBareName(start, end);
    } else if (c !== LBRACE) {
      this.found(p, 'expected metric name or "{"');
    }
    let q = p;
    while (q < end && (b[q] === SP || b[q] === TAB)) q++;
    if (q < end && b[q] === LBRACE) {
      p = this.scanLabels(q + 1, this.labs, true, true);
      if (this.nameFlags === 0) this.nameFromLabel();
    } else {
      this.labs.n = 0;
    }
    return p;
  }

  /** True when a bare metric name ending at `e` is the whole series: a blank follows, then no `{`. */
  #bareNameEndsAt(e: number): boolean {
    const b = this.b;
    if (e >= this.end || (b[e] !== SP && b[e] !== TAB)) return false;
    while (e < this.end && (b[e] === SP || b[e] === TAB)) e++;
    return e >= this.end || b[e] !== LBRACE;
  }

  /** After `Series`: the label set including `__name__` (scanning the series now if `next()` knew it from the key cache). */
  override labels(): Labels {
    if (this.#labelsPending) {
      this.#scanSeries(this.keyS);
      this.#labelsPending = false;
    }
    return super.labels();
  }

  /** Parses a `#` line: HELP, TYPE or a plain comment. */
  #comment(start: number): EntryType {
    const b = this.b;
    const end = this.end;
    let eol = b.indexOf(NL, start);
    if (eol < 0) eol = end;
    this.pos = eol + 1;
    let p = start + 1;
    let kind: EntryType = EntryType.Comment;
    if (p < eol && (b[p] === SP || b[p] === TAB)) {
      while (p < eol && (b[p] === SP || b[p] === TAB)) p++;
      if (p + 4 < eol && (b[p + 4] === SP || b[p + 4] === TAB)) {
        if (b[p] === 0x48 && b[p + 1] === 0x45 && b[p + 2] === 0x4c && b[p + 3] === 0x50) kind = EntryType.Help;
        else if (b[p] === 0x54 && b[p + 1] === 0x59 && b[p + 2] === 0x50 && b[p + 3] === 0x45) kind = EntryType.Type;
      }
    }
    if (kind === EntryType.Comment) {
      this.#textS = start;
      this.#textE = eol;
      return kind;
    }
    p += 5;
    while (p < eol && (b[p] === SP || b[p] === TAB)) p++;
    p = this.scanFamilyName(p, eol);
    if (p < eol && b[p] !== SP && b[p] !== TAB) this.found(p, 'expected blank after metric name');
    // HELP text starts after exactly one blank, as in Prometheus (further blanks are text);
    // TYPE allows any blanks around the type.
    if (kind === EntryType.Help) {
      if (p < eol) p++;
    } else {
      while (p < eol && (b[p] === SP || b[p] === TAB)) p++;
    }
    this.#textS = p;
    this.#textE = eol;
    if (kind === EntryType.Type) {
      let e = eol;
      while (e > p && (b[e - 1] === SP || b[e - 1] === TAB)) e--;
      const t = TEXT_TYPES.get(latin1(b, p, e));
      if (p === e) this.fail(p, 'expected metric type');
      if (t === undefined) this.fail(p, `invalid metric type ${quoteSpan(b, p, e)} (expected counter, gauge, histogram, summary or untyped)`);
      this.#type = t;
    }
    return kind;
  }

  /** After `Help`/`Type`: the family name. */
  familyName(): string {
    return this.metricName();
  }

  /** After `Help`: the help text (`\\` and `\n` resolved). */
  help(): string {
    return unescapeSpan(this.b, this.#textS, this.#textE, Escapes.TextHelp);
  }

  /** After `Type`: the declared type (`untyped` is reported as `unknown`). */
  type(): MetricType {
    return this.#type;
  }

  /** Text 0.0.4 has no UNIT lines; always ''. */
  unit(): string {
    return '';
  }

  /** After `Comment`: the whole line. */
  comment(): string {
    return utf8(this.b, this.#textS, this.#textE);
  }

  /** Text 0.0.4 has no exemplars; always undefined. */
  exemplar(): Exemplar | undefined {
    return undefined;
  }

  /** Text 0.0.4 has no `_created` samples with that meaning; always undefined. */
  createdTimestamp(): number | undefined {
    return undefined;
  }
}
