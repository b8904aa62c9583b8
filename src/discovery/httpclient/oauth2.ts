/**
 * OAuth 2.0 client-credentials tokens for `oauth2` (golang.org/x/oauth2/clientcredentials as
 * prometheus/common uses it): fetched on first use, cached until shortly before expiry.
 */
import { readFile } from 'node:fs/promises';
import { request, type Dispatcher } from 'undici';
import type { OAuth2 } from '../../config/index.js';
import { buildDispatcher, tlsConnectionOptions } from '../../util/index.js';

const EXPIRY_MARGIN_MS = 10_000;

/** A cached access token source for one `oauth2` block. */
export class OAuth2TokenSource {
  readonly #cfg: OAuth2;
  readonly #dispatcher: Dispatcher;
  #token: { value: string; type: string; expiresAt: number } | undefined;
  #pending: Promise<string> | undefined;

  constructor(cfg: OAuth2) {
    this.#cfg = cfg;
    this.#dispatcher = buildDispatcher(tlsConnectionOptions(cfg.tls_config), cfg, { followRedirects: true });
  }

  /** The `Authorization` header value (`Bearer <token>`), fetching a new token when needed. */
  async header(signal?: AbortSignal): Promise<string> {
    const t = this.#token;
    if (t && Date.now() < t.expiresAt) return `${t.type} ${t.value}`;
    this.#pending ??= this.#fetch(signal).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #fetch(signal?: AbortSignal): Promise<string> {
    const c = this.#cfg;
    let secret = c.client_secret.reveal();
    if (c.client_secret_file !== '') secret = (await readFile(c.client_secret_file, 'utf8')).trim();
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (c.scopes.length > 0) form.set('scope', c.scopes.join(' '));
    for (const [k, v] of Object.entries(c.endpoint_params)) form.set(k, v);
    const basic = Buffer.from(`${encodeURIComponent(c.client_id)}:${encodeURIComponent(secret)}`).toString('base64');
    const res = await request(c.token_url, {
      method: 'POST',
      dispatcher: this.#dispatcher,
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}`, accept: 'application/json' },
      body: form.toString(),
      signal,
    });
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode > 299) throw new Error(`oauth2: cannot fetch token: ${res.statusCode}\nResponse: ${text}`);
    const body = JSON.parse(text) as { access_token?: string; token_type?: string; expires_in?: number };
    if (!body.access_token) throw new Error('oauth2: server response missing access_token');
    const type = !body.token_type || body.token_type.toLowerCase() === 'bearer' ? 'Bearer' : body.token_type;
    const expiresAt = body.expires_in ? Date.now() + body.expires_in * 1000 - EXPIRY_MARGIN_MS : Number.POSITIVE_INFINITY;
    this.#token = { value: body.access_token, type, expiresAt };
    return `${type} ${body.access_token}`;
  }

  /** Releases the token endpoint's connections. */
  async close(): Promise<void> {
    await this.#dispatcher.close();
  }
}
