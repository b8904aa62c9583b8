/**
 * OpenMetrics 1.0 text format, strictly: every line ends in a line break, single spaces between
 * tokens, no blank lines, only `# HELP`, `# TYPE`, `# UNIT` and a final `# EOF` as comments,
 * values and timestamps as OpenMetrics numbers (timestamps are seconds, converted to
 * milliseconds), exemplars ` # {labels} value [timestamp]` of at most 128 code points, and the
 * family, metric and MetricPoint rules of `OpenMetricsRules`. Quoted UTF-8 metric and label names
 * (`{"my.metric","a.b"="c"}`), which Prometheus 3 accepts, are accepted as well.
 */
import type { SeriesKeyCache } from './series-key-cache.js';
import { EntryType, METRIC_TYPES, type Exemplar, type MetricType, type TextParser } from './types.js';
import { NUM, parseDecimal, readFloat, readOMTimestampMs, secondsToMs } from './number.js';
import { countCodePoints, Escapes, latin1, quoteSpan, unescapeSpan } from './strings.js';
import { CLS, F_NAME_BARE, HASH, LBRACE, LabelSpans, NAME_CHAR, NAME_START, NL, SP, ScannerBase } from './scanner.js';
import { OpenMetricsRules, SampleInfo, Suffix, type RuleHost } from './openmetrics-rules.js';

/** Options of the OpenMetrics parser. */
export interface OpenMetricsOptions {
  /** Default true. False tolerates what client_golang writes for negative observations (see `OpenMetricsRules`). */
  strict?: boolean;
  /** Reuse series key strings of the previous body of the same target (see `SeriesKeyCache`). */
  keyCache?: SeriesKeyCache;
}

const MAX_EXEMPLAR_CODE_POINTS = 128;
/** How many lines `createdTimestamp()` looks ahead for a `_created` sample. */
const CREATED_LOOKAHEAD_LINES = 512;

/** A cursor over an OpenMetrics 1.0 body; see `TextParser` for the contract. */
export class OpenMetricsParser extends ScannerBase implements TextParser {
  #entry: EntryType = EntryType.None;
  #eof = false;
  #textS = 0;
  #textE = 0;
  #type: MetricType = 'unknown';
  #familyName = '';
  readonly #rules: OpenMetricsRules;
  readonly #pos = new SampleInfo();
  readonly #exLabs = new LabelSpans();
  #hasEx = false;
  #exValue = 0;
  #exTs = 0;
  #exHasTs = false;
  readonly #probe = new LabelSpans();
  #ctPoint = -1;
  #ct: number | undefined;
  /** Lookahead found no `_created` line before this offset. */
  #ctNoneBefore = -1;

  /** A parser over `body`, which must not change while it is parsed. */
  constructor(body: Buffer, options: OpenMetricsOptions = {}) {
    super(body, options.keyCache);
    const host: RuleHost = {
      body,
      fail: (p, what) => this.fail(p, what),
      line: () => this.lineNo,
      name: (s, e, flags) => this.nameString(s, e, flags),
    };
    this.#rules = new OpenMetricsRules(host, options.strict ?? true);
  }

