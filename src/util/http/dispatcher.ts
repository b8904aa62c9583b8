/**
 * undici dispatchers from the TLS and proxy parts of an HTTP client configuration
 * (`proxy_url`, `no_proxy`, `proxy_from_environment`, `proxy_connect_header`,
 * `follow_redirects`), like prometheus/common's `NewRoundTripperFromConfig`.
 */
import type { ConnectionOptions } from 'node:tls';
import { Agent, EnvHttpProxyAgent, ProxyAgent, interceptors, type Dispatcher } from 'undici';
import type { RevealableSecret } from './tls.js';

/** The proxy settings of an HTTP client configuration; absent fields mean "not configured". */
export interface ProxySettings {
  readonly proxy_url?: { readonly href: string } | undefined;
  readonly no_proxy?: string | undefined;
  readonly proxy_from_environment?: boolean | undefined;
  readonly proxy_connect_header?: Readonly<Record<string, readonly RevealableSecret[]>> | undefined;
}

/** Connection-pool options of `buildDispatcher`. */
export interface DispatcherOptions {
  /** Follow up to 10 redirects. */
  followRedirects: boolean;
  /** Idle keep-alive time of direct connections, ms; undici's default when absent. */
  keepAliveTimeoutMs?: number | undefined;
}

/**
 * A dispatcher that connects with `tls`: from the environment's proxy variables with
 * `proxy_from_environment`, through `proxy_url` (except for `no_proxy` hosts, with the
 * `proxy_connect_header` headers on CONNECT), or directly. The caller owns it and must
 * `close()` it.
 */
export function buildDispatcher(tls: ConnectionOptions, proxy: ProxySettings, opts: DispatcherOptions): Dispatcher {
  let base: Dispatcher;
  const proxyURL = proxy.proxy_url?.href ?? '';
  const noProxy = proxy.no_proxy ?? '';
  if (proxy.proxy_from_environment) {
    base = new EnvHttpProxyAgent({ connect: tls });
  } else if (proxyURL !== '' && noProxy !== '') {
    base = new EnvHttpProxyAgent({ httpProxy: proxyURL, httpsProxy: proxyURL, noProxy, connect: tls });
  } else if (proxyURL !== '') {
    const headers: Record<string, string> = {};
    for (const [name, values] of Object.entries(proxy.proxy_connect_header ?? {})) headers[name] = values.map((s) => s.reveal()).join(', ');
    base = new ProxyAgent({ uri: proxyURL, requestTls: tls, headers });
  } else {
    base = new Agent(opts.keepAliveTimeoutMs === undefined ? { connect: tls } : { connect: tls, keepAliveTimeout: opts.keepAliveTimeoutMs });
  }
  return opts.followRedirects ? base.compose(interceptors.redirect({ maxRedirections: 10 })) : base;
}
