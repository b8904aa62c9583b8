/**
 * The relabelling table checked against the real Prometheus: jobs whose static targets carry
 * labels, each job with `relabel_configs` exercising one area. The same specs become the
 * `prometheus.yml` (written as JSON, which YAML reads) and our `RelabelRule`s, so both sides
 * run literally the same rules.
 *
 * Chosen to be meaningful on Prometheus 2.42 (Debian's) as well as 3.x: every address has a
 * port (2.x appends `:80` to one without, 3.x does not), no value holds a newline (2.x relabel
 * regexes do not let `.` match `\n`), and labelmap collisions only involve labels of the
 * discovered set (2.x visits labels in name order, 3.x visits labels set by earlier rules last).
 * Names are checked under legacy validation, which is what 2.42 does.
 */
import type { RelabelRule } from '../../src/model/relabel/index.js';
import { ruleFromSpec, type RelabelSpec } from '../support/relabel-spec.js';

export type { RelabelSpec };

/** One static target: its address and the labels of its (own) target group. */
export interface TargetSpec {
  /** Unique across the table: identifies the target in Prometheus' answer. */
  case: string;
  address: string;
  labels?: Record<string, string>;
}

/** A scrape job: its rules and targets. */
export interface JobSpec {
  job: string;
  rules: RelabelSpec[];
  targets: TargetSpec[];
}

let port = 19100;
/** A distinct loopback address per target (nobody listens: only target labels are compared). */
const addr = (): string => `127.0.0.1:${port++}`;