  /** Advances to the next entry; throws ExpositionParseError on anything OpenMetrics 1.0 forbids. */
  next(): EntryType {
    if (this.#eof) return (this.#entry = EntryType.None);
    const p = this.pos;
    this.lineNo++;
    this.lineStart = p;
    if (p >= this.end) this.fail(p, 'expected "# EOF" at the end of the input');
    this.#entry = EntryType.None; // until the line parsed cleanly
    return (this.#entry = this.b[p] === HASH ? this.#meta(p) : this.#series(p));
  }

  /** Parses a sample line starting at `start`. */
  #series(start: number): EntryType {
    const b = this.b;
    const end = this.end;
    let p = start;
    this.keyS = start;
    this.knownKey = undefined;
    this.nameFlags = 0;
    const c = b[p]!;
    if ((CLS[c]! & NAME_START) !== 0) {
      p = this.scanBareName(start, end);
    } else if (c !== LBRACE) {
      this.found(p, 'expected metric name, "{" or "#"');
    }
    if (p < end && b[p] === LBRACE) {
      p = this.scanLabels(p + 1, this.labs, false, true);
      if (this.nameFlags === 0) this.nameFromLabel();
    } else {
      this.labs.n = 0;
    }
    this.keyE = p;
    if (p >= end || b[p] !== SP) {
      if (this.nameFlags === F_NAME_BARE && p === this.nameE && p < end && b[p]! > SP && b[p] !== HASH) {
        this.found(p, 'invalid character in metric name (quote UTF-8 names: {"a.b"})');
      }
      this.found(p, 'expected " " before the value');
    }
    const vs = ++p;
    while (p < end && b[p] !== SP && b[p] !== NL) p++;
    if (p === vs) this.found(vs, 'expected value');
    if (!readFloat(b, vs, p)) this.fail(vs, `invalid value ${quoteSpan(b, vs, p)}`);
    const pos = this.#pos;
    pos.value = this.val = NUM.value;
    pos.valueAt = vs;
    pos.tsAt = -1;
    pos.exemplarAt = -1;
    this.hasTs = false;
    this.#hasEx = false;
    if (p < end && b[p] === SP) {
      p++;
      if (p < end && b[p] === HASH) {
        pos.exemplarAt = p;
        p = this.#exemplar(p);
      } else {
        const ts = p;
        while (p < end && b[p] !== SP && b[p] !== NL) p++;
        if (p === ts) this.found(ts, 'expected timestamp');
        if (!readOMTimestampMs(b, ts, p)) this.fail(ts, `invalid timestamp ${quoteSpan(b, ts, p)}`);
        this.ts = pos.ts = NUM.value;
        this.hasTs = true;
        pos.tsAt = ts;
        if (p < end && b[p] === SP) {
          p++;
          if (p >= end || b[p] !== HASH) this.found(p, 'expected "#" to start an exemplar');
          pos.exemplarAt = p;
          p = this.#exemplar(p);
        }
      }
    }
    if (p >= end || b[p] !== NL) this.found(p, 'expected line break');
    this.pos = p + 1;
    pos.hasTs = this.hasTs;
    this.#rules.sample(this.nameS, this.nameE, this.nameFlags, this.labs, pos);
    return EntryType.Series;
  }

  /** Parses ` # {labels} value [timestamp]` from the `#` at `p`; returns the offset after it. */
  #exemplar(p: number): number {
    const b = this.b;
    const end = this.end;
    if (p + 1 >= end || b[p + 1] !== SP) this.found(p + 1, 'expected " " after "#"');
    p += 2;
    if (p >= end || b[p] !== LBRACE) this.found(p, 'expected "{" to start the exemplar labels');
    const ls = p;
    const ex = this.#exLabs;
    p = this.scanLabels(p + 1, ex, false, false);
    let cps = 0;
    const a = ex.a;
    for (let i = 0; i < ex.n; i++) cps += countCodePoints(b, a[i * 5]!, a[i * 5 + 1]!) + countCodePoints(b, a[i * 5 + 2]!, a[i * 5 + 3]!);
    if (cps > MAX_EXEMPLAR_CODE_POINTS) this.fail(ls, `exemplar labels have ${cps} characters, more than ${MAX_EXEMPLAR_CODE_POINTS}`);
    if (p >= end || b[p] !== SP) this.found(p, 'expected " " before the exemplar value');
    const vs = ++p;
    while (p < end && b[p] !== SP && b[p] !== NL) p++;
    if (p === vs) this.found(vs, 'expected exemplar value');
    if (!readFloat(b, vs, p)) this.fail(vs, `invalid exemplar value ${quoteSpan(b, vs, p)}`);
    this.#exValue = NUM.value;
    this.#exHasTs = false;
    if (p < end && b[p] === SP) {
      const ts = ++p;
      while (p < end && b[p] !== SP && b[p] !== NL) p++;
      if (p === ts) this.found(ts, 'expected exemplar timestamp');
      if (!readOMTimestampMs(b, ts, p)) this.fail(ts, `invalid exemplar timestamp ${quoteSpan(b, ts, p)}`);
      this.#exTs = NUM.value;
      this.#exHasTs = true;
    }
    this.#hasEx = true;
    return p;
  }

