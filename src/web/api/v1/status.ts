/**
 * `/api/v1/status/*`: config (secrets masked), flags, runtime info, build info, TSDB
 * cardinality statistics and WAL replay progress, in upstream's shapes.
 */
import { availableParallelism } from 'node:os';
import { configToYAML } from '../../../config/index.js';
import { buildInfo, jsonString } from '../../../util/index.js';
import { RawJSON, goTimeJSON } from './json-format.js';
import type { APIOptions, ApiContext, ApiResult, RuntimeInfo } from './options.js';
import { parseGoInt } from './params.js';
import type { TSDBStat, TSDBStats } from './retrievers.js';
import { badData } from './respond.js';

/** An int64 field: ±Infinity print as Go's MaxInt64 / MinInt64 (an empty head's bounds). */
function int64JSON(v: number): string {
  if (v === Infinity) return '9223372036854775807';
  if (v === -Infinity) return '-9223372036854775808';
  return Number.isFinite(v) ? String(Math.trunc(v)) : '0';
}

const PROCESS_START_MS = Date.now() - Math.round(process.uptime() * 1000);

/** Runtime facts of this process when the wiring gives none. */
export function defaultRuntimeInfo(): RuntimeInfo {
  return {
    startTime: PROCESS_START_MS,
    CWD: process.cwd(),
    reloadConfigSuccess: true,
    lastConfigTime: Math.floor(PROCESS_START_MS / 1000) * 1000,
    corruptionCount: 0,
    goroutineCount: process.getActiveResourcesInfo().length,
    GOMAXPROCS: availableParallelism(),
    GOGC: '',
    GODEBUG: '',
    storageRetention: '15d',
  };
}

const EMPTY_STATS: TSDBStats = {
  headStats: { numSeries: 0, numLabelPairs: 0, chunkCount: 0, minTime: Infinity, maxTime: -Infinity },
  seriesCountByMetricName: [],
  labelValueCountByLabelName: [],
  memoryInBytesByLabelName: [],
  seriesCountByLabelValuePair: [],
};

function statsList(list: readonly TSDBStat[], limit: number): string {
  return '[' + list.slice(0, limit).map((s) => '{"name":' + jsonString(s.name) + ',"value":' + int64JSON(s.value) + '}').join(',') + ']';
}

/** Handlers of the status endpoints. */
export function statusHandlers(opts: APIOptions) {
  return {
    /** `GET /status/config`: `{yaml}` of the loaded configuration with secrets as `<secret>`. */
    config(): ApiResult {
      const cfg = opts.config?.();
      return { data: { yaml: cfg ? configToYAML(cfg) : '' } };
    },

    /** `GET /status/flags`: flag name → value, names sorted. */
    flags(): ApiResult {
      return { data: new Map(opts.flags ?? []) };
    },

    /** `GET /status/runtimeinfo`. */
    runtimeInfo(): ApiResult {
      const r = (opts.runtimeInfo ?? defaultRuntimeInfo)();
      return {
        data: new RawJSON(
          '{"startTime":' +
            jsonString(goTimeJSON(r.startTime)) +
            ',"CWD":' +
            jsonString(r.CWD) +
            ',"reloadConfigSuccess":' +
            String(r.reloadConfigSuccess) +
            ',"lastConfigTime":' +
            jsonString(goTimeJSON(r.lastConfigTime)) +
            ',"corruptionCount":' +
            int64JSON(r.corruptionCount) +
            ',"goroutineCount":' +
            int64JSON(r.goroutineCount) +
            ',"GOMAXPROCS":' +
            int64JSON(r.GOMAXPROCS) +
            ',"GOGC":' +
            jsonString(r.GOGC) +
            ',"GODEBUG":' +
            jsonString(r.GODEBUG) +
            ',"storageRetention":' +
            jsonString(r.storageRetention) +
            '}',
        ),
      };
    },

    /** `GET /status/buildinfo`: upstream's keys; `goVersion` holds the Node.js version. */
    buildInfo(): ApiResult {
      const b = opts.buildInfo ?? buildInfo();
      return { data: { version: b.version, revision: b.revision, branch: b.branch, buildUser: b.buildUser, buildDate: b.buildDate, goVersion: b.nodeVersion } };
    },

    /** `GET /status/tsdb`: head statistics with top-`limit` lists (Prometheus 3's `limit`, default 10). */
    tsdb(ctx: ApiContext): ApiResult {
      let limit = 10;
      const s = ctx.form.get('limit');
      if (s !== '') {
        try {
          limit = parseGoInt(s);
        } catch {
          limit = 0;
        }
        if (limit < 1) throw badData('limit must be a positive number');
      }
      const st = opts.tsdb ? opts.tsdb.stats(limit) : EMPTY_STATS;
      const h = st.headStats;
      return {
        data: new RawJSON(
          '{"headStats":{"numSeries":' +
            int64JSON(h.numSeries) +
            ',"numLabelPairs":' +
            int64JSON(h.numLabelPairs) +
            ',"chunkCount":' +
            int64JSON(h.chunkCount) +
            ',"minTime":' +
            int64JSON(h.minTime) +
            ',"maxTime":' +
            int64JSON(h.maxTime) +
            '},"seriesCountByMetricName":' +
            statsList(st.seriesCountByMetricName, limit) +
            ',"labelValueCountByLabelName":' +
            statsList(st.labelValueCountByLabelName, limit) +
            ',"memoryInBytesByLabelName":' +
            statsList(st.memoryInBytesByLabelName, limit) +
            ',"seriesCountByLabelValuePair":' +
            statsList(st.seriesCountByLabelValuePair, limit) +
            '}',
        ),
      };
    },

    /** `GET /status/walreplay`: `{min, max, current}` segments; served even while not ready. */
    walReplay(): ApiResult {
      const w = opts.tsdb?.walReplayStatus() ?? { min: 0, max: 0, current: 0 };
      return { data: new RawJSON('{"min":' + int64JSON(w.min) + ',"max":' + int64JSON(w.max) + ',"current":' + int64JSON(w.current) + '}') };
    },
  };
}
