/**
 * Loading a configuration: YAML → tree → schemas → `Config`, then what upstream's `Load` and
 * `LoadFile` add (environment expansion in external labels, agent-mode restrictions) and the
 * scrape configs of `scrape_config_files` (upstream's `GetScrapeConfigs`). Every failure is a
 * `ConfigError` with position, field path and upstream's text.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { configSchema, scrapeConfigsFileSchema, type Config } from './config-schema.js';
import { ConfigError } from './errors.js';
import { quoteString } from '../model/labels/index.js';
import { goFileError } from '../util/index.js';
import { goGlob } from './glob.js';
import { SchemaFail, UNKNOWN_KEY, nested, withConfigDir, type IssueKind } from './leaves.js';
import { validateScrapeConfig, type ScrapeConfig } from './scrape.js';
import { YamlSyntaxError, parseYamlTree, type SourcePos, type YamlTree } from './yaml-tree.js';

/** Options of `loadConfig` / `loadConfigFile`. */
export interface LoadOptions {
  /** Agent mode (`--agent`): `alerting`, `rule_files` and `remote_read` are rejected. */
  agentMode?: boolean;
  /** Environment for `${VAR}` in external labels; defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Read the files of `scrape_config_files` (default true). */
  resolveScrapeConfigFiles?: boolean;
  /** Receives warnings (an external label referring to an empty variable). */
  onWarning?: (message: string) => void;
}

const included = new WeakMap<Config, ScrapeConfig[]>();

/**
 * All scrape configs of a loaded config in upstream's order: those of the main file, then
 * those of each `scrape_config_files` match (upstream's `GetScrapeConfigs`).
 */
export function getScrapeConfigs(cfg: Config): ScrapeConfig[] {
  return [...cfg.scrape_configs, ...(included.get(cfg) ?? [])];
}

/**
 * Reads and loads the configuration file at `path`. Rejects with `ConfigError` (whose
 * message for an unreadable file is Go's, e.g. `open x.yml: no such file or directory`).
 */
export async function loadConfigFile(path: string, opts: LoadOptions = {}): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError({ file: path, line: 0, column: 0, segments: [], reason: goFileError(err, 'open', path), upstreamPrefix: '' }, { cause: err });
  }
  return loadConfig(text, path, opts);
}

/**
 * Loads configuration `text` read from `filename` (relative paths in it resolve against the
 * file's folder). Synchronous; it reads the files of `scrape_config_files` unless told not
 * to. Throws `ConfigError`.
 */
export function loadConfig(text: string, filename: string, opts: LoadOptions = {}): Config {
  const prefix = `parsing YAML file ${filename}: `;
  const tree = parseTree(text, filename, prefix);
  const result = withConfigDir(dirname(filename), () => configSchema.safeParse(tree.root));
  if (!result.success) throw errorFromIssues(result.error.issues, tree, filename, prefix);
  const cfg = result.data;
  expandExternalLabels(cfg, opts);
  if (opts.agentMode) {
    const reject = (key: string) => {
      const pos = tree.posOf([key], true);
      throw new ConfigError({ file: filename, line: pos.line, column: pos.col, segments: [key], reason: `field ${key} is not allowed in agent mode`, upstreamPrefix: '' });
    };
    if (cfg.alerting.alertmanagers.length > 0 || cfg.alerting.alert_relabel_configs.length > 0) reject('alerting');
    if (cfg.rule_files.length > 0) reject('rule_files');
    if (cfg.remote_read.length > 0) reject('remote_read');
  }
  if (opts.resolveScrapeConfigFiles ?? true) included.set(cfg, loadScrapeConfigFiles(cfg));
  return cfg;
}

function parseTree(text: string, filename: string, prefix: string): YamlTree {
  try {
    return parseYamlTree(text);
  } catch (err) {
    if (err instanceof YamlSyntaxError) {
      throw new ConfigError({ file: filename, line: err.pos.line, column: err.pos.col, segments: [], reason: err.message, upstreamPrefix: prefix });
    }
    throw err;
  }
}

interface Located {
  kind: IssueKind;
  message: string;
  segments: PropertyKey[];
  pos: SourcePos;
}

function before(a: SourcePos, b: SourcePos): boolean {
  return a.line < b.line || (a.line === b.line && a.col < b.col);
}

/**
 * Turns schema issues into one `ConfigError`, choosing what yaml.v2 reports: the first
 * validation failure in document order if there is one (it aborts decoding), otherwise every
 * type error under `yaml: unmarshal errors:`.
 */
