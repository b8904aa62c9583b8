/**
 * The YAML layer of rule files: text → the first document's node tree, and small decoders
 * that turn nodes into Go-typed values with the error texts of go-yaml v3, which upstream's
 * rule-file parser uses. Type mismatches, unknown fields and repeated keys are collected
 * (`yaml: unmarshal errors:` + one `  line N: …` line each) and decoding goes on; a failing
 * custom decoder (a bad duration) aborts the whole decode with its own message, as in Go.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, Scalar, visit, type Document, type Node as YamlNode, type Pair } from 'yaml';
import { resolveScalarV2, YamlV2TagError, type ResolvedV2 } from './yaml-v2-scalar.js';

/** A 1-based line and column; `{line: 0, col: 0}` for a key that is absent (Go's zero `yaml.Node`). */
export interface SourcePos {
  readonly line: number;
  readonly col: number;
}

/** The position of an absent node. */
export const NO_POS: SourcePos = Object.freeze({ line: 0, col: 0 });

/** Aborts a decode: go-yaml returns this error alone, dropping the collected type errors. */
export class HardDecodeError extends Error {}

/** A parsed YAML text: its first document (multi-document files use only that one). */
export interface YamlSource {
  readonly doc: Document.Parsed | undefined;
  readonly lines: LineCounter;
  /** The first syntax error of the first document, in go-yaml's form (`yaml: line N: …`). */
  readonly syntaxError: string | undefined;
  /** How many documents the text holds. */
  readonly documents: number;
  /** The text parsed. */
  readonly text: string;
}

/** Parses `text` without resolving any tag (every scalar stays text; tags are resolved here). */
export function parseYamlSource(text: string): YamlSource {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { schema: 'failsafe', lineCounter: lines, uniqueKeys: false, merge: false, strict: false, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const doc = list[0];
  let syntaxError: string | undefined;
  const first = doc?.errors[0];
  if (first) {
    const line = lines.linePos(first.pos[0]).line;
    const msg = first.message.replace(/ at line \d+, column \d+[\s\S]*$/, '').split('\n')[0]!;
    syntaxError = `yaml: line ${line}: ${goYamlMessage(msg)}`;
  } else if (doc) syntaxError = unknownAnchor(doc);
  return { doc, lines, syntaxError, documents: list.length, text };
}

/** go-yaml's words for the `yaml` package's syntax errors, where they name the same problem. */
const GO_YAML_MESSAGES: readonly (readonly [RegExp, string])[] = [
  [/^(?:Tabs are not allowed|Plain value cannot start with)/, 'found character that cannot start any token'],
  [/^(?:Nested mappings are not allowed in compact mappings|Implicit keys need to be on a single line)/, 'mapping values are not allowed in this context'],
  [/^Missing closing .?quote/, 'found unexpected end of stream'],
  [/^Flow sequence .* end with a \]/, "did not find expected ',' or ']'"],
  [/^Flow map .* end with a \}/, "did not find expected ',' or '}'"],
  [/^(?:Sequence item without - indicator|All mapping items must start at the same column)/, "did not find expected '-' indicator"],
  [/^Implicit map keys need to be followed by map values/, "could not find expected ':'"],
];

function goYamlMessage(msg: string): string {
  for (const [re, go] of GO_YAML_MESSAGES) if (re.test(msg)) return go;
  return msg.charAt(0).toLowerCase() + msg.slice(1);
}

/** go-yaml's error for an alias whose anchor is not defined before it, or undefined. */
function unknownAnchor(doc: Document.Parsed): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) !== undefined) return undefined;
      found = `yaml: unknown anchor '${node.source}' referenced`;
      return visit.BREAK;
    },
  });
  return found;
}

/** go-yaml v3's resolved short tag of a scalar, or `!!seq`/`!!map`. */
export function shortTag(node: YamlNode): string {
  if (isMap(node)) return '!!map';
  if (isSeq(node)) return '!!seq';
  if (!isScalar(node)) return '!!str';
  const tag = explicitTag(node);
  if (tag !== undefined && tag.startsWith('!!')) return tag;
  if (node.type !== Scalar.PLAIN) return '!!str';
  const s = String(node.value);
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return '!!null';
  if (/^(?:true|True|TRUE|false|False|FALSE)$/.test(s)) return '!!bool';
  if (goInt(s) !== undefined) return '!!int';
  if (goFloat(s) !== undefined) return '!!float';
  return '!!str';
}

