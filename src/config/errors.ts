/**
 * `ConfigError`: every problem with a configuration file, located (file, 1-based line and
 * column, field path such as `scrape_configs[0].relabel_configs[1].regex`) and carrying
 * upstream's own text.
 */
import { IgnisError } from '../util/index.js';
import { quoteString } from '../model/labels/index.js';

/** Where and why a configuration was rejected. */
export interface ConfigErrorInit {
  file: string;
  /** 1-based; 0 when the error has no position (the file could not be read). */
  line: number;
  column: number;
  /** The field path as segments (map keys and list indexes). */
  segments: readonly PropertyKey[];
  /** Upstream's error text, without any file prefix. */
  reason: string;
  /**
   * The text upstream puts before `reason` (`parsing YAML file <file>: ` for errors found
   * while loading the main file), or ''.
   */
  upstreamPrefix: string;
}

/**
 * A configuration file that cannot be loaded. The message is
 * `<file>:<line>:<col>: <field path>: <upstream message>`, where the upstream message is what
 * Prometheus itself prints (e.g. `parsing YAML file prometheus.yml: job_name is empty`).
 */
export class ConfigError extends IgnisError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The field path, e.g. `scrape_configs[0].job_name`; '' for the whole document. */
  readonly path: string;
  /** Upstream's text of the problem, without file prefix. */
  readonly reason: string;
  /** What upstream would print for this error (prefix plus reason). */
  readonly upstreamMessage: string;

  constructor(init: ConfigErrorInit, options?: { cause?: unknown }) {
    const path = formatFieldPath(init.segments);
    const upstream = init.upstreamPrefix + init.reason;
    const where = init.line > 0 ? `${init.file}:${init.line}:${init.column}: ` : '';
    super(`${where}${path ? path + ': ' : ''}${upstream}`, options);
    this.file = init.file;
    this.line = init.line;
    this.column = init.column;
    this.path = path;
    this.reason = init.reason;
    this.upstreamMessage = upstream;
  }
}

/** Formats path segments as `a.b[0].c`; keys that are not identifiers are quoted (`labels["a.b"]`). */
export function formatFieldPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (typeof s === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${quoteString(String(s))}]`;
  }
  return out;
}
