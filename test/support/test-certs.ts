/**
 * Throwaway TLS material for tests of HTTPS clients: a private CA and a server certificate for
 * 127.0.0.1 signed by it, made with the `openssl` command line tool.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** PEM texts and the CA file's path, as `testCerts` returns them. */
export interface TestCerts {
  /** The CA certificate (PEM). */
  ca: string;
  /** Path of the CA certificate file in the folder given to `testCerts`. */
  caFile: string;
  /** The server certificate for IP 127.0.0.1 (PEM), valid two days. */
  cert: string;
  /** The server certificate's private key (PEM, unencrypted). */
  key: string;
}

/**
 * Writes a CA and a server certificate for 127.0.0.1 (EC P-256) into `dir` (which must exist and
 * which the caller removes) and returns them; undefined when openssl is missing or fails, so
 * that callers can skip.
 */
export function testCerts(dir: string): TestCerts | undefined {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Ignis test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
    run('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n');
    run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'ext.cnf');
  } catch {
    return undefined;
  }
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return { ca: read('ca.crt'), caFile: join(dir, 'ca.crt'), cert: read('server.crt'), key: read('server.key') };
}
