/**
 * The parts of a `remote_write` / `remote_read` entry the remote storage code reads, as
 * structural types: `storage/` may not import `config/`, and config's decoded
 * `RemoteWriteConfig` / `RemoteReadConfig` are assignable to these, so the wiring passes them
 * as they are. Field names are the YAML keys; durations are milliseconds (config's unit).
 */
import { createHash } from 'node:crypto';
import type { RelabelRule } from '../../model/relabel/index.js';
import type { HeaderValuesSettings, RevealableSecret, TLSSettings } from '../../util/index.js';

/** A secret from the configuration (config's `Secret`): only `reveal()` gives the value. */
export type SecretLike = RevealableSecret;

/** A URL from the configuration; `href` is the text as written. */
export interface URLLike {
  readonly href: string;
}

/** `tls_config` (util's `TLSSettings`). */
export type RemoteTLSConfig = TLSSettings;

/** One header of `http_headers`: literal values, secret values and files holding values. */
export type RemoteHeaderValues = HeaderValuesSettings;

/** The HTTP client settings shared by remote write and remote read entries. */
export interface RemoteHTTPConfig {
  readonly url: URLLike;
  /** Request timeout, ms. */
  readonly remote_timeout: number;
  /** `headers`: extra request headers (reserved ones were refused by config validation). */
  readonly headers: Readonly<Record<string, string>>;
  readonly name: string;
  readonly basic_auth?: { readonly username: string; readonly username_file: string; readonly password: SecretLike; readonly password_file: string } | undefined;
  readonly authorization?: { readonly type: string; readonly credentials: SecretLike; readonly credentials_file: string } | undefined;
  readonly tls_config: RemoteTLSConfig;
  readonly follow_redirects?: boolean;
  readonly http_headers?: Readonly<Record<string, RemoteHeaderValues>> | undefined;
  readonly proxy_url?: URLLike | undefined;
  /** Auth methods Ignis does not implement for remote storage; present means "refuse the entry". */
  readonly oauth2?: unknown;
  readonly sigv4?: unknown;
  readonly azuread?: unknown;
  readonly google_iam?: unknown;
}

/** `queue_config` (durations in ms). */
export interface QueueSettings {
  readonly capacity: number;
  readonly max_shards: number;
  readonly min_shards: number;
  readonly max_samples_per_send: number;
  readonly batch_send_deadline: number;
  readonly min_backoff: number;
  readonly max_backoff: number;
  readonly retry_on_http_429: boolean;
}

/** A `remote_write` entry as the sender reads it. */
export interface RemoteWriteSettings extends RemoteHTTPConfig {
  readonly queue_config: QueueSettings;
  /** Rules applied after external labels are added; config builds `rule` on each entry. */
  readonly write_relabel_configs: readonly { readonly rule: RelabelRule }[];
}

/** A `remote_read` entry as the read client reads it. */
export interface RemoteReadSettings extends RemoteHTTPConfig {
  readonly read_recent: boolean;
  readonly required_matchers: Readonly<Record<string, string>>;
  readonly filter_external_labels: boolean;
}

/** Prometheus 2.42's `queue_config` defaults. */
export const DEFAULT_QUEUE_SETTINGS: QueueSettings = Object.freeze({
  capacity: 2500,
  max_shards: 200,
  min_shards: 1,
  max_samples_per_send: 500,
  batch_send_deadline: 5000,
  min_backoff: 30,
  max_backoff: 5000,
  retry_on_http_429: false,
});

/**
 * The message for an entry using an auth method Ignis does not implement for remote storage
 * (`oauth2`, `sigv4`, `azuread`, `google_iam`), or undefined. The wiring refuses such entries
 * at config load rather than sending unauthenticated requests.
 */
export function unsupportedAuth(c: RemoteHTTPConfig): string | undefined {
  for (const k of ['oauth2', 'sigv4', 'azuread', 'google_iam'] as const) {
    if (c[k] !== undefined && c[k] !== null) return `remote storage ${c.url.href}: ${k} is not supported by Ignis yet`;
  }
  return undefined;
}

/**
 * A short stable identity of an entry: the first 6 hex digits of the SHA-256 of its URL, name,
 * queue settings and relabel rules (upstream hashes the YAML of the whole entry; only equality
 * matters: equal entries keep their running queue across reloads).
 */
export function settingsHash(c: RemoteWriteSettings | RemoteReadSettings): string {
  const rules = 'write_relabel_configs' in c ? c.write_relabel_configs.map((r) => ({ ...r.rule, regex: r.rule.regex.toString() })) : [];
  const key = JSON.stringify({ url: c.url.href, name: c.name, q: 'queue_config' in c ? c.queue_config : undefined, rules, t: c.remote_timeout, h: c.headers });
  return createHash('sha256').update(key).digest('hex').slice(0, 6);
}

/** The `remote_name` label of an entry: its `name`, else its hash (as upstream). */
export function remoteName(c: RemoteWriteSettings | RemoteReadSettings): string {
  return c.name !== '' ? c.name : settingsHash(c);
}

/** The URL with any password replaced by `xxxxx`, as upstream prints it in the `url` label. */
export function redactedURL(u: URLLike): string {
  return u.href.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*:)[^/@]*@/i, '$1xxxxx@');
}

/**
 * The key a queue's position is saved under: a hash of its URL and name only, so that tuning
 * `queue_config` or relabelling keeps the place in the WAL, while a new endpoint starts afresh.
 */
export function positionKey(c: RemoteWriteSettings): string {
  return createHash('sha256').update(`${c.url.href}\n${c.name}`).digest('hex').slice(0, 16);
}
