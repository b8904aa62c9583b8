/**
 * Scraping: the manager that runs one pool per job, pools of targets, per-target loops,
 * target health and metadata, staleness, limits and the scrape HTTP client.
 *
 * Wiring (done in `cmd/`): `new ScrapeManager({ appendable, registry, logger })`, then
 * `applyConfig(cfg)` on every (re)load, `sync(groups)` on every discovery update,
 * `start()`, and `stop()` on shutdown. `/api/v1/targets` reads `targetsActive()` /
 * `targetsDropped()`; the metadata APIs read `Target.metadataList()` / `getMetadata()`.
 */
export { ScrapeManager, type ScrapeManagerOptions } from './manager.js';
export { ScrapePool, type PoolOptions } from './pool.js';
export { ScrapeLoop, type LoopOptions, type Scraper } from './loop.js';
export { Target, TargetHealth, fnv64a, type MetricMetadata, type MetadataStore } from './target.js';
export { targetURL } from './target-url.js';
export { populateLabels, targetsFromGroup, targetConfigOf, type PopulatedLabels, type GroupTargets, type TargetConfig } from './populate-labels.js';
export { ScrapeCache, type CacheEntry } from './scrape-cache.js';
export { BodyAppender, defaultAppendOptions, type AppendOptions, type AppendResult, type AppendMetricsSink } from './scrape-append.js';
export { ReportWriter, REPORT_SERIES, EXTRA_REPORT_SERIES, type ReportValues } from './report.js';
export { checkLabelLimits, hasLabelLimits, type LabelLimits } from './limits.js';
export { configKey, cacheKey } from './config-key.js';
export { acceptHeader, createScrapeClient, requestError, TargetScraper, USER_AGENT, type ScrapeBody, type ScrapeClient, type TargetScraperOptions } from './http-client.js';
export { ScrapeMetrics, scrapeMetricsFor } from './metrics.js';
export {
  ScrapeError,
  HTTPStatusError,
  RequestError,
  BodySizeLimitError,
  SampleLimitError,
  LabelLimitError,
  TargetLimitError,
  InvalidSeriesError,
  UnsupportedContentTypeError,
  ScrapeAbortedError,
} from './errors.js';
export { goDurationString } from './go-duration.js';