/** A scalar's explicit tag in short form (`!!float`, `!`, `!custom`), or undefined. */
function explicitTag(node: Scalar): string | undefined {
  if (!node.tag) return undefined;
  return node.tag.startsWith('tag:yaml.org,2002:') ? `!!${node.tag.slice('tag:yaml.org,2002:'.length)}` : node.tag;
}

/** The integer a plain scalar resolves to in go-yaml v3, or undefined. */
function goInt(s: string): number | undefined {
  const t = s.replaceAll('_', '');
  let v: bigint | undefined;
  if (/^[-+]?(?:0|[1-9][0-9]*)$/.test(t)) v = BigInt(t);
  else if (/^[-+]?0[xXbB][0-9a-fA-F]+$/.test(t) && /^[-+]?0(?:[xX][0-9a-fA-F]+|[bB][01]+)$/.test(t)) v = t.startsWith('-') ? -BigInt(t.slice(1)) : BigInt(t.replace(/^\+/, ''));
  else if (/^[-+]?0[oO]?[0-7]+$/.test(t)) v = (t.startsWith('-') ? -1n : 1n) * BigInt(`0o${t.replace(/^[-+]?0[oO]?/, '') || '0'}`);
  // Beyond int64 go-yaml resolves the scalar as a float.
  if (v === undefined || v >= 1n << 63n || v < -(1n << 63n)) return undefined;
  return Number(v);
}

/** The float a plain scalar resolves to in go-yaml v3, or undefined. */
function goFloat(s: string): number | undefined {
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(?:nan|NaN|NAN)$/.test(s)) return Number.NaN;
  if (/^[-+]?(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][-+]?[0-9]+)?$/.test(s) && /[0-9]/.test(s)) return Number(s.replaceAll('_', ''));
  return undefined;
}

/** One decode pass: positions, collected type errors, alias resolution. */
export class Decoder {
  readonly typeErrors: string[] = [];
  /** Mappings whose `<<` merges are being expanded: merging one into itself never ends. */
  readonly #merging = new Set<YamlNode>();

  constructor(
    readonly src: YamlSource,
    /** Reject keys that match no field (go-yaml's `KnownFields(true)`). */
    readonly knownFields: boolean,
  ) {}

