/**
 * The Prometheus HTTP API v1 (`/api/v1/*`): route registration, the interfaces the server
 * wiring implements for components `web/` must not import, and the parameter and JSON helpers
 * that federation shares.
 */
export { registerAPIv1 } from './api.js';
export type { APIOptions, ApiContext, ApiHandler, ApiResult, RuntimeInfo } from './options.js';
export type {
  ActiveTarget,
  AlertInfo,
  AlertmanagerRetriever,
  DroppedTarget,
  MetricMetadata,
  RuleGroupInfo,
  RuleInfo,
  RulesRetriever,
  TSDBAdmin,
  TSDBStat,
  TSDBStats,
  TargetHealth,
  TargetRetriever,
  WALReplayStatus,
} from './retrievers.js';
export {
  Form,
  ParamError,
  readForm,
  parseTime,
  parseTimeParam,
  parseDurationParam,
  parseMatchersParam,
  parseGoFloat,
  parseGoInt,
  parseGoBool,
  parseLimitParam,
  MIN_TIME_MS,
  MAX_TIME_MS,
  MAX_FORM_BYTES,
} from './params.js';
export {
  ApiError,
  ErrorType,
  statusOf,
  invalidParam,
  compileCorsOrigin,
  setCors,
  pickEncoding,
  sendBody,
  sendUnavailable,
  successEnvelope,
  errorEnvelope,
  type CorsPolicy,
} from './respond.js';
export {
  RawJSON,
  formatSampleValue,
  formatFloatF,
  formatJSONNumber,
  formatTimestamp,
  labelsJSON,
  toGoJSON,
  goTimeJSON,
} from './json-format.js';
export { encodeQueryData, type EncodableValue, type QueryStatsJSON } from './query-json.js';
export { JsonBytes } from './json-bytes.js';
export { queryError } from './query.js';
export { unescapeName } from './labels.js';
export { snapshotName } from './admin.js';
export { formatFloatE } from './rules.js';
export { defaultRuntimeInfo } from './status.js';
