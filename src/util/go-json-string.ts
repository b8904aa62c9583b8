/**
 * JSON string literals exactly as Go's `encoding/json` (Go 1.19, what Prometheus 2.42 and
 * Alertmanager 0.25 are built with) writes them from `json.Marshal`, which escapes HTML.
 * Both the HTTP API's answers and the notifier's Alertmanager payload (go-swagger models
 * marshalled with `json.Marshal`) are written this way.
 */

// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\<>&\u0000-\u001f\u2028\u2029\ud800-\udfff]/;
const HEX = '0123456789abcdef';

/**
 * `s` as a quoted JSON string, byte for byte what Go 1.19's `json.Marshal` writes for the same
 * text:
 * - `"` and `\` as `\"` and `\\`; newline, carriage return and tab as `\n`, `\r`, `\t`;
 * - every other control character below U+0020 as `\u00XX` with lowercase hex (so backspace
 *   and form feed are `\u0008` and `\u000c`: Go added `\b`/`\f` only in 1.22); DEL is kept;
 * - `<`, `>`, `&` as `\u003c`, `\u003e`, `\u0026` (HTML escaping), U+2028 and U+2029 as
 *   `\u2028`, `\u2029`;
 * - a lone surrogate, which has no UTF-8 and which Go sees as invalid UTF-8, as `\ufffd`;
 * - everything else, surrogate pairs included, verbatim.
 * The result is valid JSON that `JSON.parse` reads back to `s` when `s` is well-formed UTF-16.
 */
export function jsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20) {
      esc = c === 0x0a ? '\\n' : c === 0x0d ? '\\r' : c === 0x09 ? '\\t' : '\\u00' + HEX[c >> 4]! + HEX[c & 15]!;
    } else if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = '\\\\';
    else if (c === 0x3c) esc = '\\u003c';
    else if (c === 0x3e) esc = '\\u003e';
    else if (c === 0x26) esc = '\\u0026';
    else if (c === 0x2028) esc = '\\u2028';
    else if (c === 0x2029) esc = '\\u2029';
    else if (c >= 0xd800 && c <= 0xdfff) {
      const d = s.charCodeAt(i + 1);
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        i++; // a valid pair: kept as is
        continue;
      }
      esc = '\\ufffd';
    } else continue;
    out += s.slice(start, i) + esc;
    start = i + 1;
  }
  return out + s.slice(start) + '"';
}