  /** 1-based line and column where `node` starts (aliases: the alias itself; anchored: the anchor). */
  pos(node: YamlNode | null | undefined): SourcePos {
    let start = node?.range?.[0];
    if (start === undefined) return NO_POS;
    const { anchor, tag } = node as { anchor?: string; tag?: string };
    if (anchor || tag) {
      // go-yaml places a node at its first property (`&anchor` or `!tag`), not at its value.
      const text = this.src.text;
      let i = start;
      for (;;) {
        let j = i;
        while (j > 0 && (text[j - 1] === ' ' || text[j - 1] === '\t')) j--;
        const word = /(?:^|[\s,[{:])([&!][^\s,[\]{}]*)$/.exec(text.slice(Math.max(0, j - 200), j));
        if (!word) break;
        i = j - word[1]!.length;
      }
      start = i;
    } else if (isScalar(node) && node.type === Scalar.PLAIN && node.value === '') {
      // An empty value sits right after its key's colon in go-yaml, before any blanks.
      const text = this.src.text;
      let i = start;
      while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
      if (text[i - 1] === ':') start = i;
    }
    const p = this.src.lines.linePos(start);
    return { line: p.line, col: p.col };
  }

  /** The node an alias points to (followed repeatedly), or the node itself. */
  resolve(node: YamlNode | null | undefined): YamlNode | null {
    let n: unknown = node ?? null;
    for (let i = 0; i < 100 && isAlias(n); i++) n = (n as { resolve(doc: Document): unknown }).resolve(this.src.doc!) ?? null;
    return (n as YamlNode | null) ?? null;
  }

  /** Whether `node` (resolved) is a YAML null: absent, empty, `~` or `null`. */
  isNull(node: YamlNode | null): boolean {
    return node === null || (isScalar(node) && shortTag(node) === '!!null');
  }

  /** Records go-yaml's "cannot unmarshal" error for `node` (resolved as `tag`) into Go type `goType`. */
  typeError(node: YamlNode, goType: string, tag: string = shortTag(node)): void {
    let value = '';
    if (tag !== '!!seq' && tag !== '!!map') {
      // The text as written (a `!!binary` scalar's value is already decoded).
      const v = isScalar(node) ? ((node as { source?: string }).source ?? String(node.value)) : '';
      value = v.length > 10 ? ` \`${v.slice(0, 7)}...\`` : ` \`${v}\``;
    }
    this.typeErrors.push(`line ${this.pos(node).line}: cannot unmarshal ${tag}${value} into ${goType}`);
  }

  /**
   * The entries of a mapping in source order, `<<` merge keys expanded (explicit keys win), or
   * undefined after recording an error: not a mapping (`goType` names the target), or a key
   * given twice (go-yaml then leaves the whole mapping undecoded).
   */
  entries(node: YamlNode, goType: string): { key: string; keyNode: YamlNode; value: YamlNode | null }[] | undefined {
    if (!isMap(node)) {
      this.typeError(node, goType);
      return undefined;
    }
    const pairs = node.items as Pair<YamlNode, YamlNode | null>[];
    const before = this.typeErrors.length;
    for (let i = 0; i < pairs.length; i++) {
      for (let j = i + 1; j < pairs.length; j++) {
        const a = pairs[i]!.key;
        const b = pairs[j]!.key;
        if (isScalar(a) && isScalar(b) && String(a.value) === String(b.value)) {
          this.typeErrors.push(`line ${this.pos(b).line}: mapping key ${JSON.stringify(String(b.value))} already defined at line ${this.pos(a).line}`);
        }
      }
    }
    if (this.typeErrors.length > before) return undefined;
    const out: { key: string; keyNode: YamlNode; value: YamlNode | null }[] = [];
    const explicit = new Set<string>();
    for (const p of pairs) if (isScalar(p.key) && String(p.key.value) !== '<<') explicit.add(String(p.key.value));
    for (const p of pairs) {
      const keyNode = p.key;
      const key = isScalar(keyNode) ? String(keyNode.value) : '';
      if (key === '<<' && isScalar(keyNode) && keyNode.type === Scalar.PLAIN) {
        this.#merging.add(node);
        try {
          for (const merged of this.#mergeSources(p.value)) {
            if (this.#merging.has(merged)) throw new HardDecodeError(`yaml: anchor '${isAlias(p.value) ? p.value.source : ''}' value contains itself`);
            for (const e of this.entries(merged, goType) ?? []) if (!explicit.has(e.key)) out.push(e);
          }
        } finally {
          this.#merging.delete(node);
        }
        continue;
      }
      out.push({ key, keyNode, value: p.value ?? null });
    }
    return out;
  }

  #mergeSources(value: YamlNode | null): YamlNode[] {
    const v = this.resolve(value);
    if (v === null) return [];
    if (isSeq(v)) return (v.items as YamlNode[]).map((i) => this.resolve(i)).filter((i): i is YamlNode => i !== null);
    return [v];
  }

  /** Records an unknown-field error when `knownFields` is on. */
  unknownField(keyNode: YamlNode, key: string, goType: string): void {
    if (this.knownFields) this.typeErrors.push(`line ${this.pos(keyNode).line}: field ${key} not found in type ${goType}`);
  }

  /** A Go `string` field: null is "", scalars their text; anything else is a type error. */
  string(node: YamlNode | null): string {
    const n = this.resolve(node);
    if (n === null || this.isNull(n)) return '';
    if (isScalar(n)) return String(n.value);
    this.typeError(n, 'string');
    return '';
  }

  /** A Go `int` field (floats truncate, as go-yaml does when they fit). */
  int(node: YamlNode | null): number {
    const n = this.resolve(node);
    if (n === null || this.isNull(n)) return 0;
    const tag = shortTag(n);
    if (isScalar(n) && tag === '!!int') return goInt(String(n.value)) ?? 0;
    if (isScalar(n) && tag === '!!float') {
      const f = goFloat(String(n.value))!;
      if (Number.isFinite(f) && Math.abs(f) < 2 ** 63) return Math.trunc(f);
    }
    this.typeError(n, 'int');
    return 0;
  }

  /**
   * A Go `float64` field as go-yaml v2 decodes it (promtool's test files; rule files have no
   * float fields): null is 0; a scalar that resolves to an int or a float is its value
   * (`0x10`, `1_000`, `.inf`, `-.Inf`, `.nan`, `!!float 16`); anything else is a type error
   * naming v2's type (`!!bool \`yes\``, `!!str \`"16"\``, `!!timestamp`). An explicit tag the
   * text does not fit aborts the decode. See `yaml-v2-scalar.ts` for the resolution rules.
   */
  floatV2(node: YamlNode | null): number {
    const n = this.resolve(node);
    if (n === null || this.isNull(n)) return 0;
    const r = isScalar(n) ? this.#resolveV2(n) : undefined;
    if (r !== undefined && (r.tag === '!!float' || r.tag === '!!int')) return r.value as number;
    this.typeError(n, 'float64', r?.tag);
    return 0;
  }

  /**
   * A Go `bool` field as go-yaml v2 decodes it: null is false; the YAML 1.1 spellings
   * `y Y yes Yes YES true True TRUE on On ON` and `n N no No NO false False FALSE off Off OFF`,
   * unquoted or tagged `!!bool`, are the boolean; anything else (`1`, `"yes"`, `tRue`) is a
   * type error naming v2's type. An explicit tag the text does not fit aborts the decode.
   */
  boolV2(node: YamlNode | null): boolean {
    const n = this.resolve(node);
    if (n === null || this.isNull(n)) return false;
    const r = isScalar(n) ? this.#resolveV2(n) : undefined;
    if (r !== undefined && r.tag === '!!bool') return r.value as boolean;
    this.typeError(n, 'bool', r?.tag);
    return false;
  }

  /** go-yaml v2's type and value of scalar `n`; a failing explicit tag is a `HardDecodeError`. */
  #resolveV2(n: Scalar): ResolvedV2 {
    try {
      return resolveScalarV2(String(n.value), explicitTag(n), n.type !== Scalar.PLAIN);
    } catch (err) {
      if (err instanceof YamlV2TagError) throw new HardDecodeError(err.message);
      throw err;
    }
  }

  /**
   * A Prometheus `model.Duration` field in milliseconds, parsed by `parse` (which throws with
   * upstream's message). A text that does not parse aborts the decode (`HardDecodeError`).
   */
  duration(node: YamlNode | null, parse: (s: string) => number): number {
    const n = this.resolve(node);
    if (n === null || this.isNull(n)) return 0;
    if (!isScalar(n)) {
      this.typeError(n, 'string');
      return 0;
    }
    try {
      return parse(String(n.value));
    } catch (err) {
      throw new HardDecodeError((err as Error).message);
    }
  }

  /** A Go `map[string]string` field, in source order. */
  stringMap(node: YamlNode | null): Map<string, string> {
    const out = new Map<string, string>();
    const n = this.resolve(node);
    if (n === null || this.isNull(n)) return out;
    for (const e of this.entries(n, 'map[string]string') ?? []) out.set(e.key, this.string(e.value));
    return out;
  }

  /** A Go `[]T` field: its items (null: none), or a type error naming `goType`. */
  seq(node: YamlNode | null, goType: string): (YamlNode | null)[] {
    const n = this.resolve(node);
    if (n === null || this.isNull(n)) return [];
    if (!isSeq(n)) {
      this.typeError(n, goType);
      return [];
    }
    return n.items as (YamlNode | null)[];
  }

  /**
   * A `yaml.Node` field: the scalar text as written ("" for a mapping or sequence) and where
   * the value was written (an alias: the alias), as upstream reads `record`, `alert` and `expr`.
   */
  node(node: YamlNode | null | undefined): { value: string; pos: SourcePos } {
    if (node === undefined) return { value: '', pos: NO_POS };
    const n = this.resolve(node);
    // As in 2.42, a null written out (`~`, `null`) is that text; only an empty value is "".
    const value = n !== null && isScalar(n) ? String(n.value) : '';
    return { value, pos: node === null ? NO_POS : this.pos(node) };
  }
}
