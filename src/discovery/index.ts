/**
 * Service discovery: the manager that runs providers per job and merges their target
 * groups, the `TargetGroup` type, and the supported mechanisms (static, file, HTTP, DNS,
 * Kubernetes, Consul). Typical use:
 *
 *   const m = new Manager({ logger, registry });
 *   m.applyConfig(new Map(scrapeConfigs.map((sc) => [sc.job_name, sdConfigsOf(sc)])));
 *   m.start();
 *   for await (const sets of m.updates()) scrapeManager.sync(sets);
 */
export { Manager, DEFAULT_UPDATE_INTERVAL_MS, type ManagerOptions, type TargetSets } from './manager.js';
export type { Discoverer, DiscovererOptions, SendGroups } from './discoverer.js';
export { sdConfigsOf, sdConfigIdentity, configIdentity, mechanismName, type SDConfig, type SDConfigOf, type SDListKey } from './sd-config.js';
export { createDiscoverer, SUPPORTED_SD_KEYS } from './mechanisms.js';
export { SDMetrics, sdMetricsFor } from './metrics.js';
export { ADDRESS_LABEL, emptyGroup, groupFromStatic, groupsEqual, joinHostPort, sanitizeLabelName, type TargetGroup } from './targetgroup/index.js';
export { createHTTPClient, defaultHTTPClientConfig, userAgent, tlsOptions, type SDHTTPClient, type HTTPRequestOptions } from './httpclient/index.js';
export { RefreshDiscoverer, type RefreshOptions } from './refresh/index.js';
export { StaticDiscoverer } from './static/index.js';
export { FileDiscoverer, FILEPATH_LABEL, type FileSDConfig } from './file/index.js';
export { HTTPDiscoverer, URL_LABEL, type HTTPSDConfig } from './http/index.js';
export { DNSDiscoverer, DNS_LABELS, type DNSSDConfig } from './dns/index.js';
export { KubernetesDiscoverer, type KubernetesSDConfig } from './kubernetes/index.js';
export { ConsulDiscoverer, CONSUL_LABELS, type ConsulSDConfig } from './consul/index.js';
