/** `telemetry-lens metrics <dir> --prometheus <url>`: live request rate, error ratio and latency per route handler. */
import * as path from 'node:path';
import { CliError, existingDir, parseArgs, printedWithoutTable, tableLines, timeoutOption, type Command } from '../io';
import { scanWorkspace, toRouteJson } from '../../core/routes/workspace';
import { BackendError } from '../../backends/errors';
import { PrometheusClient } from '../../backends/prometheus';
import { CONVENTION_NAMES, isPromDuration, type ConventionName } from '../../core/metrics/conventions';
import { MetricsEngine, type ServiceSpec } from '../../core/metrics/engine';
import { formatDuration, formatRate, formatRatio } from '../../core/metrics/format';

export const metricsCommand: Command = {
  name: 'metrics',
  usage: 'metrics <dir> --prometheus <url> [--service <sel>] [--json]',
  summary: 'request rate, error ratio, p50 and p99 of every route handler from Prometheus',
  help: [
    'Scans <dir> for HTTP route handlers, queries Prometheus once per service (a constant number of queries,',
    'whatever the number of routes) and prints each route with its live stats.',
    '',
    '  --prometheus <url>     Prometheus base URL, path prefix included (e.g. https://mimir.example/prometheus)',
    '  --service <selector>   label matchers of the service, e.g. job="api" or service_name="checkout"',
    `  --convention <name>    ${CONVENTION_NAMES.filter((c) => c !== 'custom').join(' | ')} | auto (default: detect)`,
    '  --prefix <prefix>      metric name prefix for --convention telemetry-lens',
    '  --time <unix>          evaluation time in unix seconds (default: now)',
    '  --window <duration>    rate() window (default 5m)',
    '  --timeout <ms>         per-request timeout (default 10000)',
    '  --json                 JSON array: the fields of `routes --json` plus rate (req/s), errorRatio (0..1),',
    '                         p50 and p99 (seconds); null when there is no data',
    '  --include-tests        also scan test files and folders',
    '',
    'Environment: TELEMETRY_LENS_PROMETHEUS_TOKEN (bearer token), TELEMETRY_LENS_PROMETHEUS_ORG_ID (X-Scope-OrgID).',
    'Exit codes: 0 ok, 2 usage error, 3 Prometheus unreachable, invalid or rejecting the queries.',
  ].join('\n'),
  async run(args, io) {
    const { positionals, strings, booleans } = parseArgs(args, {
      strings: ['prometheus', 'service', 'convention', 'prefix', 'time', 'window', 'timeout'],
      booleans: ['json', 'include-tests'],
    });
    if (positionals.length !== 1) throw new CliError('expected exactly one <dir>');
    const url = strings.prometheus;
    if (!url) throw new CliError('--prometheus <url> is required');
    const convention = (strings.convention ?? 'auto') as ConventionName | 'auto';
    if (convention !== 'auto' && (!CONVENTION_NAMES.includes(convention) || convention === 'custom')) {
      throw new CliError(
        `unknown --convention ${convention} (expected auto, ${CONVENTION_NAMES.filter((c) => c !== 'custom').join(', ')})`,
      );
    }
    let time: number | undefined;
    if (strings.time !== undefined) {
      time = Number(strings.time);
      if (!Number.isFinite(time) || time <= 0) throw new CliError(`--time must be unix seconds, got ${strings.time}`);
    }
    const window = strings.window ?? '5m';
    if (!isPromDuration(window)) throw new CliError(`--window must be a Prometheus duration like 5m or 1h, got ${window}`);
    const timeoutMs = timeoutOption(strings.timeout);

    const dir = existingDir(io, positionals[0]!);

    let client: PrometheusClient;
    try {
      const token = process.env.TELEMETRY_LENS_PROMETHEUS_TOKEN;
      const org = process.env.TELEMETRY_LENS_PROMETHEUS_ORG_ID;
      client = new PrometheusClient({
        baseUrl: url,
        timeoutMs,
        ...(token ? { auth: { type: 'bearer' as const, token } } : {}),
        ...(org ? { headers: { 'X-Scope-OrgID': org } } : {}),
        credentialsHint: 'set TELEMETRY_LENS_PROMETHEUS_TOKEN',
      });
    } catch (e) {
      if (e instanceof BackendError) throw new CliError(e.message, 3);
      throw e;
    }

    const scan = await scanWorkspace(dir, { includeTests: booleans.has('include-tests') });
    const service: ServiceSpec = {
      id: path.basename(dir),
      selector: strings.service ?? '',
      convention,
      routes: scan.routes,
      ...(strings.prefix !== undefined ? { prefix: strings.prefix } : {}),
    };
    const engine = new MetricsEngine(client);
    let result;
    try {
      result = await engine.refresh([service], { window, ...(time !== undefined ? { evaluationTime: time } : {}) });
    } catch (e) {
      if (e instanceof BackendError) throw new CliError(e.message, 3);
      throw e;
    }
    const svc = result.services[0]!;
    for (const w of svc.warnings) io.err(`warning: ${w}`);
    if (!svc.convention) io.err(svc.reason);

    const rows = svc.routes.map((s) => ({
      ...toRouteJson(s.route, dir),
      rate: s.hasData ? s.rate : null,
      errorRatio: s.hasData ? s.errorRatio : null,
      p50: s.hasData ? s.p50 : null,
      p99: s.hasData ? s.p99 : null,
    }));
    if (printedWithoutTable(io, rows, booleans.has('json'))) return 0;
    const header = ['METHOD', 'PATH', 'RATE', 'ERRORS', 'P50', 'P99', 'LOCATION'];
    const table = rows.map((r) => [
      r.methods.join(','),
      r.fullPath ?? `${r.path}  (prefix unknown)`,
      formatRate(r.rate),
      formatRatio(r.errorRatio),
      formatDuration(r.p50),
      formatDuration(r.p99),
      `${r.file}:${r.line}`,
    ]);
    const withData = svc.routes.filter((s) => s.hasData).length;
    const footer = [
      '',
      `${rows.length} route${rows.length === 1 ? '' : 's'}, ${withData} with data · window ${window}${time !== undefined ? ` at ${new Date(time * 1000).toISOString()}` : ''}`,
      svc.convention ? `convention: ${svc.convention} — ${svc.reason}` : `convention: none — ${svc.reason}`,
    ];
    if (svc.unmatched.length) {
      footer.push(
        `series without a route in the code: ${svc.unmatched
          .slice(0, 5)
          .map((u) => `${u.method} ${u.value}`)
          .join(', ')}${svc.unmatched.length > 5 ? ', …' : ''}`,
      );
    }
    io.out([...tableLines(header, table), ...footer].join('\n'));
    return 0;
  },
};
