import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDecimal, parseGoFloat, parseIntMs, parseLabelFloat, parseOMTimestampMs } from './number.js';

const at = (f: (b: Buffer, s: number, e: number) => number | undefined, text: string): number | undefined => {
  // Surround the text so that the functions must respect the span bounds.
  const b = Buffer.from(`9${text}9`, 'latin1');
  return f(b, 1, b.length - 1);
};

test('parseGoFloat: Go ParseFloat syntax minus p, P and _', () => {
  const cases: [string, number | undefined][] = [
    ['0', 0],
    ['-0', -0],
    ['+1', 1],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['1E+3', 1000],
    ['2.5e-3', 0.0025],
    ['0000012', 12],
    ['9223372036854775808', 9223372036854775808],
    ['123456789012345678901234567890', 1.2345678901234568e29],
    ['1e308', 1e308],
    ['4.9e-324', 5e-324],
    ['1e-400', 0],
    ['NaN', NaN],
    ['nan', NaN],
    ['Inf', Infinity],
    ['+inf', Infinity],
    ['-Infinity', -Infinity],
    ['INFINITY', Infinity],
    ['1e309', undefined],
    ['-1e309', undefined],
    ['+NaN', undefined],
    ['infin', undefined],
    ['0x1p3', undefined],
    ['0x10', undefined],
    ['1_000', undefined],
    ['', undefined],
    ['+', undefined],
    ['.', undefined],
    ['1e', undefined],
    ['1e+', undefined],
    ['e5', undefined],
    ['1.2.3', undefined],
    [' 1', undefined],
    ['1 ', undefined],
  ];
  for (const [text, want] of cases) assert.equal(at(parseGoFloat, text), want, text);
});

test('parseLabelFloat: a whole label value as expfmt reads le and quantile', () => {
  const cases: [string, number | undefined][] = [
    ['0.5', 0.5],
    ['+Inf', Infinity],
    ['1.', 1],
    ['.5', 0.5],
    ['NaN', NaN],
    ['', undefined],
    ['0x1', undefined],
    ['0x1p-3', undefined],
    ['1_0', undefined],
    ['9E1909', undefined],
    ['é', undefined],
  ];
  for (const [text, want] of cases) assert.equal(parseLabelFloat(text), want, text);
});

test('parseOMTimestampMs: seconds to milliseconds truncated like Prometheus (int64(seconds * 1000)), no special values', () => {
  const cases: [string, number | undefined][] = [
    ['0', 0],
    ['000', 0],
    ['-0', 0],
    ['1', 1000],
    ['1.5', 1500],
    ['1.5009', 1500],
    ['1.0005', 1000],
    ['1.0004999', 1000],
    ['1.9999', 1999],
    // 1.001 * 1000 is 1000.9999999999999 in doubles: Prometheus stores 1000.
    ['1.001', 1000],
    ['-2.25', -2250],
    ['-1.5009', -1500],
    ['1.5e3', 1500000],
    ['1700215884.373', 1700215884373],
    ['1.7268398142239082e+09', 1726839814223],
    ['0.0000000001', 0],
    ['12345678901234567890.1234567890', 12345678901234567890123],
    ['NaN', undefined],
    ['Inf', undefined],
    ['-Inf', undefined],
    ['0x1p-3', undefined],
    ['1_2', undefined],
    ['1z', undefined],
  ];
  for (const [text, want] of cases) assert.equal(at(parseOMTimestampMs, text), want, text);
});

test('parseIntMs: int64 milliseconds, digits only', () => {
  const cases: [string, number | undefined][] = [
    ['0', 0],
    ['1700000000000', 1700000000000],
    ['9223372036854775807', 9223372036854775807],
    ['9223372036854775808', undefined],
    ['99999999999999999999', undefined],
    ['-1', undefined],
    ['+1', undefined],
    ['1.0', undefined],
    ['', undefined],
  ];
  for (const [text, want] of cases) assert.equal(at(parseIntMs, text), want, text);
});

test('parseDecimal agrees with Number() on every rendering of random doubles', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 20 }), (x, digits) => {
      for (const text of [String(x), x.toExponential(digits), x.toPrecision(digits + 1), Math.abs(x) < 1e21 ? x.toFixed(digits) : String(x)]) {
        const want = Number(text);
        if (!Number.isFinite(want)) assert.equal(at(parseDecimal, text), undefined, text); // rounded up past the largest double
        else assert.ok(Object.is(at(parseDecimal, text), want), `${text}: ${at(parseDecimal, text)} vs ${want}`);
      }
    }),
    { numRuns: 3000 },
  );
});

test('parseDecimal agrees with Number() on random digit strings (long mantissas, exponents)', () => {
  const digitString = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 30 });
  fc.assert(
    fc.property(digitString, fc.option(digitString), fc.option(fc.integer({ min: -340, max: 320 })), (int, frac, exp) => {
      const text = `${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : `e${exp}`}`;
      const want = Number(text);
      const got = at(parseDecimal, text);
      if (Number.isFinite(want)) assert.ok(Object.is(got, want), `${text}: ${got} vs ${want}`);
      else assert.equal(got, undefined, text);
    }),
    { numRuns: 3000 },
  );
});
