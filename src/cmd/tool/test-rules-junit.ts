/**
 * JUnit XML for `test rules --junit=<file>`: `<testsuites>` with one `<testsuite>` per test
 * file (counts and timestamp) and one `<testcase>` per test group run, holding a `<failure>`
 * per mismatch; a file that could not be loaded gets an `<error>` instead of test cases.
 */

/** One test group's result. */
export interface JunitCase {
  readonly name: string;
  readonly failures: readonly string[];
}

/** One test file's result. */
export interface JunitSuite {
  readonly name: string;
  readonly cases: JunitCase[];
  /** Why the file could not be run at all. */
  error: string | undefined;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** The XML document for `suites`, stamped with `now`. */
export function junitXml(suites: readonly JunitSuite[], now: Date): string {
  const ts = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites>'];
  for (const s of suites) {
    const failures = s.cases.filter((c) => c.failures.length > 0).length;
    const errors = s.error !== undefined ? 1 : 0;
    out.push(`  <testsuite name="${esc(s.name)}" tests="${s.cases.length}" failures="${failures}" errors="${errors}" skipped="0" timestamp="${ts}">`);
    if (s.error !== undefined) out.push(`    <error>${esc(s.error)}</error>`);
    for (const c of s.cases) {
      if (c.failures.length === 0) {
        out.push(`    <testcase name="${esc(c.name)}"></testcase>`);
        continue;
      }
      out.push(`    <testcase name="${esc(c.name)}">`);
      for (const f of c.failures) out.push(`      <failure>${esc(f)}</failure>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}
