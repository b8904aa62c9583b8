import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonString } from './go-json-string.js';

/** Where Go 1.19's encoding/json (with HTML escaping) differs from `JSON.stringify`'s escapes. */
const GO_FOR: Readonly<Record<string, string>> = {
  '\\b': '\\u0008',
  '\\f': '\\u000c',
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * The reference: `JSON.stringify` (well-formed: lone surrogates as `\udXXX`), then, reading its
 * escapes left to right, Go's forms for `\b`, `\f`, HTML characters, the line separators, and
 * `\ufffd` for lone surrogates (Go sees invalid UTF-8).
 */
function reference(s: string): string {
  return JSON.stringify(s).replace(/\\u[0-9a-f]{4}|\\.|[<>&\u2028\u2029]/g, (m) => {
    if (/^\\ud[89a-f]/.test(m)) return '\\ufffd';
    return GO_FOR[m] ?? m;
  });
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

test('jsonString: Go 1.19 encoding/json forms', () => {
  assert.equal(jsonString('plain'), '"plain"');
  assert.equal(jsonString(''), '""');
  assert.equal(jsonString('/a<b>&"c\\\n\u2028é'), '"/a\\u003cb\\u003e\\u0026\\"c\\\\\\n\\u2028é"');
  assert.equal(jsonString('\b\f\t\r\u0001\u001f\u007f'), '"\\u0008\\u000c\\t\\r\\u0001\\u001f\u007f"');
  assert.equal(jsonString('a\ud800b\udc00😀\udbff'), '"a\\ufffdb\\ufffd😀\\ufffd"');
  assert.equal(jsonString('\\b'), '"\\\\b"', 'a backslash before b is not a backspace');
});

test('jsonString equals JSON.stringify with Go differences, for any string', () => {
  const chars = fc.oneof(
    fc.constantFrom('\b', '\f', '\n', '\r', '\t', '\u0000', '\u001f', '\u007f', '"', '\\', '<', '>', '&', '\u2028', '\u2029', 'b', 'f', 'u', '\ud800', '\udbff', '\udc00', '\udfff', '😀', 'é'),
    fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  );
  fc.assert(
    fc.property(fc.array(chars, { maxLength: 40 }), (parts) => {
      const s = parts.join('');
      const got = jsonString(s);
      assert.equal(got, reference(s));
      assert.equal(JSON.parse(got), s.replace(LONE_SURROGATE, '\ufffd'));
    }),
    { numRuns: 2000 },
  );
});
