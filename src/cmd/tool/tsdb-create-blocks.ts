/**
 * `ignis tool tsdb create-blocks-from openmetrics FILE [DIR]` (promtool's backfill): turns an
 * OpenMetrics file whose samples all carry timestamps into blocks under DIR (default `data`),
 * with promtool's flags `-r/--human-readable`, `-q/--quiet` and `--max-block-duration`
 * (accepted before or after `openmetrics`, as kingpin does). Each block is printed as it is
 * written, as one row of the `tsdb list` table (the first with the header), unless `--quiet`.
 *
 * Errors go to stderr with exit code 1: `getting min and max timestamp: next: FILE:LINE:COL: …`
 * for malformed input, `block creation: process blocks: add sample: …` for samples upstream
 * refuses. Nothing is left behind then: blocks already written are removed, and an output
 * directory this run created is removed when empty (promtool keeps both).
 */
import * as fs from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command, CommandIO } from '../command.js';
import { UsageError, type FlagSpec, type ParsedFlags } from '../flags.js';
import { errorMessage, goFileError } from '../../util/index.js';
import { BackfillError, backfillOpenMetrics, type BackfillProgress } from './tsdb-backfill.js';
import { parseGoDuration } from './tsdb-format.js';
import { formatBlockTable } from './tsdb-list.js';
import { blockSize } from './tsdb-open.js';
import { ProgressLine, percent } from './tsdb-progress.js';

/** promtool's default output directory of `create-blocks-from openmetrics`. */
export const DEFAULT_OUTPUT_DIR = 'data';

const FLAGS: readonly FlagSpec[] = [
  { name: 'human-readable', short: 'r', type: 'boolean', default: false, help: 'Print human readable values.' },
  { name: 'quiet', short: 'q', type: 'boolean', default: false, help: 'Do not print created blocks.' },
  {
    name: 'max-block-duration',
    type: 'string',
    placeholder: '<duration>',
    help: 'Maximum duration created blocks may span. Anything less than 2h is ignored.',
  },
];

const OPENMETRICS_SPEC = {
  name: 'ignis tool tsdb create-blocks-from openmetrics',
  summary: 'Import samples from OpenMetrics input and produce TSDB blocks. Please refer to the storage docs for more details.',
  args: '<input file> [<output directory>]',
  flags: FLAGS,
};

/** Creates `dir` (and missing parents); returns the topmost directory created, if any. */
function makeDir(dir: string): string | undefined {
  return fs.mkdirSync(dir, { recursive: true });
}

/** Removes `dir` and its parents up to `top` (the directories this run created) while they are empty. */
function removeIfEmpty(dir: string, top: string): void {
  const stop = resolve(top);
  try {
    for (let d = resolve(dir); d.startsWith(stop); d = dirname(d)) {
      if (fs.readdirSync(d).length > 0) return;
      fs.rmdirSync(d);
      if (d === stop) return;
    }
  } catch {
    // best effort: nothing was written into it
  }
}

function describe(p: BackfillProgress): string {
  if (p.phase === 'scan') return `create-blocks-from: scanning timestamps ${percent(p.bytesRead, p.bytesTotal)}`;
  return `create-blocks-from: block range ${p.range}/${p.ranges}: ${percent(p.bytesRead, p.bytesTotal)} of the input read`;
}

/** Runs the backfill for parsed flags; `positionals` are FILE [DIR]. */
async function runOpenMetrics(flags: ParsedFlags, io: CommandIO): Promise<number> {
  const [file, outDir = DEFAULT_OUTPUT_DIR, extra] = flags.positionals;
  if (file === undefined) throw new UsageError("required argument 'input file' not provided", OPENMETRICS_SPEC);
  if (extra !== undefined) throw new UsageError(`unexpected ${extra}`, OPENMETRICS_SPEC);
  let maxBlockDurationMs = 0;
  const mbd = flags.values['max-block-duration'];
  if (typeof mbd === 'string') {
    try {
      maxBlockDurationMs = parseGoDuration(mbd);
    } catch (err) {
      throw new UsageError(`${errorMessage(err)} for flag --max-block-duration`, OPENMETRICS_SPEC);
    }
  }
  const humanReadable = flags.values['human-readable'] === true;
  const quiet = flags.values.quiet === true;

  let input: Buffer;
  try {
    input = fs.readFileSync(file);
  } catch (err) {
    io.stderr(`${inputFileError(err, file)}\n`);
    return 1;
  }
  let created: string | undefined;
  try {
    created = makeDir(outDir);
  } catch (err) {
    io.stderr(`create output dir: ${errorMessage(err)}\n`);
    return 1;
  }

  const progress = new ProgressLine(io, !quiet);
  let wroteHeader = false;
  try {
    backfillOpenMetrics(input, outDir, {
      maxBlockDurationMs,
      source: file,
      onProgress: (p) => progress.update(() => describe(p)),
      onBlock: (meta, dir) => {
        if (quiet) return;
        progress.clear();
        io.stdout(formatBlockTable([{ dir, meta, size: blockSize(dir) }], !wroteHeader, humanReadable));
        wroteHeader = true;
      },
    });
  } catch (err) {
    progress.clear();
    if (created !== undefined) removeIfEmpty(outDir, created);
    if (err instanceof BackfillError) {
      io.stderr(`${err.message}\n`);
      return 1;
    }
    io.stderr(`block creation: ${errorMessage(err)}\n`);
    return 1;
  }
  progress.clear();
  return 0;
}

/** `ignis tool tsdb create-blocks-from openmetrics` */
export const tsdbCreateBlocksOpenMetricsCommand: Command = {
  spec: OPENMETRICS_SPEC,
  run: runOpenMetrics,
};

const GROUP_SPEC = {
  name: 'ignis tool tsdb create-blocks-from',
  summary: '[Experimental] Import samples from input and produce TSDB blocks. Please refer to the storage docs for more details.',
  args: '<command> [<args> ...]',
  flags: FLAGS,
};

/**
 * `ignis tool tsdb create-blocks-from`: holds the `openmetrics` verb; its flags may also come
 * before the verb (`create-blocks-from -r openmetrics FILE`), as with promtool.
 */
export const tsdbCreateBlocksCommand: Command = {
  spec: GROUP_SPEC,
  subcommands: new Map([['openmetrics', tsdbCreateBlocksOpenMetricsCommand]]),
  async run(flags, io) {
    const [verb, ...rest] = flags.positionals;
    if (verb === 'openmetrics') return runOpenMetrics({ values: flags.values, positionals: rest }, io);
    const what = verb === undefined ? 'expected command but got none' : `expected command but got "${verb}"`;
    io.stderr(`${GROUP_SPEC.name}: error: ${what}\n\nCommands:\n  openmetrics         ${OPENMETRICS_SPEC.summary}\n`);
    return 2;
  },
};

/**
 * promtool 2.42's text when the input file cannot be memory-mapped: a failed open is
 * `try lock file: open <file>: <errno text>`; a directory opens but cannot be mapped, which Go
 * reports as `mmap, size <directory size>: no such device`.
 */
function inputFileError(err: unknown, file: string): string {
  if ((err as NodeJS.ErrnoException).code === 'EISDIR') {
    const size = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    return `mmap, size ${size}: no such device`;
  }
  return `try lock file: ${goFileError(err, 'open', file)}`;
}
