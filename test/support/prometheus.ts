/**
 * Real-Prometheus test harness (unit tests, e2e, demo): write OpenMetrics history, backfill it with
 * `promtool tsdb create-blocks-from openmetrics`, start `prometheus` on a free loopback port in a
 * throwaway directory, wait for /-/ready by bounded polling, stop and clean up.
 *
 *   const prom = await startPrometheus({ openMetrics: om.toString() });
 *   … query prom.url with time=EVAL_TIME …
 *   await prom.stop();
 *
 * Needs /usr/bin/prometheus and /usr/bin/promtool (Debian `apt-get install prometheus`), or PROMETHEUS_BIN /
 * PROMTOOL_BIN. Never touches the system service.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? 'prometheus';
export const PROMTOOL_BIN = process.env.PROMTOOL_BIN ?? 'promtool';

/** 2026-01-01T00:00:00Z — start of every deterministic data set. */
export const EPOCH = 1767225600;

// --- OpenMetrics writer ----------------------------------------------------------------------

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function num(n: number): string {
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  // enough precision to keep linear counters exact to ~1e-12
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(15)));
}

export interface TimeRange {
  /** Unix seconds of the first sample (default EPOCH). */
  start?: number;
  /** Unix seconds of the last sample (default start + 2 h). */
  end?: number;
  /** Seconds between samples (default 15). */
  step?: number;
}

/**
 * Builds an OpenMetrics text exposition with history. Counters grow linearly (value = rate × elapsed), so
 * `rate(x[5m])` at a step-aligned time inside the range is exactly `rate`.
 */
export class OpenMetricsWriter {
  private readonly families = new Map<string, { type: string; help?: string; lines: string[] }>();
  readonly start: number;
  readonly end: number;
  readonly step: number;

  constructor(range: TimeRange = {}) {
    this.start = range.start ?? EPOCH;
    this.end = range.end ?? this.start + 7200;
    this.step = range.step ?? 15;
  }

  private family(name: string, type: string, help?: string) {
    let f = this.families.get(name);
    if (!f) {
      f = { type, lines: [], ...(help ? { help } : {}) };
      this.families.set(name, f);
    } else if (f.type !== type) throw new Error(`metric family ${name} is ${f.type}, not ${type}`);
    return f;
  }

  private *times(): Generator<number> {
    for (let t = this.start; t <= this.end; t += this.step) yield t;
  }

  /** A counter `<family>_total{labels}` growing at `ratePerSecond`. `family` is given without `_total`. */
  counter(family: string, labels: Labels, ratePerSecond: number, help?: string): this {
    const f = this.family(family, 'counter', help);
    const l = labelText(labels);
    for (const t of this.times()) f.lines.push(`${family}_total${l} ${num(ratePerSecond * (t - this.start))} ${t}`);
    return this;
  }

  /** A gauge with a constant value. */
  gauge(name: string, labels: Labels, value: number, help?: string): this {
    const f = this.family(name, 'gauge', help);
    const l = labelText(labels);
    for (const t of this.times()) f.lines.push(`${name}${l} ${num(value)} ${t}`);
    return this;
  }

  /**
   * A classic histogram whose cumulative bucket counters grow linearly: `buckets` are [le, cumulative
   * rate per second]; the +Inf bucket and _count grow at `countRate` (default: the last bucket's rate);
   * _sum grows at `sumRate` (default countRate × 0.1).
   */
  histogram(
    family: string,
    labels: Labels,
    buckets: Array<[number, number]>,
    opts: { countRate?: number; sumRate?: number; help?: string } = {},
  ): this {
    const f = this.family(family, 'histogram', opts.help);
    const count = opts.countRate ?? buckets[buckets.length - 1]?.[1] ?? 0;
    const sum = opts.sumRate ?? count * 0.1;
    const all: Array<[number, number]> = [...buckets.filter(([le]) => le !== Number.POSITIVE_INFINITY), [Number.POSITIVE_INFINITY, count]];
    for (const t of this.times()) {
      const dt = t - this.start;
      for (const [le, r] of all) f.lines.push(`${family}_bucket${labelText({ ...labels, le: num(le) })} ${num(r * dt)} ${t}`);
      f.lines.push(`${family}_count${labelText(labels)} ${num(count * dt)} ${t}`);
      f.lines.push(`${family}_sum${labelText(labels)} ${num(sum * dt)} ${t}`);
    }
    return this;
  }