function errorFromIssues(issues: readonly z.core.$ZodIssue[], tree: YamlTree, file: string, prefix: string): ConfigError {
  const located: Located[] = [];
  const add = (kind: IssueKind, message: string, segments: PropertyKey[], atKey: boolean) => located.push({ kind, message, segments, pos: tree.posOf(segments, atKey) });
  const visit = (iss: z.core.$ZodIssue, base: PropertyKey[]) => {
    const segments = [...base, ...iss.path];
    if (iss.code === 'unrecognized_keys') {
      for (const k of iss.keys) add('type', iss.message.replace(UNKNOWN_KEY, k), [...segments, k], true);
    } else if (iss.code === 'invalid_union') {
      for (const branch of iss.errors) for (const sub of branch) visit(sub, segments);
    } else if (iss.code === 'custom') {
      const params = (iss.params ?? {}) as { kind?: IssueKind; atKey?: boolean };
      add(params.kind ?? 'fail', iss.message, segments, params.atKey ?? false);
    } else {
      add(iss.code === 'invalid_type' ? 'type' : 'fail', iss.message, segments, false);
    }
  };
  for (const iss of issues) visit(iss, []);
  const fails = located.filter((l) => l.kind === 'fail');
  if (fails.length > 0) {
    const first = fails.reduce((a, b) => (before(b.pos, a.pos) ? b : a));
    return new ConfigError({ file, line: first.pos.line, column: first.pos.col, segments: first.segments, reason: first.message, upstreamPrefix: prefix });
  }
  const types = [...located].sort((a, b) => (before(a.pos, b.pos) ? -1 : before(b.pos, a.pos) ? 1 : 0));
  const lines = [...new Set(types.map((t) => `  line ${t.pos.line}: ${t.message}`))];
  const first = types[0]!;
  return new ConfigError({ file, line: first.pos.line, column: first.pos.col, segments: first.segments, reason: `yaml: unmarshal errors:\n${lines.join('\n')}`, upstreamPrefix: prefix });
}

/** Go's `os.Expand` with upstream's mapping: `$$` is `$`, unset or empty variables are ''. */
export function expandEnv(s: string, lookup: (name: string) => string): string {
  let out = '';
  let i = 0;
  const special = (c: string | undefined) => c !== undefined && /[*#$@!?\-0-9]/.test(c);
  for (let j = 0; j < s.length; j++) {
    if (s[j] !== '$' || j + 1 >= s.length) continue;
    out += s.slice(i, j);
    const rest = s.slice(j + 1);
    let name = '';
    let w = 0;
    if (rest[0] === '{') {
      if (rest.length > 2 && special(rest[1]) && rest[2] === '}') {
        name = rest[1]!;
        w = 3;
      } else {
        const close = rest.indexOf('}', 1);
        if (close < 0) w = 1;
        else if (close === 1) w = 2;
        else {
          name = rest.slice(1, close);
          w = close + 1;
        }
      }
    } else if (special(rest[0])) {
      name = rest[0]!;
      w = 1;
    } else {
      const m = /^[A-Za-z0-9_]*/.exec(rest)![0];
      name = m;
      w = m.length;
    }
    if (name === '' && w > 0) {
      // Bad syntax: eat the characters.
    } else if (name === '') out += '$';
    else out += lookup(name);
    j += w;
    i = j + 1;
  }
  return i === 0 ? s : out + s.slice(i);
}

function expandExternalLabels(cfg: Config, opts: LoadOptions): void {
  const env = opts.env ?? process.env;
  const labels = cfg.global.external_labels;
  for (const name of Object.keys(labels)) {
    labels[name] = expandEnv(labels[name]!, (v) => {
      if (v === '$') return '$';
      const value = env[v];
      if (value !== undefined && value !== '') return value;
      opts.onWarning?.(`Empty environment variable ${v} in external label ${name}`);
      return '';
    });
  }
}

/** Upstream's `GetScrapeConfigs` for the files of `scrape_config_files`. */
function loadScrapeConfigFiles(cfg: Config): ScrapeConfig[] {
  const out: ScrapeConfig[] = [];
  const jobs = new Map<string, string>(cfg.scrape_configs.map((sc) => [sc.job_name, 'main config file']));
  for (const pattern of cfg.scrape_config_files) {
    for (const file of goGlob(pattern)) {
      const abs = resolve(file);
      const prefix = `${quoteString(abs)}: `;
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new ConfigError({ file, line: 0, column: 0, segments: [], reason: goFileError(err, 'open', file), upstreamPrefix: prefix }, { cause: err });
      }
      const tree = parseTree(text, file, prefix);
      const result = withConfigDir(dirname(file), () => scrapeConfigsFileSchema.safeParse(tree.root));
      if (!result.success) throw errorFromIssues(result.error.issues, tree, file, prefix);
      result.data.scrape_configs.forEach((raw, i) => {
        let sc: ScrapeConfig;
        try {
          sc = nested(['scrape_configs', i], () => validateScrapeConfig(raw, cfg.global));
        } catch (err) {
          if (!(err instanceof SchemaFail)) throw err;
          const pos = tree.posOf(err.path, err.atKey);
          throw new ConfigError({ file, line: pos.line, column: pos.col, segments: err.path, reason: err.message, upstreamPrefix: prefix });
        }
        const first = jobs.get(sc.job_name);
        if (first !== undefined) {
          const pos = tree.posOf(['scrape_configs', i, 'job_name']);
          throw new ConfigError({
            file,
            line: pos.line,
            column: pos.col,
            segments: ['scrape_configs', i, 'job_name'],
            reason: `found multiple scrape configs with job name ${quoteString(sc.job_name)}, first found in ${first}`,
            upstreamPrefix: prefix,
          });
        }
        jobs.set(sc.job_name, quoteString(abs));
        out.push(sc);
      });
    }
  }
  return out;
}