  /** Parses a `#` line: HELP, TYPE, UNIT or EOF. */
  #meta(start: number): EntryType {
    const b = this.b;
    const end = this.end;
    if (start + 1 >= end || b[start + 1] !== SP) this.found(start + 1, 'expected " " after "#" (only HELP, TYPE, UNIT and EOF comments are allowed)');
    let p = start + 2;
    if (p + 3 <= end && b[p] === 0x45 && b[p + 1] === 0x4f && b[p + 2] === 0x46) return this.#eofLine(p + 3);
    let kind: EntryType = EntryType.None;
    if (p + 4 < end && b[p + 4] === SP) {
      const w = latin1(b, p, p + 4);
      kind = w === 'HELP' ? EntryType.Help : w === 'TYPE' ? EntryType.Type : w === 'UNIT' ? EntryType.Unit : EntryType.None;
    }
    if (kind === EntryType.None) this.fail(p, 'expected "HELP ", "TYPE ", "UNIT " or "EOF" after "# "');
    p += 5;
    const nameAt = p;
    p = this.scanFamilyName(p, end);
    if (p >= end || b[p] !== SP) this.found(p, 'expected " " after the metric name');
    p++;
    const eol = b.indexOf(NL, p);
    if (eol < 0) this.fail(end, 'expected line break');
    this.#textS = p;
    this.#textE = eol;
    this.pos = eol + 1;
    const name = this.metricName();
    this.#familyName = name;
    if (kind === EntryType.Help) {
      this.#rules.metadata('HELP', name, nameAt, 'unknown', '');
    } else if (kind === EntryType.Type) {
      const t = latin1(b, p, eol) as MetricType;
      if (!METRIC_TYPES.includes(t)) this.fail(p, `invalid metric type ${quoteSpan(b, p, eol)} (expected ${METRIC_TYPES.join(', ')})`);
      this.#type = t;
      this.#rules.metadata('TYPE', name, nameAt, t, '');
    } else {
      for (let q = p; q < eol; q++) if ((CLS[b[q]!]! & NAME_CHAR) === 0) this.found(q, 'invalid character in unit');
      this.#rules.metadata('UNIT', name, nameAt, 'unknown', latin1(b, p, eol));
    }
    return kind;
  }

  /** Handles `# EOF` whose keyword ends at `p`: it must end the input (one line break allowed). */
  #eofLine(p: number): EntryType {
    const end = this.end;
    if (p < end) {
      if (this.b[p] !== NL) this.found(p, 'expected line break after "# EOF"');
      if (p + 1 < end) {
        this.lineNo++;
        this.lineStart = p + 1;
        this.fail(p + 1, 'unexpected content after "# EOF"');
      }
    }
    this.#rules.finish();
    this.#eof = true;
    this.keyCache?.end();
    this.pos = end;
    return EntryType.None;
  }

  /** After `Help`/`Type`/`Unit`: the family name. */
  familyName(): string {
    return this.#familyName;
  }

  /** After `Help`: the help text (`\\`, `\"` and `\n` resolved). */
  help(): string {
    return unescapeSpan(this.b, this.#textS, this.#textE, Escapes.Quoted);
  }

  /** After `Type`: the declared type. */
  type(): MetricType {
    return this.#type;
  }

  /** After `Unit`: the unit. */
  unit(): string {
    return latin1(this.b, this.#textS, this.#textE);
  }

  /** OpenMetrics has no free comments; always ''. */
  comment(): string {
    return '';
  }

  /** After `Series`: the line's exemplar, or undefined. */
  exemplar(): Exemplar | undefined {
    if (!this.#hasEx || this.#entry !== EntryType.Series) return undefined;
    const labels = this.buildLabels(this.#exLabs, false);
    return this.#exHasTs ? { labels, value: this.#exValue, timestamp: this.#exTs } : { labels, value: this.#exValue };
  }

  /**
   * After `Series` of a counter, histogram or summary: the `_created` value (ms) of the sample's
   * metric, from earlier in the MetricPoint or from a `_created` line found by looking ahead a
   * bounded number of lines of the same family. Undefined when unknown and for `_created` samples.
   */
  createdTimestamp(): number | undefined {
    if (this.#entry !== EntryType.Series) return undefined;
    const r = this.#rules;
    const type = r.familyType();
    if ((type !== 'counter' && type !== 'histogram' && type !== 'summary') || r.suffix() === Suffix.Created) return undefined;
    const known = r.pointCreated();
    if (known !== undefined) return known;
    if (this.#ctPoint !== r.pointId()) {
      this.#ctPoint = r.pointId();
      this.#ct = this.#lookaheadCreated(r.familyNameBytes()!);
    }
    return this.#ct;
  }

  /** Looks for `<family>_created` with the current metric's labels in the lines after the current one. */
  #lookaheadCreated(fam: Buffer): number | undefined {
    const b = this.b;
    const end = this.end;
    if (this.pos < this.#ctNoneBefore) return undefined;
    const n = fam.length;
    let p = this.pos;
    let sawCreated = false;
    for (let lines = 0; lines < CREATED_LOOKAHEAD_LINES && p < end; lines++) {
      let q = p;
      while (q < end && (CLS[b[q]!]! & NAME_CHAR) !== 0) q++;
      if (q - p < n || b.compare(fam, 0, n, p, p + n) !== 0) break;
      if (q - p === n + 8 && latin1(b, p + n, q) === '_created') {
        sawCreated = true;
        try {
          const probe = this.#probe;
          let r = q;
          if (b[q] === LBRACE) r = this.scanLabels(q + 1, probe, false, false);
          else probe.n = 0;
          if (this.#rules.sameMetric(probe) && b[r] === SP) {
            let e = r + 1;
            while (e < end && b[e] !== SP && b[e] !== NL) e++;
            const v = parseDecimal(b, r + 1, e);
            if (v !== undefined) return secondsToMs(v);
          }
        } catch {
          return undefined; // the line is malformed; next() will report it
        }
      }
      const eol = b.indexOf(NL, q);
      if (eol < 0) break;
      p = eol + 1;
    }
    if (!sawCreated) this.#ctNoneBefore = p;
    return undefined;
  }
}