  toString(): string {
    const out: string[] = [];
    for (const [name, f] of this.families) {
      out.push(`# TYPE ${name} ${f.type}`);
      if (f.help) out.push(`# HELP ${name} ${f.help}`);
      for (const l of f.lines) out.push(l);
    }
    out.push('# EOF', '');
    return out.join('\n');
  }
}

// --- process management ----------------------------------------------------------------------

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface ScrapeTarget {
  job: string;
  targets: string[];
  scrapeInterval?: string;
  metricsPath?: string;
}

export interface StartPrometheusOptions {
  /** OpenMetrics history backfilled with promtool before start (must end with `# EOF`). */
  openMetrics?: string;
  /** Rule file YAML contents (`groups: …`). */
  rules?: string;
  scrapes?: ScrapeTarget[];
  /** Global scrape/evaluation interval (default 15s). */
  scrapeInterval?: string;
  evaluationInterval?: string;
  /** `--enable-feature=exemplar-storage`. */
  exemplars?: boolean;
  /** Readiness polling budget (ms of bounded attempts, default 30 000). */
  readyTimeoutMs?: number;
  extraArgs?: string[];
  /** Run this prometheus.yml instead of writing one from the options above (rule files resolve relative to it). */
  configFile?: string;
}

export interface PrometheusInstance {
  url: string;
  port: number;
  dir: string;
  /** Stops the process, keeps the data directory (see start()). */
  kill(): Promise<void>;
  /** (Re)starts on the same port and data directory; resolves when ready. */
  start(): Promise<void>;
  /** Stops and removes the directory. Idempotent. */
  stop(): Promise<void>;
  /** Last lines of Prometheus' own log (for failure messages). */
  logs(): string;
}