/** The table: 9 jobs, 42 targets, every action. */
export const RELABEL_JOBS: JobSpec[] = [
  {
    job: 'replace',
    rules: [
      { source_labels: ['env'], regex: '(prod|staging)-(.*)', target_label: 'tier', replacement: '$1' },
      { source_labels: ['env'], regex: '(?P<stage>[a-z]+)-(?P<region>.*)', target_label: 'region', replacement: '${region}' },
      { source_labels: ['team', 'env'], separator: '/', target_label: 'owner' },
      { source_labels: ['env'], target_label: 'dollar', replacement: 'cost$$1' },
      { source_labels: ['env'], target_label: 'x1', replacement: '$1x' },
      { source_labels: ['env'], target_label: 'y1', replacement: '${1}y' },
      { source_labels: ['kind'], regex: '(.+)', target_label: '${1}', replacement: 'kind_is_$1' },
      { source_labels: ['drop_me'], regex: '(.*)', target_label: 'drop_me', replacement: '' },
      { source_labels: ['__address__'], regex: '127\\.0\\.0\\.1:(\\d+)', target_label: 'port', replacement: '$1' },
      { source_labels: ['absent'], target_label: 'static', replacement: 'fixed' },
      { source_labels: ['env'], regex: 'prod-.*', target_label: 'is_prod', replacement: 'yes' },
      { source_labels: ['env'], regex: '(?i)DEV', target_label: 'is_dev', replacement: 'true' },
      { source_labels: ['team'], regex: '(a)?(b)', target_label: 'groups', replacement: '[$1|$2|$0]' },
    ],
    targets: [
      { case: 'replace-prod', address: addr(), labels: { env: 'prod-eu-west', team: 'a', kind: 'web', x1: 'gone', drop_me: 'bye' } },
      { case: 'replace-staging', address: addr(), labels: { env: 'staging-us', team: 'b', kind: 'bad-name' } },
      { case: 'replace-dev', address: addr(), labels: { env: 'dev', kind: '0zero', team: 'ab' } },
      { case: 'replace-empty', address: addr(), labels: { kind: 'Db_1' } },
      { case: 'replace-unicode', address: addr(), labels: { env: 'prod-日本', team: 'ñ', kind: 'ñame' } },
    ],
  },
  {
    job: 'keepdrop',
    rules: [
      { source_labels: ['env'], regex: '.*test.*', action: 'drop' },
      { source_labels: ['keep'], regex: 'yes|maybe', action: 'keep' },
      { source_labels: ['a', 'b'], separator: ',', regex: '1,2', action: 'drop' },
      { source_labels: ['name'], regex: '\\p{Lu}.*', action: 'keep' },
    ],
    targets: [
      { case: 'kd-kept', address: addr(), labels: { keep: 'yes', name: 'Alpha' } },
      { case: 'kd-test', address: addr(), labels: { env: 'my-test-env', keep: 'yes', name: 'Beta' } },
      { case: 'kd-nokeep', address: addr(), labels: { keep: 'no', name: 'Gamma' } },
      { case: 'kd-partial', address: addr(), labels: { keep: 'yesyes', name: 'Delta' } },
      { case: 'kd-pair', address: addr(), labels: { keep: 'maybe', a: '1', b: '2', name: 'Eps' } },
      { case: 'kd-lower', address: addr(), labels: { keep: 'maybe', a: '1', b: '3', name: 'zeta' } },
    ],
  },
  {
    job: 'equal',
    rules: [
      { source_labels: ['left'], target_label: 'right', action: 'keepequal' },
      { source_labels: ['x', 'y'], target_label: 'z', action: 'dropequal' },
    ],
    targets: [
      { case: 'eq-same', address: addr(), labels: { left: 'v', right: 'v', x: '1', y: '2', z: '1;3' } },
      { case: 'eq-differ', address: addr(), labels: { left: 'v', right: 'w' } },
      { case: 'eq-both-absent', address: addr(), labels: { x: '1', y: '2', z: 'other' } },
      { case: 'eq-dropequal', address: addr(), labels: { left: 'q', right: 'q', x: '1', y: '2', z: '1;2' } },
      { case: 'eq-dropequal-empty', address: addr(), labels: { left: 'q', right: 'q' } },
    ],
  },
  {
    job: 'hashmod',
    rules: [
      { source_labels: ['__address__'], target_label: 'shard2', modulus: 2, action: 'hashmod' },
      { source_labels: ['case'], target_label: 'h7', modulus: 7, action: 'hashmod' },
      { source_labels: ['case', '__address__'], target_label: 'h1000', modulus: 1000, action: 'hashmod' },
      { source_labels: ['case'], target_label: 'hbig', modulus: 4294967311, action: 'hashmod' },
      { source_labels: ['case'], target_label: 'hhuge', modulus: 9007199254740881, action: 'hashmod' },
      { source_labels: ['utf'], target_label: 'hutf', modulus: 13, action: 'hashmod' },
      { target_label: 'hempty', modulus: 5, action: 'hashmod' },
      { source_labels: ['h7'], regex: '[0-4]', action: 'keep' },
    ],
    targets: [
      { case: 'hm-a', address: addr(), labels: { utf: 'ñandú' } },
      { case: 'hm-b', address: addr(), labels: { utf: '日本語' } },
      { case: 'hm-c', address: addr(), labels: { utf: '😀' } },
      { case: 'hm-d', address: addr() },
      { case: 'hm-e', address: addr() },
      { case: 'hm-f', address: addr() },
      { case: 'hm-g', address: addr() },
    ],
  },
  {
    job: 'labelmap',
    rules: [
      { regex: '__meta_custom_(.+)', replacement: '$1', action: 'labelmap' },
      { regex: '(team|owner)', replacement: 'copy_${1}', action: 'labelmap' },
      { regex: '[xy]_a', replacement: 'a', action: 'labelmap' },
      { regex: 'zzz(.*)', replacement: '$1', action: 'labelmap' },
    ],
    targets: [
      { case: 'lm-meta', address: addr(), labels: { __meta_custom_app: 'shop', __meta_custom_tier: 'front', team: 't1' } },
      { case: 'lm-collide', address: addr(), labels: { x_a: 'from-x', y_a: 'from-y', owner: 'o' } },
      { case: 'lm-zzz', address: addr(), labels: { zzz: 'v0', zzzq: 'v1' } },
    ],
  },
  {
    job: 'labeldropkeep',
    rules: [
      { regex: 'tmp_.*', action: 'labeldrop' },
      { regex: '__.*|job|keep_.*|case|instance', action: 'labelkeep' },
    ],
    targets: [
      { case: 'ldk-mixed', address: addr(), labels: { tmp_a: '1', keep_b: '2', other: '3' } },
      { case: 'ldk-none', address: addr(), labels: { keep_x: 'x' } },
      { case: 'ldk-tmp-keep', address: addr(), labels: { tmp_keep_c: 'dropped-first', keep_d: 'kept' } },
    ],
  },
  {
    job: 'case',
    rules: [
      { source_labels: ['name'], target_label: 'name_lower', action: 'lowercase' },
      { source_labels: ['name'], target_label: 'name_upper', action: 'uppercase' },
      { source_labels: ['name', 'other'], separator: '-', target_label: 'joined_lower', action: 'lowercase' },
      { source_labels: ['absent'], target_label: 'wipe', action: 'uppercase' },
    ],
    targets: [
      { case: 'case-ascii', address: addr(), labels: { name: 'bAr123Foo', other: 'XY', wipe: 'present' } },
      { case: 'case-sharp-s', address: addr(), labels: { name: 'Straße ẞ' } },
      { case: 'case-dotted-i', address: addr(), labels: { name: 'İstanbul ıi' } },
      { case: 'case-greek', address: addr(), labels: { name: 'ΟΔΟΣ ᾳ ᾈ ῳ' } },
      { case: 'case-ligature', address: addr(), labels: { name: 'ﬁ ﬀ ŉ ǅ' } },
      { case: 'case-astral', address: addr(), labels: { name: '𐐨𐐀 Ñandú' } },
    ],
  },
  {
    job: 'address',
    rules: [
      { source_labels: ['host', 'hport'], regex: '(.+);(.+)', target_label: '__address__', replacement: '$1:$2' },
      { source_labels: ['name'], regex: '(.+)', target_label: 'instance' },
      { source_labels: ['module'], regex: '(.+)', target_label: '__param_module' },
      { regex: '__param_(.+)', replacement: 'param_$1', action: 'labelmap' },
      { source_labels: ['path'], regex: '(.+)', target_label: '__metrics_path__' },
    ],
    targets: [
      { case: 'addr-rewrite', address: addr(), labels: { host: 'localhost', hport: '29001' } },
      { case: 'addr-instance', address: addr(), labels: { name: 'web-1' } },
      { case: 'addr-param', address: addr(), labels: { module: 'http_2xx', path: '/probe' } },
    ],
  },
  {
    job: 'chain',
    rules: [
      { source_labels: ['role'], regex: '(.*)-(.*)', target_label: '__tmp_role', replacement: '$2' },
      { source_labels: ['__tmp_role'], regex: 'primary|replica', action: 'keep' },
      { source_labels: ['__tmp_role'], target_label: 'kind', action: 'uppercase' },
      { source_labels: ['kind'], target_label: 'expect', action: 'dropequal' },
      { source_labels: ['__tmp_role', 'role'], separator: '@', target_label: 'shard', modulus: 3, action: 'hashmod' },
      { regex: 'expect', action: 'labeldrop' },
    ],
    targets: [
      { case: 'chain-primary', address: addr(), labels: { role: 'db-primary', expect: 'x' } },
      { case: 'chain-replica', address: addr(), labels: { role: 'db-replica' } },
      { case: 'chain-other', address: addr(), labels: { role: 'db-backup' } },
      { case: 'chain-equal', address: addr(), labels: { role: 'db-primary', expect: 'PRIMARY' } },
    ],
  },
];

/** `prometheus.yml` for the table, as JSON (a subset of YAML). */
export function prometheusConfig(jobs: readonly JobSpec[]): string {
  return JSON.stringify(
    {
      global: { scrape_interval: '1m', scrape_timeout: '10s', evaluation_interval: '1m' },
      scrape_configs: jobs.map((j) => ({
        job_name: j.job,
        static_configs: j.targets.map((t) => ({ targets: [t.address], labels: { case: t.case, ...t.labels } })),
        relabel_configs: j.rules,
      })),
    },
    null,
    2,
  );
}

/** Our rule for a spec, with upstream's defaults and legacy name validation (Prometheus 2.42). */
export function toRule(s: RelabelSpec): RelabelRule {
  return ruleFromSpec(s);
}

/**
 * The labels Prometheus discovers for a static target before relabelling (for a global
 * `scrape_interval: 1m`, `scrape_timeout: 10s` and default path and scheme).
 */
export function discoveredLabels(job: JobSpec, t: TargetSpec): Record<string, string> {
  return { __address__: t.address, __metrics_path__: '/metrics', __scheme__: 'http', __scrape_interval__: '1m', __scrape_timeout__: '10s', job: job.job, case: t.case, ...t.labels };
}
