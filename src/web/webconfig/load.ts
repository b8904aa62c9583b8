/**
 * Reading and validating a `--web.config.file` as upstream does (`getConfig` + `Validate`):
 * read, strict YAML decode, header check, relative paths joined with the file's directory,
 * then every `basic_auth_users` hash checked, then the TLS section built (reading certificate,
 * key and CA files). The first problem wins and is reported with upstream's text.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parseBcryptHash } from './bcrypt-hash.js';
import { headerConfigError } from './headers.js';
import { goFileError } from '../../util/index.js';
import { buildTLSSettings, NO_TLS_CONFIG, tlsFiles, type TLSSettings } from './tls-settings.js';
import { WebConfigError, type WebConfig } from './web-config.js';
import { decodeWebConfig, WebConfigDecodeError } from './yaml-decode.js';

/** A web config that passed every check, with what serving it needs. */
export interface LoadedWebConfig {
  /** The config file's path as given. */
  file: string;
  config: WebConfig;
  /** The TLS settings; undefined when the file sets no TLS field (plain HTTP). */
  tls: TLSSettings | undefined;
  /** The files this config depends on: itself first, then certificate, key and CA files. */
  files: string[];
}

/** Upstream's `JoinDir`: relative, non-empty paths are taken relative to `dir`. */
function joinDir(dir: string, path: string): string {
  return path === '' || isAbsolute(path) ? path : join(dir, path);
}

/**
 * Reads and decodes `file` (upstream's `getConfig`): the decoded config with TLS paths joined
 * to the file's directory. Throws `WebConfigError` for an unreadable file, bad YAML or a header
 * that may not be configured. Does not check hashes or TLS files.
 */
export function readWebConfigFile(file: string): WebConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new WebConfigError(goFileError(err, 'open', file), file, { cause: err });
  }
  return parseWebConfig(text, dirname(file), file);
}

/** Decodes web config `text` whose relative paths resolve against `dir`; `file` names it in errors. */
export function parseWebConfig(text: string, dir: string, file = ''): WebConfig {
  let cfg: WebConfig;
  try {
    cfg = decodeWebConfig(text);
  } catch (err) {
    if (err instanceof WebConfigDecodeError) throw new WebConfigError(err.message, file, { cause: err });
    throw err;
  }
  const headerErr = headerConfigError(cfg.http_server_config.headers);
  if (headerErr) throw new WebConfigError(headerErr, file);
  const t = cfg.tls_server_config;
  t.cert_file = joinDir(dir, t.cert_file);
  t.key_file = joinDir(dir, t.key_file);
  t.client_ca_file = joinDir(dir, t.client_ca_file);
  return cfg;
}

/** Checks every `basic_auth_users` hash; throws `WebConfigError` with Go's bcrypt text for the first bad one. */
export function checkUsers(cfg: WebConfig, file = ''): void {
  for (const hash of cfg.basic_auth_users.values()) {
    try {
      parseBcryptHash(hash);
    } catch (err) {
      throw new WebConfigError((err as Error).message, file, { cause: err });
    }
  }
}

/**
 * Loads `file` with every upstream check (`Validate`) and builds its TLS settings. Throws
 * `WebConfigError` with upstream's text on the first problem.
 */
export function loadWebConfigFile(file: string): LoadedWebConfig {
  const config = readWebConfigFile(file);
  checkUsers(config, file);
  let tls: TLSSettings | undefined;
  try {
    tls = buildTLSSettings(config.tls_server_config);
  } catch (err) {
    if ((err as Error).message !== NO_TLS_CONFIG) throw new WebConfigError((err as Error).message, file, { cause: err });
  }
  return { file, config, tls, files: [file, ...tlsFiles(config.tls_server_config)] };
}

/**
 * Upstream's `web.Validate` (what `promtool check web-config` runs): resolves when `file` is a
 * valid web config (an empty path is valid: no web config), else throws `WebConfigError`.
 */
export function validateWebConfigFile(file: string): void {
  if (file === '') return;
  loadWebConfigFile(file);
}
