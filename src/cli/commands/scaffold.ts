/** `telemetry-lens scaffold <dir>… --out <dir>`: the observability stack for the routes of one or more services. */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CliError, existingDir, parseArgs, type Command } from '../io';
import { PrometheusClient } from '../../backends/prometheus';
import { alertSettingsProblems, DEFAULT_ALERT_SETTINGS, type AlertSettings } from '../../core/dashboards/alerts';
import { errorMessage } from '../../core/errors';
import { CONVENTION_NAMES, type ConventionName } from '../../core/metrics/conventions';
import { planServices } from '../../core/scaffold/plan';
import { scaffold } from '../../core/scaffold/scaffold';

const NAMED: ConventionName[] = CONVENTION_NAMES.filter((c) => c !== 'custom');

function numberFlag(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new CliError(`--${name} must be a number, got ${v}`);
  return n;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

export const scaffoldCommand: Command = {
  name: 'scaffold',
  usage: 'scaffold <dir>... --out <dir> [--traces jaeger|tempo] [--force]',
  summary: 'write a Compose stack (collector, Prometheus, Grafana, Jaeger/Tempo, Loki), dashboards and alerts',
  help: [
    'Scans each <dir> (one service per folder) for HTTP routes and writes under --out:',
    '  docker-compose.yml, prometheus/prometheus.yml, prometheus/rules/*.yml, prometheus/tests/*.yml,',
    '  otel-collector/config.yaml, grafana/provisioning/**, grafana/dashboards/*.json (and tempo/tempo.yaml).',
    '',
    '  --out <dir>               where to write (created if missing)',
    '  --traces jaeger|tempo     trace backend (default jaeger)',
    `  --convention <name>       ${NAMED.join(' | ')} (default: detect)`,
    '  --prefix <prefix>         metric name prefix for --convention telemetry-lens',
    '  --prometheus <url>        detect each service\'s convention from this Prometheus (job="<service>")',
    '  --service <name>          service name (one <dir> only; default: the folder name)',
    '  --error-ratio <0..1>      HighErrorRate threshold (default 0.05)',
    '  --latency <seconds>       SlowResponses threshold of the latency quantile (default 0.5)',
    '  --quantile <0..1>         latency quantile of SlowResponses (default 0.99)',
    '  --for <duration>          `for:` of both alerts (default 5m)',
    '  --runbook-url <url>       base URL of the runbook (each alert links to <url>#<alertname>)',
    '  --force                   overwrite existing files',
    '',
    'Without --convention or a Prometheus that knows the service, the convention comes from the code',
    '(prometheus-fastapi-instrumentator, express-prom-bundle, fastify-metrics, starlette_exporter,',
    'prometheus-flask-exporter, Instrument Route); failing that, telemetry-lens.',
    'Exit codes: 0 written, 2 usage error or files exist (nothing written).',
  ].join('\n'),
  async run(args, io) {
    const { positionals, strings, booleans } = parseArgs(args, {
      strings: [
        'out',
        'traces',
        'convention',
        'prefix',
        'prometheus',
        'service',
        'error-ratio',
        'latency',
        'quantile',
        'for',
        'runbook-url',
      ],
      booleans: ['force'],
    });
    if (!positionals.length) throw new CliError('expected at least one <dir>');
    if (!strings.out) throw new CliError('--out <dir> is required');
    if (strings.service !== undefined && positionals.length !== 1)
      throw new CliError('--service names one service: give exactly one <dir>');
    const traces = strings.traces ?? 'jaeger';
    if (traces !== 'jaeger' && traces !== 'tempo') throw new CliError(`--traces must be jaeger or tempo, got ${traces}`);
    const convention = strings.convention as ConventionName | undefined;
    if (convention !== undefined && !NAMED.includes(convention))
      throw new CliError(`unknown --convention ${convention} (expected ${NAMED.join(', ')})`);
    if (strings.prefix !== undefined && convention !== 'telemetry-lens')
      throw new CliError('--prefix goes with --convention telemetry-lens');
    const alerts: AlertSettings = {
      ...DEFAULT_ALERT_SETTINGS,
      errorRatio: numberFlag(strings['error-ratio'], 'error-ratio', DEFAULT_ALERT_SETTINGS.errorRatio),
      latencySeconds: numberFlag(strings.latency, 'latency', DEFAULT_ALERT_SETTINGS.latencySeconds),
      latencyQuantile: numberFlag(strings.quantile, 'quantile', DEFAULT_ALERT_SETTINGS.latencyQuantile),
      for: strings.for ?? DEFAULT_ALERT_SETTINGS.for,
      runbookUrl: strings['runbook-url'] ?? '',
    };
    const problems = alertSettingsProblems(alerts);
    if (problems.length) throw new CliError(problems.join('; '));
    const dirs = positionals.map((p) => existingDir(io, p));
    const out = path.resolve(io.cwd, strings.out);
    let prometheus: PrometheusClient | undefined;
    try {
      prometheus = strings.prometheus ? new PrometheusClient({ baseUrl: strings.prometheus, timeoutMs: 5000 }) : undefined;
    } catch (e) {
      throw new CliError(`--prometheus: ${errorMessage(e)}`);
    }

    const plan = await planServices(
      dirs.map((dir) => ({ dir, ...(strings.service !== undefined ? { name: strings.service } : {}) })),
      {
        out,
        ...(convention ? { convention: { name: convention, ...(strings.prefix !== undefined ? { prefix: strings.prefix } : {}) } } : {}),
        ...(prometheus ? { prometheus } : {}),
      },
    );
    const { files, notes } = scaffold({ services: plan.services, traces, alerts });
    const existing: string[] = [];
    for (const f of files) if (await exists(path.join(out, f.path))) existing.push(f.path);
    if (existing.length && !booleans.has('force')) {
      throw new CliError(`refusing to overwrite ${existing.length} existing file(s) in ${out} (use --force): ${existing.join(', ')}`, 2);
    }
    for (const f of files) {
      const file = path.join(out, f.path);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, f.content);
    }
    for (const n of [...plan.notes, ...notes]) io.err(`note: ${n}`);
    const summary = plan.services.map(
      (s) => `${s.name} (${s.convention.name}, ${s.routes.length} route${s.routes.length === 1 ? '' : 's'}, port ${s.port})`,
    );
    io.out(
      [
        ...files.map((f) => `${existing.includes(f.path) ? 'overwrote' : 'wrote'} ${path.join(out, f.path)}`),
        '',
        `services: ${summary.join(', ')}`,
      ].join('\n'),
    );
    return 0;
  },
};
