/**
 * Transport failures worded as Go's `net/http` client words them, so that errors and warnings
 * Ignis shows (a target's `lastError`, a failed remote read) read as Prometheus' do.
 */

/**
 * The cause Go reports for a request to `url` that failed with Node's `err` before a response
 * arrived (`dial tcp 127.0.0.1:9: connect: connection refused`, `context deadline exceeded`
 * when `timedOut`, …); unknown errors keep Node's message.
 */
export function goTransportCause(url: string, err: unknown, timedOut = false): string {
  if (timedOut) return 'context deadline exceeded';
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string };
  const addr = e.address !== undefined ? (e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`) : hostPort(url);
  switch (e.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${addr}: connect: connection refused`;
    case 'EHOSTUNREACH':
      return `dial tcp ${addr}: connect: no route to host`;
    case 'ENETUNREACH':
      return `dial tcp ${addr}: connect: network is unreachable`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `dial tcp ${addr}: i/o timeout`;
    case 'ENOTFOUND':
      return `dial tcp: lookup ${e.hostname ?? hostOf(url)}: no such host`;
    case 'ECONNRESET':
      return 'read: connection reset by peer';
    case 'UND_ERR_SOCKET':
      return 'EOF';
    default:
      return e.message ?? String(err);
  }
}

function hostPort(url: string): string {
  try {
    const u = new URL(url);
    return u.port !== '' ? u.host : `${u.host}:${u.protocol === 'https:' ? 443 : 80}`;
  } catch {
    return url;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}
