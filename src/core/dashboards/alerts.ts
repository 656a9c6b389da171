/**
 * Alert rules HighErrorRate and SlowResponses for one service, grouped by route, in the service's metrics
 * convention, and promtool unit tests for them (one route that fires, one that does not). Pure, no `vscode`:
 * returns plain objects; the caller writes them as YAML.
 */
import { promString, type Convention } from '../metrics/conventions';

export interface AlertSettings {
  /** HighErrorRate fires above this 5xx ratio (0 < x < 1). */
  errorRatio: number;
  /** SlowResponses fires when this latency quantile is above `latencySeconds`. */
  latencySeconds: number;
  latencyQuantile: number;
  /** `for:` of both rules, a Prometheus duration. */
  for: string;
  /** rate() window of both rules. */
  window: string;
  /** Base URL of the runbook; each rule links to `<base>#<alertname>` (lower case). Empty: no runbook_url. */
  runbookUrl: string;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  errorRatio: 0.05,
  latencySeconds: 0.5,
  latencyQuantile: 0.99,
  for: '5m',
  window: '5m',
  runbookUrl: '',
};

const DURATION_RE = /^(\d+(ms|s|m|h|d|w|y))+$/;
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** Seconds of a Prometheus duration (`1h30m` → 5400). */
export function durationSeconds(d: string): number {
  let total = 0;
  for (const m of d.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
  return total;
}

/** Problems with the settings (empty when usable). */
export function alertSettingsProblems(s: AlertSettings): string[] {
  const out: string[] = [];
  if (!(s.errorRatio > 0 && s.errorRatio < 1)) out.push(`error ratio threshold must be between 0 and 1, got ${s.errorRatio}`);
  if (!(s.latencySeconds > 0 && s.latencySeconds <= 60))
    out.push(`latency threshold must be between 0 and 60 seconds, got ${s.latencySeconds}`);
  if (!(s.latencyQuantile > 0 && s.latencyQuantile < 1)) out.push(`latency quantile must be between 0 and 1, got ${s.latencyQuantile}`);
  if (!DURATION_RE.test(s.for) || durationSeconds(s.for) < 60) out.push(`"for" must be a Prometheus duration of at least 1m, got ${s.for}`);
  if (!DURATION_RE.test(s.window)) out.push(`window must be a Prometheus duration like 5m, got ${s.window}`);
  if (s.runbookUrl && !/^https?:\/\//.test(s.runbookUrl)) out.push(`runbook URL must be http(s), got ${s.runbookUrl}`);
  return out;
}

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleFile {
  groups: Array<{ name: string; rules: AlertRule[] }>;
}

/** Prometheus' `humanizeDuration` (template function), for the expected annotations of the tests. */
export function humanizeDuration(v: number): string {
  const g = (x: number) => String(Number(x.toPrecision(4)));
  if (!Number.isFinite(v)) return g(v);
  if (v === 0) return '0s';
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    const a = Math.trunc(Math.abs(v));
    const [s, m, h, d] = [a % 60, Math.trunc(a / 60) % 60, Math.trunc(a / 3600) % 24, Math.trunc(a / 86400)];
    if (d) return `${sign}${d}d ${h}h ${m}m ${s}s`;
    if (h) return `${sign}${h}h ${m}m ${s}s`;
    if (m) return `${sign}${m}m ${s}s`;
    return `${sign}${g(Math.abs(v))}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g(v)}${prefix}s`;
}

const pct = (x: number) => `${Number((x * 100).toPrecision(4))}%`;

/** The two rules of one service; `service` is its `job` label value. */
export function alertRules(conv: Convention, service: string, s: AlertSettings): RuleFile {
  const route = conv.routeLabels[0]!;
  const sel = `job=${promString(service)}`;
  const by = `job, ${route}`;
  const scale = conv.toSeconds === 1 ? '' : ` * ${conv.toSeconds}`;
  const q = `p${Number((s.latencyQuantile * 100).toPrecision(4))}`;
  const runbook = (name: string): Record<string, string> => (s.runbookUrl ? { runbook_url: `${s.runbookUrl}#${name.toLowerCase()}` } : {});
  return {
    groups: [
      {
        name: `${service}-http`,
        rules: [
          {
            alert: 'HighErrorRate',
            expr: [
              `sum by (${by}) (rate(${conv.countMetric}{${sel}, ${conv.statusLabel}=~"5.."}[${s.window}]))`,
              `  /`,
              `sum by (${by}) (rate(${conv.countMetric}{${sel}}[${s.window}]))`,
              `  > ${s.errorRatio}`,
            ].join('\n'),
            for: s.for,
            labels: { severity: 'critical' },
            annotations: {
              summary: `High error rate on {{ $labels.${route} }} ({{ $labels.job }})`,
              description: `{{ $value | humanizePercentage }} of requests to {{ $labels.${route} }} failed with a 5xx status over the last ${s.window} (threshold ${pct(s.errorRatio)}).`,
              runbook: `Open the route in Telemetry Lens or Grafana, compare the error ratio with recent deploys, and read the 5xx traces and logs of {{ $labels.${route} }}.`,
              ...runbook('HighErrorRate'),
            },
          },
          {
            alert: 'SlowResponses',
            expr: [
              `histogram_quantile(${s.latencyQuantile},`,
              `  sum by (${by}, le) (rate(${conv.bucketMetric}{${sel}}[${s.window}]))`,
              `)${scale} > ${s.latencySeconds}`,
            ].join('\n'),
            for: s.for,
            labels: { severity: 'warning' },
            annotations: {
              summary: `Slow responses on {{ $labels.${route} }} ({{ $labels.job }})`,
              description: `${q} latency of {{ $labels.${route} }} is {{ $value | humanizeDuration }} over the last ${s.window} (threshold ${humanizeDuration(s.latencySeconds)}).`,
              runbook: `Open the slowest traces (exemplars) of {{ $labels.${route} }} and look for the span that dominates the critical path.`,
              ...runbook('SlowResponses'),
            },
          },
        ],
      },
    ],
  };
}

/** One test file for the rules of one service: `bad` fires both alerts, `good` neither. */
export function alertRuleTests(
  conv: Convention,
  service: string,
  s: AlertSettings,
  ruleFile: string,
  routes: { bad: string; good: string },
  method = 'GET',
): object {
  const rules = alertRules(conv, service, s);
  const [errorRule, slowRule] = rules.groups[0]!.rules as [AlertRule, AlertRule];
  const routeLabel = conv.routeLabels[0]!;
  const status = (code: number) => (conv.name === 'instrumentator' ? `${String(code)[0]}xx` : String(code));
  const series = (metric: string, route: string, labels: Record<string, string>) =>
    `${metric}{${Object.entries({ job: service, [routeLabel]: route, [conv.methodLabel]: method, ...labels })
      .map(([k, v]) => `${k}=${promString(v)}`)
      .join(',')}}`;
  // 100 requests a minute per route; the bad route fails above the threshold.
  const errorsPerMinute = Math.min(100, Math.floor(s.errorRatio * 100) + 5);
  // Bucket bounds in the histogram's unit: the bad route has 2% of requests between T and 2T, so its
  // quantile is above T whatever the quantile below 0.98; the good one has all of them below T.
  const unit = (sec: number) => String(Number((sec / conv.toSeconds).toPrecision(12)));
  const T = s.latencySeconds;
  // Long enough for the window to fill and `for:` to elapse, with room to spare.
  const minutes = Math.ceil((durationSeconds(s.for) + durationSeconds(s.window)) / 60) + 15;
  const input = [
    { series: series(conv.countMetric, routes.bad, { [conv.statusLabel]: status(200) }), values: `0+${100 - errorsPerMinute}x${minutes}` },
    { series: series(conv.countMetric, routes.bad, { [conv.statusLabel]: status(500) }), values: `0+${errorsPerMinute}x${minutes}` },
    { series: series(conv.countMetric, routes.good, { [conv.statusLabel]: status(200) }), values: `0+100x${minutes}` },
    { series: series(conv.countMetric, routes.good, { [conv.statusLabel]: status(404) }), values: `0+20x${minutes}` },
  ];
  const slowBelow = s.latencyQuantile <= 0.98 ? 50 : 98;
  for (const [le, bad, good] of [
    [unit(T), slowBelow, 100],
    [unit(2 * T), 100, 100],
    ['+Inf', 100, 100],
  ] as const) {
    input.push({ series: series(conv.bucketMetric, routes.bad, { le }), values: `0+${bad}x${minutes}` });
    input.push({ series: series(conv.bucketMetric, routes.good, { le }), values: `0+${good}x${minutes}` });
  }
  // histogram_quantile interpolates linearly inside (T, 2T].
  const rank = s.latencyQuantile * 100;
  const quantile = rank <= slowBelow ? T * (rank / slowBelow) : T + (T * (rank - slowBelow)) / (100 - slowBelow);
  const labels = (rule: AlertRule) => ({ ...rule.labels, job: service, [routeLabel]: routes.bad });
  // One pass with a function: label values from the code are inserted literally, never re-expanded.
  const fill = (text: string, value: string) =>
    text.replace(/\{\{ (?:\$labels\.(\w+)|\$value \| humanize\w+) \}\}/g, (_m, label?: string) =>
      label === undefined ? value : label === 'job' ? service : label === routeLabel ? routes.bad : '',
    );
  const annotations = (rule: AlertRule, value: string) =>
    Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, fill(v, value)]));
  const evalTime = `${minutes - 2}m`;
  return {
    rule_files: [ruleFile],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        input_series: input,
        alert_rule_test: [
          { eval_time: '1m', alertname: 'HighErrorRate', exp_alerts: [] },
          {
            eval_time: evalTime,
            alertname: 'HighErrorRate',
            exp_alerts: [{ exp_labels: labels(errorRule), exp_annotations: annotations(errorRule, pct(errorsPerMinute / 100)) }],
          },
          { eval_time: '1m', alertname: 'SlowResponses', exp_alerts: [] },
          {
            eval_time: evalTime,
            alertname: 'SlowResponses',
            exp_alerts: [{ exp_labels: labels(slowRule), exp_annotations: annotations(slowRule, humanizeDuration(quantile)) }],
          },
        ],
      },
    ],
  };
}
