/**
 * `tls_server_config` → the settings a TLS listener needs, with upstream's checks in
 * upstream's order (`ConfigToTLSConfig`): cert and key present, both readable and a matching
 * pair (Go's `tls.X509KeyPair` texts), client CA file readable, a known `client_auth_type`,
 * no client CA without a policy, `client_allowed_sans` only with a required certificate.
 * Every file is read here, at load time: the caller reloads when a file changes.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SecureContextOptions } from 'node:tls';
import { goFileError } from '../../util/index.js';
import { nodeProtocolOptions } from './tls-names.js';
import { tlsEnabled, type ClientAuthPolicy, type TLSServerConfig } from './web-config.js';

/** What a TLS listener applies to each new connection. */
export interface TLSSettings {
  /** `tls.createSecureContext` options: certificate chain, key, client CAs, protocol choices. */
  context: SecureContextOptions;
  clientAuth: ClientAuthPolicy;
  /** When set, a client certificate must carry one of these SANs (DNS, email, IP or URI). */
  allowedSans: readonly string[] | undefined;
}

/** Upstream's `errNoTLSConfig`: the file sets no TLS field, so the server speaks plain HTTP. */
export const NO_TLS_CONFIG = 'TLS config is not present';

function readText(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch (err) {
    throw new Error(goFileError(err, 'open', path), { cause: err });
  }
}

interface PemBlock {
  type: string;
  text: string;
  hasHeaders: boolean;
}

/** The PEM blocks of `data` in order (Go's `pem.Decode` loop, without its corner cases). */
function pemBlocks(data: string): PemBlock[] {
  const out: PemBlock[] = [];
  const re = /-----BEGIN ([^\r\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(data); m; m = re.exec(data)) out.push({ type: m[1]!, text: m[0], hasHeaders: /^[^\r\n]*:/m.test(m[2]!) });
  return out;
}

/** Go's `tls.X509KeyPair`: the certificate chain and key PEM texts, or an Error with Go's text. */
function x509KeyPair(certPEM: string, keyPEM: string): { cert: string; key: string } {
  const certBlocks = pemBlocks(certPEM);
  const certs = certBlocks.filter((b) => b.type === 'CERTIFICATE');
  if (certs.length === 0) {
    const skipped = certBlocks.map((b) => b.type);
    if (skipped.length === 0) throw new Error('tls: failed to find any PEM data in certificate input');
    if (skipped.some((t) => t.endsWith('PRIVATE KEY'))) throw new Error('tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched');
    throw new Error(`tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [${skipped.join(' ')}]`);
  }
  const keyBlocks = pemBlocks(keyPEM);
  const keyBlock = keyBlocks.find((b) => b.type === 'PRIVATE KEY' || b.type.endsWith(' PRIVATE KEY'));
  if (!keyBlock) {
    const skipped = keyBlocks.map((b) => b.type);
    if (skipped.length === 0) throw new Error('tls: failed to find any PEM data in key input');
    if (skipped.includes('CERTIFICATE')) throw new Error('tls: found a certificate rather than a key in the PEM for the private key');
    throw new Error(`tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [${skipped.join(' ')}]`);
  }
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(certs[0]!.text);
  } catch {
    throw new Error('x509: malformed certificate');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyBlock.text);
  } catch {
    throw new Error('tls: failed to parse private key');
  }
  if (leaf.publicKey.asymmetricKeyType !== key.asymmetricKeyType) throw new Error('tls: private key type does not match public key type');
  if (!leaf.checkPrivateKey(key)) throw new Error('tls: private key does not match public key');
  return { cert: certs.map((b) => b.text).join('\n'), key: keyBlock.text };
}

/** Go's `CertPool.AppendCertsFromPEM`: the parsable CERTIFICATE blocks, silently skipping the rest. */
function certPool(pem: string): string[] {
  return pemBlocks(pem)
    .filter((b) => b.type === 'CERTIFICATE' && !b.hasHeaders)
    .filter((b) => {
      try {
        new X509Certificate(b.text);
        return true;
      } catch {
        return false;
      }
    })
    .map((b) => b.text);
}

function clientAuthPolicy(name: string): ClientAuthPolicy {
  switch (name) {
    case 'RequestClientCert':
      return 'RequestClientCert';
    case 'RequireAnyClientCert':
    case 'RequireClientCert': // upstream keeps the old name working
      return 'RequireAnyClientCert';
    case 'VerifyClientCertIfGiven':
      return 'VerifyClientCertIfGiven';
    case 'RequireAndVerifyClientCert':
      return 'RequireAndVerifyClientCert';
    case '':
    case 'NoClientCert':
      return 'NoClientCert';
    default:
      throw new Error(`invalid ClientAuth: ${name}`);
  }
}

/**
 * Builds the TLS settings of a decoded (path-joined) `tls_server_config`. Throws an Error
 * with upstream's text when the config is invalid, and `NO_TLS_CONFIG` when no TLS field is set.
 */
export function buildTLSSettings(t: TLSServerConfig): TLSSettings {
  if (!tlsEnabled(t)) throw new Error(NO_TLS_CONFIG);
  if (t.cert_file === '' && t.cert === '') throw new Error('missing one of cert or cert_file');
  if (t.key_file === '' && t.key === '') throw new Error('missing one of key or key_file');
  let certPEM: string;
  let keyPEM: string;
  try {
    certPEM = t.cert_file !== '' ? readFileSync(t.cert_file, 'latin1') : t.cert;
  } catch (err) {
    throw new Error(`failed to read cert_file (${t.cert_file}): ${goFileError(err, 'open', t.cert_file)}`, { cause: err });
  }
  try {
    keyPEM = t.key_file !== '' ? readFileSync(t.key_file, 'latin1') : t.key;
  } catch (err) {
    throw new Error(`failed to read key_file (${t.key_file}): ${goFileError(err, 'open', t.key_file)}`, { cause: err });
  }
  let pair: { cert: string; key: string };
  try {
    pair = x509KeyPair(certPEM, keyPEM);
  } catch (err) {
    throw new Error(`failed to load X509KeyPair: ${(err as Error).message}`, { cause: err });
  }
  let ca: string[] | undefined;
  if (t.client_ca_file !== '') ca = certPool(readText(t.client_ca_file));
  else if (t.client_ca !== '') ca = certPool(t.client_ca);
  const clientAuth = clientAuthPolicy(t.client_auth_type);
  if (ca !== undefined && clientAuth === 'NoClientCert') throw new Error("client CA's have been configured without a Client Auth Policy");
  if (t.client_allowed_sans !== undefined && clientAuth !== 'RequireAnyClientCert' && clientAuth !== 'RequireAndVerifyClientCert') {
    throw new Error('client_allowed_sans requires client_auth_type to be one of RequireAnyClientCert or RequireAndVerifyClientCert');
  }
  const proto = nodeProtocolOptions(t);
  const context: SecureContextOptions = {
    cert: pair.cert,
    key: pair.key,
    ciphers: proto.ciphers,
    minVersion: proto.minVersion,
    maxVersion: proto.maxVersion,
    honorCipherOrder: proto.honorCipherOrder,
    ...(proto.ecdhCurve !== undefined ? { ecdhCurve: proto.ecdhCurve } : {}),
    ...(ca !== undefined ? { ca } : {}),
  };
  return { context, clientAuth, allowedSans: t.client_allowed_sans };
}

/** The files a `tls_server_config` reads (a change to any of them means a reload). */
export function tlsFiles(t: TLSServerConfig): string[] {
  return [t.cert_file, t.key_file, t.client_ca_file].filter((p) => p !== '');
}
