/**
 * The infrastructure files of a scaffolded observability stack, as plain objects (the generator writes
 * them as YAML): docker-compose, prometheus.yml, the OpenTelemetry Collector config, Grafana provisioning,
 * Tempo's config. Pure, no `vscode`. Image tags are pinned; every persistent store is a named volume.
 */
import { DATASOURCE_UIDS } from '../dashboards/grafana';

export type TraceBackend = 'jaeger' | 'tempo';

/** One application service of the stack. */
export interface StackService {
  /** Compose service name and Prometheus job (also the OTEL service name). */
  name: string;
  /** Build context relative to the output directory (posix). */
  context: string;
  language: 'python' | 'node';
  /** Port the app listens on inside its container. */
  port: number;
  /** Port published on the host. */
  hostPort: number;
}

export const IMAGES = {
  collector: 'otel/opentelemetry-collector-contrib:0.111.0',
  prometheus: 'prom/prometheus:v2.54.1',
  grafana: 'grafana/grafana:11.2.2',
  jaeger: 'jaegertracing/all-in-one:1.62.0',
  tempo: 'grafana/tempo:2.6.1',
  loki: 'grafana/loki:3.2.1',
} as const;

/** Host ports the stack itself publishes (applications are moved off them). */
export const STACK_PORTS = {
  grafana: 3000,
  loki: 3100,
  tempo: 3200,
  otlpGrpc: 4317,
  otlpHttp: 4318,
  prometheus: 9090,
  jaeger: 16686,
} as const;

/** The collector's Prometheus exporter (OTLP metrics → scrape). */
const COLLECTOR_METRICS_PORT = 8889;

const wget = (url: string) => ({ test: ['CMD', 'wget', '-q', '--spider', url], interval: '10s', timeout: '5s', retries: 5 });

function appHealthcheck(s: StackService) {
  const url = `http://127.0.0.1:${s.port}/metrics`;
  const test =
    s.language === 'python'
      ? ['CMD', 'python', '-c', `import urllib.request; urllib.request.urlopen(${JSON.stringify(url)}, timeout=4)`]
      : ['CMD', 'node', '-e', `fetch(${JSON.stringify(url)}).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`];
  return { test, interval: '15s', timeout: '5s', retries: 5, start_period: '20s' };
}

export function composeFile(services: StackService[], traces: TraceBackend): object {
  const apps = Object.fromEntries(
    services.map((s) => [
      s.name,
      {
        build: { context: s.context },
        ports: [`${s.hostPort}:${s.port}`],
        environment: {
          OTEL_SERVICE_NAME: s.name,
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://otel-collector:${STACK_PORTS.otlpHttp}`,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        },
        depends_on: { 'otel-collector': { condition: 'service_started' } },
        healthcheck: appHealthcheck(s),
        restart: 'unless-stopped',
      },
    ]),
  );
  const traceService =
    traces === 'jaeger'
      ? {
          jaeger: {
            image: IMAGES.jaeger,
            // In-memory span storage (all-in-one's default): traces are for the session, metrics and logs persist.
            environment: { COLLECTOR_OTLP_ENABLED: 'true' },
            ports: [`${STACK_PORTS.jaeger}:16686`],
            healthcheck: wget('http://127.0.0.1:14269/'),
          },
        }
      : {
          tempo: {
            image: IMAGES.tempo,
            command: ['-config.file=/etc/tempo/tempo.yaml'],
            ports: [`${STACK_PORTS.tempo}:3200`],
            volumes: ['./tempo/tempo.yaml:/etc/tempo/tempo.yaml:ro', 'tempo-data:/var/tempo'],
            // The image has no shell or HTTP client: Grafana's own health check of the datasource stands in.
          },
        };
  return {
    name: 'telemetry-lens-stack',
    services: {
      ...apps,
      'otel-collector': {
        image: IMAGES.collector,
        command: ['--config=/etc/otelcol-contrib/config.yaml'],
        volumes: ['./otel-collector/config.yaml:/etc/otelcol-contrib/config.yaml:ro'],
        ports: [`${STACK_PORTS.otlpGrpc}:4317`, `${STACK_PORTS.otlpHttp}:4318`],
        depends_on: [traces, 'loki'],
        restart: 'unless-stopped',
        // Distroless image: no shell for a health check command; its health_check extension listens on 13133.
      },
      prometheus: {
        image: IMAGES.prometheus,
        command: [
          '--config.file=/etc/prometheus/prometheus.yml',
          '--storage.tsdb.path=/prometheus',
          '--enable-feature=exemplar-storage',
          '--web.enable-lifecycle',
        ],
        volumes: ['./prometheus:/etc/prometheus:ro', 'prometheus-data:/prometheus'],
        ports: [`${STACK_PORTS.prometheus}:9090`],
        healthcheck: wget('http://127.0.0.1:9090/-/healthy'),
        restart: 'unless-stopped',
      },
      ...traceService,
      loki: {
        image: IMAGES.loki,
        command: ['-config.file=/etc/loki/local-config.yaml'],
        volumes: ['loki-data:/loki'],
        ports: [`${STACK_PORTS.loki}:3100`],
        healthcheck: wget('http://127.0.0.1:3100/ready'),
        restart: 'unless-stopped',
      },
      grafana: {
        image: IMAGES.grafana,
        environment: {
          GF_AUTH_ANONYMOUS_ENABLED: 'true',
          GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer',
          GF_FEATURE_TOGGLES_ENABLE: 'traceToMetrics',
        },
        volumes: [
          './grafana/provisioning:/etc/grafana/provisioning:ro',
          './grafana/dashboards:/var/lib/grafana/dashboards:ro',
          'grafana-data:/var/lib/grafana',
        ],
        ports: [`${STACK_PORTS.grafana}:3000`],
        depends_on: { prometheus: { condition: 'service_healthy' }, loki: { condition: 'service_healthy' } },
        healthcheck: wget('http://127.0.0.1:3000/api/health'),
        restart: 'unless-stopped',
      },
    },
    volumes: Object.fromEntries(
      ['prometheus-data', 'grafana-data', 'loki-data', ...(traces === 'tempo' ? ['tempo-data'] : [])].map((v) => [v, {}]),
    ),
  };
}

export interface ScrapeJob {
  job: string;
  target: string;
  metricsPath: string;
}

/** prometheus.yml: every service's /metrics every 15 s, the collector's OTLP metrics, the rule files. */
export function prometheusConfig(jobs: ScrapeJob[]): object {
  return {
    global: { scrape_interval: '15s', scrape_timeout: '10s', evaluation_interval: '15s' },
    rule_files: ['rules/*.yml'],
    scrape_configs: [
      ...jobs.map((j) => ({ job_name: j.job, metrics_path: j.metricsPath, static_configs: [{ targets: [j.target] }] })),
      { job_name: 'otel-collector', static_configs: [{ targets: [`otel-collector:${COLLECTOR_METRICS_PORT}`] }] },
    ],
  };
}

/** The collector: OTLP in; traces to Jaeger/Tempo, logs to Loki (OTLP), metrics exposed for Prometheus. */
export function collectorConfig(traces: TraceBackend): object {
  const traceExporter = `otlp/${traces}`;
  const processors = ['memory_limiter', 'batch'];
  return {
    extensions: { health_check: { endpoint: '0.0.0.0:13133' } },
    receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } } },
    processors: { memory_limiter: { check_interval: '1s', limit_mib: 400, spike_limit_mib: 100 }, batch: {} },
    exporters: {
      [traceExporter]: { endpoint: `${traces}:4317`, tls: { insecure: true } },
      'otlphttp/loki': { endpoint: 'http://loki:3100/otlp' },
      prometheus: {
        endpoint: `0.0.0.0:${COLLECTOR_METRICS_PORT}`,
        enable_open_metrics: true,
        resource_to_telemetry_conversion: { enabled: true },
      },
    },
    service: {
      extensions: ['health_check'],
      pipelines: {
        traces: { receivers: ['otlp'], processors, exporters: [traceExporter] },
        logs: { receivers: ['otlp'], processors, exporters: ['otlphttp/loki'] },
        metrics: { receivers: ['otlp'], processors, exporters: ['prometheus'] },
      },
    },
  };
}

