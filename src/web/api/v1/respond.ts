/**
 * The API's response side: upstream's JSON envelope, error types and their status codes, CORS
 * headers per `--web.cors.origin`, and gzip/deflate compression when the client accepts it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { deflate, gzip } from 'node:zlib';
import { compileRegex } from '../../../model/labels/index.js';
import { quoteString } from '../../../model/labels/index.js';
import { IgnisError, jsonString } from '../../../util/index.js';
import { toGoJSON } from './json-format.js';

/** Upstream's `errorType` values. */
export const ErrorType = {
  BadData: 'bad_data',
  Execution: 'execution',
  Timeout: 'timeout',
  Canceled: 'canceled',
  Internal: 'internal',
  NotFound: 'not_found',
  Unavailable: 'unavailable',
} as const;
export type ErrorType = (typeof ErrorType)[keyof typeof ErrorType];

/** An error answered as `{"status":"error","errorType":type,"error":message}`. */
export class ApiError extends IgnisError {
  readonly type: ErrorType;

  constructor(type: ErrorType, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.type = type;
  }
}

/** Upstream's `invalidParamError`: `bad_data` with `invalid parameter "<name>": <message>`. */
export function invalidParam(name: string, err: unknown): ApiError {
  const msg = err instanceof Error ? err.message : String(err);
  return new ApiError(ErrorType.BadData, `invalid parameter ${quoteString(name)}: ${msg}`, { cause: err });
}

/** A `bad_data` error with `message` as is. */
export function badData(message: string, cause?: unknown): ApiError {
  return new ApiError(ErrorType.BadData, message, { cause });
}

/**
 * The HTTP status of an error type, as upstream's `respondError`: bad_data 400, execution 422,
 * canceled and timeout 503, internal 500, not_found 404, anything else (unavailable) 500.
 */
export function statusOf(type: ErrorType): number {
  switch (type) {
    case ErrorType.BadData:
      return 400;
    case ErrorType.Execution:
      return 422;
    case ErrorType.Canceled:
    case ErrorType.Timeout:
      return 503;
    case ErrorType.NotFound:
      return 404;
    default:
      return 500;
  }
}

/**
 * The success envelope around already encoded `dataJSON` (text or UTF-8 bytes), with warnings
 * and infos when present; bytes in, bytes out.
 */
export function successEnvelope(dataJSON: string | Buffer, warnings?: readonly string[], infos?: readonly string[]): string | Buffer {
  let tail = '';
  if (warnings && warnings.length > 0) tail += ',"warnings":' + toGoJSON(warnings);
  if (infos && infos.length > 0) tail += ',"infos":' + toGoJSON(infos);
  tail += '}';
  if (typeof dataJSON === 'string') return '{"status":"success","data":' + dataJSON + tail;
  return Buffer.concat([ENVELOPE_HEAD, dataJSON, Buffer.from(tail, 'utf8')]);
}

const ENVELOPE_HEAD = Buffer.from('{"status":"success","data":');

/** The error envelope; `data` is included when the handler returned some with the error. */
export function errorEnvelope(err: ApiError, data?: unknown, warnings?: readonly string[], infos?: readonly string[]): string {
  let out = '{"status":"error"';
  if (data !== undefined) out += ',"data":' + toGoJSON(data);
  out += ',"errorType":' + jsonString(err.type) + ',"error":' + jsonString(err.message);
  if (warnings && warnings.length > 0) out += ',"warnings":' + toGoJSON(warnings);
  if (infos && infos.length > 0) out += ',"infos":' + toGoJSON(infos);
  return out + '}';
}

/** The compiled `--web.cors.origin` setting. */
export interface CorsPolicy {
  /** True for the default `.*`: answer `Access-Control-Allow-Origin: *`. */
  readonly any: boolean;
  /** The fully anchored origin regex. */
  matches(origin: string): boolean;
}

/**
 * Compiles `--web.cors.origin` (an RE2 regex, fully anchored as upstream does). Throws the
 * regex's syntax error for an invalid pattern (a startup error).
 */
export function compileCorsOrigin(pattern: string): CorsPolicy {
  const re = compileRegex(pattern);
  return { any: pattern === '.*', matches: (o) => re.matches(o) };
}

/**
 * Upstream's `SetCORS`: nothing without an `Origin` header; otherwise the fixed CORS headers,
 * plus `Access-Control-Allow-Origin` (`*` for the default policy, else the origin when it
 * matches).
 */
export function setCors(req: IncomingMessage, res: ServerResponse, policy: CorsPolicy): void {
  const origin = req.headers.origin;
  if (origin === undefined || origin === '') return;
  res.setHeader('Access-Control-Allow-Headers', 'Accept, Authorization, Content-Type, Origin');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.setHeader('Access-Control-Expose-Headers', 'Date');
  res.setHeader('Vary', 'Origin');
  if (policy.any) res.setHeader('Access-Control-Allow-Origin', '*');
  else if (policy.matches(origin)) res.setHeader('Access-Control-Allow-Origin', origin);
}

const gzipAsync = promisify(gzip);
const deflateAsync = promisify(deflate);

/**
 * The encoding upstream's `CompressionHandler` picks: the first of `gzip` / `deflate` listed in
 * `Accept-Encoding` (parameters ignored, except that `q=0` refuses), else none.
 */
export function pickEncoding(acceptEncoding: string | undefined): 'gzip' | 'deflate' | undefined {
  if (!acceptEncoding) return undefined;
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.split(';').map((p) => p.trim());
    if (params.some((p) => /^q=0(?:\.0*)?$/.test(p))) continue;
    if (name === 'gzip' || name === 'deflate') return name;
  }
  return undefined;
}

/**
 * Writes a complete response: `body` compressed (off the event loop) when the client accepts
 * gzip or deflate, with `Content-Type` and `Content-Length`. A response whose client went away
 * is left alone.
 */
export async function sendBody(req: IncomingMessage, res: ServerResponse, status: number, contentType: string, body: string | Buffer): Promise<void> {
  let bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const enc = bytes.length > 0 ? pickEncoding(req.headers['accept-encoding']) : undefined;
  if (enc) {
    bytes = enc === 'gzip' ? await gzipAsync(bytes) : await deflateAsync(bytes);
    res.setHeader('Content-Encoding', enc);
  }
  if (res.destroyed || res.headersSent) return;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', bytes.length);
  res.writeHead(status);
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

/** Answers `204 No Content`, as upstream does when a handler returns no data. */
export function sendNoContent(res: ServerResponse): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(204);
  res.end();
}

/** Upstream's not-ready answer: `503` with `Service Unavailable` as plain text. */
export function sendUnavailable(res: ServerResponse): void {
  if (res.headersSent) return;
  res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('Service Unavailable');
}
