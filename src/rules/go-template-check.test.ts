/**
 * The Go template syntax check, differentially against Go itself: promtool 2.42 parses every
 * annotation of an alerting rule with Go's text/template, so a rule file with many generated
 * annotations gets Go's verdict (and error text) for each. Oracle: the real binary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, skipWithoutBinary } from '../../test/support/peers.js';
import { checkTemplateSyntax } from './index.js';

/** Token-level pieces: lexical and grammar corners. */
const TOKENS = ['{{', '}}', '{{-', '-}}', ' ', ' ', 'x', '.', '.a', '$', '$labels', '$x', ':=', '=', '|', '(', ')', '"s"', '`r`', "'c'", '1', '1.5', '-2', 'if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true', 'printf', 'humanize', 'len', 'foo', ',', '/*', '*/', '\n', '"', '@', '0x1', '1e', 'and', '$value'];
/** Whole actions: control structures and variable scopes. */
const ACTIONS = ['{{if .x}}', '{{else}}', '{{end}}', '{{range $i, $v := .}}', '{{range .}}', '{{$a := 1}}', '{{$a}}', '{{$i}}', '{{$v}}', '{{break}}', '{{continue}}', '{{define "n"}}', '{{define "m"}}x', '{{block "b" .}}', '{{with $w := .}}', '{{$w}}', '{{else if 1}}', '{{template "n"}}', '{{template "n" $a}}', 'text', '{{- .x -}}', '{{/* c */}}', ' ', '{{($a)}}', '{{$a = 2}}', '{{if $a := 1}}', '{{$labels.x}}', '\n'];
/** Literals whose escapes Go's strconv refuses or accepts (octal over \377, surrogates, quotes). */
const LITERALS = ['{{ "\\777" }}', '{{ "\\ud800" }}', '{{ "\\U00110000" }}', '{{ "\\U0001F600\\x41\\101" }}', '{{ "\\\'" }}', "{{ '\\q' }}", "{{ 'ab' }}", "{{ '' }}", "{{ '\\777' }}", "{{ '\\x4' }}", "{{ 'é' }}", "{{ '\\'' }}", "{{ '\\\"' }}", "{{ '\"' }}"];

/** A deterministic generator (LCG), so that a failure reproduces. */
function generate(pieces: readonly string[], count: number, seed: number): string[] {
  let s = seed;
  const rnd = (n: number): number => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return (s >>> 16) % n; // the high bits: an LCG's low bits repeat with a short period
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let t = '';
    const len = 2 + rnd(10);
    for (let j = 0; j < len; j++) t += pieces[rnd(pieces.length)];
    out.push(pieces === TOKENS && rnd(2) === 1 ? `{{ ${t} }}` : t);
  }
  return out;
}

const DEFS = '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

test('generated templates: same verdict and error text as Go (oracle: promtool 2.42)', { skip: skipWithoutBinary('promtool') }, (t) => {
  const templates = [...generate(TOKENS, 400, 7), ...generate(ACTIONS, 400, 11), ...LITERALS];
  const dir = mkdtempSync(join(tmpdir(), 'ignis-template-'));
  try {
    const file = join(dir, 'rules.yml');
    const annotations = templates.map((x, i) => `          a${i}: ${JSON.stringify(x)}\n`).join('');
    writeFileSync(file, `groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        annotations:\n${annotations}`);
    const p = spawnSync(findBinary('promtool')!, ['check', 'rules', file], { encoding: 'utf8', timeout: 30_000 });
    const go = new Map<number, string>();
    for (const line of p.stderr.split('\n')) {
      const m = /annotation "a(\d+)": (.*)$/.exec(line);
      if (m) go.set(Number(m[1]), m[2]!);
    }
    assert.ok(go.size > 100 && go.size < templates.length - 100, `a mix of valid and invalid templates (${go.size} invalid)`);
    const diffs: string[] = [];
    templates.forEach((x, i) => {
      const ours = checkTemplateSyntax('__alert_A', DEFS + x);
      if (ours !== go.get(i)) diffs.push(`${JSON.stringify(x)}: ours ${ours}, go ${go.get(i)}`);
    });
    t.diagnostic(`templates vs Go: ${templates.length - diffs.length}/${templates.length} identical (${go.size} rejected by Go)`);
    assert.deepEqual(diffs, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('never throws on arbitrary input', () => {
  const templates = generate([...TOKENS, ...ACTIONS, '\u00e9', '\u{1f600}', '{', '}', '\\', '\t'], 2000, 3);
  for (const x of templates) {
    const r = checkTemplateSyntax('t', x);
    assert.ok(r === undefined || r.startsWith('template: t:'), r);
  }
});
