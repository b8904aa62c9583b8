/**
 * Node TLS connection options from the `tls_config` block of an HTTP client configuration
 * (prometheus/common's `TLSConfig`), as structural types so that any layer can use them.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions, SecureVersion } from 'node:tls';

/** A secret from the configuration: only `reveal()` gives the value. */
export interface RevealableSecret {
  reveal(): string;
}

/** `tls_config`: inline or file PEMs, SNI name, verification, version bounds (`TLS12`, …). */
export interface TLSSettings {
  readonly ca: string;
  readonly cert: string;
  readonly key: RevealableSecret;
  readonly ca_file: string;
  readonly cert_file: string;
  readonly key_file: string;
  readonly server_name: string;
  readonly insecure_skip_verify: boolean;
  readonly min_version: string;
  readonly max_version: string;
}

const TLS_VERSIONS: Record<string, SecureVersion> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };

/**
 * Node TLS options for `t`: inline or file CA, client certificate and key (inline wins over the
 * file), SNI name, `insecure_skip_verify`, and the version bounds (minimum TLS 1.2 when unset,
 * like Go; an unknown maximum is left unset). Reads the files now; a missing or unreadable file
 * throws with the path in the message.
 */
export function tlsConnectionOptions(t: TLSSettings): ConnectionOptions {
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw new Error(`unable to read ${what} ${path}: ${(err as Error).message}`, { cause: err });
    }
  };
  const opts: ConnectionOptions = { rejectUnauthorized: !t.insecure_skip_verify, minVersion: TLS_VERSIONS[t.min_version] ?? 'TLSv1.2' };
  const max = TLS_VERSIONS[t.max_version];
  if (max) opts.maxVersion = max;
  if (t.ca !== '') opts.ca = t.ca;
  else if (t.ca_file !== '') opts.ca = read(t.ca_file, 'CA cert');
  if (t.cert !== '') opts.cert = t.cert;
  else if (t.cert_file !== '') opts.cert = read(t.cert_file, 'client cert');
  const key = t.key.reveal();
  if (key !== '') opts.key = key;
  else if (t.key_file !== '') opts.key = read(t.key_file, 'client key');
  if (t.server_name !== '') opts.servername = t.server_name;
  return opts;
}
