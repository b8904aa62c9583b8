/**
 * `/api/v1/rules`, `/api/v1/alerts` and `/api/v1/alertmanagers` in upstream's JSON shapes, from
 * `RulesRetriever` and `AlertmanagerRetriever` (empty lists when those are absent).
 */
import { quoteString } from '../../../model/labels/index.js';
import { RawJSON, formatJSONNumber, goTimeJSON, labelsJSON } from './json-format.js';
import { jsonString } from '../../../util/index.js';
import type { APIOptions, ApiContext, ApiResult } from './options.js';
import type { AlertInfo, RuleGroupInfo, RuleInfo } from './retrievers.js';
import { invalidParam } from './respond.js';

/** `strconv.FormatFloat(v, 'e', -1, 64)`, how upstream prints an alert's value (`1e+00`). */
export function formatFloatE(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return 1 / v < 0 ? '-0e+00' : '0e+00';
  const s = v.toExponential();
  const e = s.indexOf('e');
  const digits = s.slice(e + 2);
  return s.slice(0, e + 2) + (digits.length < 2 ? '0' + digits : digits);
}

/** One alert as upstream's `Alert` JSON. */
function alertJSON(a: AlertInfo): string {
  return (
    '{"labels":' +
    labelsJSON(a.labels) +
    ',"annotations":' +
    labelsJSON(a.annotations) +
    ',"state":' +
    jsonString(a.state) +
    (a.activeAt !== undefined ? ',"activeAt":' + jsonString(goTimeJSON(a.activeAt)) : '') +
    (a.keepFiringSince !== undefined ? ',"keepFiringSince":' + jsonString(goTimeJSON(a.keepFiringSince)) : '') +
    ',"value":' +
    jsonString(formatFloatE(a.value)) +
    '}'
  );
}

/** One rule as upstream's `AlertingRule` / `RecordingRule` JSON. */
function ruleJSON(r: RuleInfo): string {
  const tail =
    ',"health":' +
    jsonString(r.health) +
    (r.lastError !== '' ? ',"lastError":' + jsonString(r.lastError) : '') +
    ',"evaluationTime":' +
    formatJSONNumber(r.evaluationTime) +
    ',"lastEvaluation":' +
    jsonString(goTimeJSON(r.lastEvaluation)) +
    ',"type":' +
    jsonString(r.type) +
    '}';
  if (r.type === 'recording') {
    return '{"name":' + jsonString(r.name) + ',"query":' + jsonString(r.query) + (r.labels.length > 0 ? ',"labels":' + labelsJSON(r.labels) : '') + tail;
  }
  return (
    '{"state":' +
    jsonString(r.state ?? 'inactive') +
    ',"name":' +
    jsonString(r.name) +
    ',"query":' +
    jsonString(r.query) +
    ',"duration":' +
    formatJSONNumber(r.duration ?? 0) +
    ',"keepFiringFor":' +
    formatJSONNumber(r.keepFiringFor ?? 0) +
    ',"labels":' +
    labelsJSON(r.labels) +
    ',"annotations":' +
    (r.annotations ? labelsJSON(r.annotations) : '{}') +
    ',"alerts":[' +
    (r.alerts ?? []).map(alertJSON).join(',') +
    ']' +
    tail
  );
}

/** One group as upstream's `RuleGroup` JSON, with only the rules `keep` accepts. */
function groupJSON(g: RuleGroupInfo, keep: (r: RuleInfo) => boolean): string {
  return (
    '{"name":' +
    jsonString(g.name) +
    ',"file":' +
    jsonString(g.file) +
    ',"rules":[' +
    g.rules.filter(keep).map(ruleJSON).join(',') +
    '],"interval":' +
    formatJSONNumber(g.interval) +
    ',"limit":' +
    formatJSONNumber(g.limit) +
    ',"evaluationTime":' +
    formatJSONNumber(g.evaluationTime) +
    ',"lastEvaluation":' +
    jsonString(goTimeJSON(g.lastEvaluation)) +
    '}'
  );
}

/** Handlers of the rule and alerting endpoints. */
export function ruleHandlers(opts: APIOptions) {
  return {
    /** `GET /rules`: every group; `type=alert|record` keeps one kind of rule. */
    rules(ctx: ApiContext): ApiResult {
      const typ = ctx.form.get('type').toLowerCase();
      if (typ !== '' && typ !== 'alert' && typ !== 'record') throw invalidParam('type', new Error(`not supported value ${quoteString(typ)}`));
      const keep = (r: RuleInfo) => typ === '' || (typ === 'alert' ? r.type === 'alerting' : r.type === 'recording');
      const groups = (opts.rules?.ruleGroups() ?? []).map((g) => groupJSON(g, keep));
      return { data: new RawJSON('{"groups":[' + groups.join(',') + ']}') };
    },

    /** `GET /alerts`: the active alerts of every alerting rule. */
    alerts(): ApiResult {
      const alerts = (opts.rules?.activeAlerts() ?? []).map(alertJSON);
      return { data: new RawJSON('{"alerts":[' + alerts.join(',') + ']}') };
    },

    /** `GET /alertmanagers`: active and dropped Alertmanager URLs. */
    alertmanagers(): ApiResult {
      const am = opts.alertmanagers;
      return {
        data: {
          activeAlertmanagers: (am?.alertmanagers() ?? []).map((url) => ({ url })),
          droppedAlertmanagers: (am?.droppedAlertmanagers() ?? []).map((url) => ({ url })),
        },
      };
    },
  };
}
