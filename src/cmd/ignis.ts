#!/usr/bin/env -S node --no-concurrent-marking
/**
 * The `ignis` binary: `ignis <subcommand> [flags]`. Each subcommand is one Prometheus-family
 * program with upstream flag names (`server` is `prometheus`, `tool` is `promtool`, …).
 * Exit codes: what the subcommand returns; 2 for a bad command line.
 */
import { main } from './main.js';
import { enableLinearRegexFallback } from '../model/labels/index.js';

// RE2 guarantees linear-time matching; V8 gives the same protection only with this flag, which
// must be set before any user-supplied regex is compiled.
enableLinearRegexFallback();

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`ignis: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