/** Grafana datasources: exemplars → traces, traces → logs, logs → traces, all by uid. */
export function grafanaDatasources(traces: TraceBackend): object {
  const traceUid = DATASOURCE_UIDS[traces];
  const tracesToLogs = {
    datasourceUid: DATASOURCE_UIDS.loki,
    filterByTraceID: true,
    spanStartTimeShift: '-5m',
    spanEndTimeShift: '5m',
    tags: [{ key: 'service.name', value: 'service_name' }],
  };
  const traceDs =
    traces === 'jaeger'
      ? {
          name: 'Jaeger',
          uid: traceUid,
          type: 'jaeger',
          access: 'proxy',
          url: `http://jaeger:16686`,
          jsonData: { tracesToLogsV2: tracesToLogs },
        }
      : {
          name: 'Tempo',
          uid: traceUid,
          type: 'tempo',
          access: 'proxy',
          url: 'http://tempo:3200',
          jsonData: {
            tracesToLogsV2: tracesToLogs,
            serviceMap: { datasourceUid: DATASOURCE_UIDS.prometheus },
            nodeGraph: { enabled: true },
          },
        };
  return {
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus',
        uid: DATASOURCE_UIDS.prometheus,
        type: 'prometheus',
        access: 'proxy',
        url: `http://prometheus:9090`,
        isDefault: true,
        jsonData: { httpMethod: 'POST', exemplarTraceIdDestinations: [{ name: 'trace_id', datasourceUid: traceUid }] },
      },
      traceDs,
      {
        name: 'Loki',
        uid: DATASOURCE_UIDS.loki,
        type: 'loki',
        access: 'proxy',
        url: 'http://loki:3100',
        // `$$` is a literal `$` in provisioning files (a single one would be an environment variable).
        jsonData: {
          derivedFields: [
            {
              name: 'TraceID',
              matcherType: 'label',
              matcherRegex: 'trace_id',
              datasourceUid: traceUid,
              url: '$${__value.raw}',
              urlDisplayLabel: 'Open trace',
            },
          ],
        },
      },
    ],
  };
}

export const GRAFANA_DASHBOARDS_DIR = '/var/lib/grafana/dashboards';

export function grafanaDashboardProvider(): object {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'telemetry-lens',
        folder: 'Telemetry Lens',
        type: 'file',
        disableDeletion: false,
        allowUiUpdates: true,
        options: { path: GRAFANA_DASHBOARDS_DIR },
      },
    ],
  };
}

export function tempoConfig(): object {
  return {
    server: { http_listen_port: 3200 },
    distributor: { receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } } } },
    storage: { trace: { backend: 'local', wal: { path: '/var/tempo/wal' }, local: { path: '/var/tempo/blocks' } } },
  };
}