/** Children still running when the test process exits (crash, forgotten stop()) are killed with it. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export async function createBlocks(openMetrics: string, dir: string): Promise<void> {
  if (!openMetrics.trimEnd().endsWith('# EOF')) throw new Error('OpenMetrics input must end with "# EOF"');
  const file = join(dir, 'history.om');
  await writeFile(file, openMetrics);
  await mkdir(join(dir, 'data'), { recursive: true });
  try {
    await execFileP(PROMTOOL_BIN, ['tsdb', 'create-blocks-from', 'openmetrics', file, join(dir, 'data')], { maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`promtool create-blocks-from failed: ${err.stderr || err.message}`);
  }
}

export async function startPrometheus(opts: StartPrometheusOptions = {}): Promise<PrometheusInstance> {
  const dir = await mkdtemp(join(tmpdir(), 'tl-prom-'));
  try {
    if (opts.openMetrics) await createBlocks(opts.openMetrics, dir);
    const config: string[] = [
      'global:',
      `  scrape_interval: ${opts.scrapeInterval ?? '15s'}`,
      `  evaluation_interval: ${opts.evaluationInterval ?? opts.scrapeInterval ?? '15s'}`,
    ];
    if (opts.rules) {
      await writeFile(join(dir, 'rules.yml'), opts.rules);
      config.push('rule_files:', `  - ${JSON.stringify(join(dir, 'rules.yml'))}`);
    }
    config.push('scrape_configs:');
    if (!opts.scrapes?.length) config.push('  []');
    for (const s of opts.scrapes ?? []) {
      config.push(`  - job_name: ${JSON.stringify(s.job)}`);
      if (s.scrapeInterval) config.push(`    scrape_interval: ${s.scrapeInterval}`);
      if (s.metricsPath) config.push(`    metrics_path: ${JSON.stringify(s.metricsPath)}`);
      config.push('    static_configs:', `      - targets: ${JSON.stringify(s.targets)}`);
    }
    if (!opts.configFile) await writeFile(join(dir, 'prometheus.yml'), `${config.join('\n')}\n`);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }

  let port = await freePort();
  let url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let log: string[] = [];
  let removed = false;

  const dataDir = join(dir, 'data');
  const args = () => [
    `--config.file=${opts.configFile ?? join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${dataDir}`,
    '--storage.tsdb.retention.time=100y',
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-lifecycle',
    ...(opts.exemplars ? ['--enable-feature=exemplar-storage'] : []),
    ...(opts.extraArgs ?? []),
  ];

  const start = async () => {
    log = [];
    const c = spawn(PROMETHEUS_BIN, args(), { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    live.add(c);
    c.on('exit', () => live.delete(c));
    let exitInfo: string | undefined;
    exited = new Promise<void>((resolve) => {
      c.on('exit', (code, signal) => {
        exitInfo = `exited with ${code ?? signal}`;
        resolve();
      });
      c.on('error', (e) => {
        exitInfo = `failed to start: ${e.message}`;
        resolve();
      });
    });
    const collect = (b: Buffer) => {
      log.push(...b.toString().split('\n').filter(Boolean));
      if (log.length > 200) log = log.slice(-200);
    };
    c.stdout?.on('data', collect);
    c.stderr?.on('data', collect);
    const budget = opts.readyTimeoutMs ?? 30_000;
    const attempts = Math.ceil(budget / 100);
    for (let i = 0; i < attempts; i++) {
      if (exitInfo) {
        const inUse = log.some((l) => /address already in use/.test(l));
        throw Object.assign(new Error(`prometheus ${exitInfo}\n${log.slice(-20).join('\n')}`), { portTaken: inUse });
      }
      try {
        const r = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
        // Make sure the server that answers is OURS (the port may have been taken by another process meanwhile).
        if (r.ok && (await servesDir(url, dataDir))) return;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 100)); // poll interval between bounded readiness attempts
    }
    throw new Error(`prometheus not ready after ${budget} ms\n${log.slice(-20).join('\n')}`);
  };

  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    c.kill('SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };

  const instance: PrometheusInstance = {
    get url() {
      return url;
    },
    get port() {
      return port;
    },
    dir,
    kill,
    start,
    async stop() {
      await kill();
      if (!removed) {
        removed = true;
        await rm(dir, { recursive: true, force: true });
      }
    },
    logs: () => log.join('\n'),
  };
  // The free port can be taken between freePort() and Prometheus binding it (parallel test files): retry.
  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      return instance;
    } catch (e) {
      await kill();
      if (!(e as { portTaken?: boolean }).portTaken || attempt >= 5) {
        await instance.stop();
        throw e;
      }
      port = await freePort();
      url = `http://127.0.0.1:${port}`;
    }
  }
}

async function servesDir(url: string, dataDir: string): Promise<boolean> {
  const r = await fetch(`${url}/api/v1/status/flags`, { signal: AbortSignal.timeout(1000) });
  if (!r.ok) return false;
  const j = (await r.json()) as { data?: Record<string, string> };
  return j.data?.['storage.tsdb.path'] === dataDir;
}

/** Instant query straight against the HTTP API (no project code): the reference answer in tests. */
export async function promQuery(url: string, expr: string, time: number): Promise<Array<{ metric: Labels; value: [number, string] }>> {
  const body = new URLSearchParams({ query: expr, time: String(time) });
  const r = await fetch(`${url}/api/v1/query`, { method: 'POST', body, signal: AbortSignal.timeout(10_000) });
  const j = (await r.json()) as {
    status: string;
    data?: { resultType: string; result: Array<{ metric: Labels; value: [number, string] }> };
    error?: string;
  };
  if (j.status !== 'success' || !j.data) throw new Error(`query failed: ${expr}: ${j.error}`);
  if (j.data.resultType !== 'vector') throw new Error(`expected a vector for ${expr}`);
  return j.data.result;
}

/** First value of an instant query as a number (null when empty/NaN). */
export async function promScalar(url: string, expr: string, time: number): Promise<number | null> {
  const r = await promQuery(url, expr, time);
  if (!r.length) return null;
  const v = Number(r[0]!.value[1]);
  return Number.isFinite(v) ? v : null;
}
