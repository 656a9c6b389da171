/**
 * Libraries that register Instrument Route's metric names (`http_requests_total`, `http_request_duration_seconds`)
 * themselves, with other labels: in the same registry, our metrics would collide (prom-client and prometheus_client
 * keep one metric per name; every request would throw on the labels). The planner refuses then, before writing
 * anything, and says the fix: a metric prefix. A service depending on such a library is read further: each
 * registration's options (./foreignJs, ./foreignPy) say the names it really registers (a literal `prefix`, a
 * `metric_namespace`, an overridden name) and in which registry (a registry of its own never clashes with ours, which
 * go to the default one); what cannot be read keeps the refusal, saying what could not be read. Pure apart from reading
 * the service's manifests and sources (bounded: ./serviceSources' walk, MAX_SOURCE bytes a file,
 * each file read again only when it changed).
 */
import * as path from 'node:path';
import { METRIC_CLASH_FIX } from './common';
import { foldersUp, manifestNames, readManifest, serviceFolder } from './manifests';
import { withTree } from '../parsing/treeSitter';
import { SourceFacts, walkServiceSources } from './serviceSources';
import { jsRegistrations } from './foreignJs';
import { pyRegistrations, type PyRegistration } from './foreignPy';
import { flaskExporterRegistrations, starletteRegistrations } from './foreignPyExporters';
import type { Node } from '../parsing/nodes';
import type { ForeignMetric } from './types';

interface ForeignLibrary {
  /** the dependency's name as a manifest spells it (PEP 503-normalised for Python) */
  name: string;
  python: boolean;
  /** Python: the reader of one module's registrations (./foreignPy, ./foreignPyExporters) */
  py?: (root: Node) => PyRegistration[];
  /** the metric names it registers by default, with their label names */
  metrics: Record<string, string[]>;
}

/**
 * Verified against each library's documentation / source:
 *  - fastify-metrics: README and source (routeMetrics histogram `http_request_duration_seconds`, labels method, route,
 *    status_code; summary `http_request_summary_seconds`), github.com/SkeLLLa/fastify-metrics
 *  - express-prom-bundle: README, npmjs.com/package/express-prom-bundle (`http_request_duration_seconds` labelled
 *    status_code, method, path; method and path only when enabled)
 *  - @hono/prometheus: README, npmjs.com/package/@hono/prometheus (`http_request_duration_seconds` and
 *    `http_requests_total` labelled method, route, status, ok; in a registry of its own unless given one)
 *  - prometheus-fastapi-instrumentator: README and metrics.py, github.com/trallnag/prometheus-fastapi-instrumentator
 *    (`http_requests_total` labelled handler, status, method; `http_request_duration_seconds` labelled handler, method)
 *  - starlette-exporter, prometheus-flask-exporter: see ./foreignPyExporters. Their default names are none of ours;
 *    a `prefix="http"` / `defaults_prefix=NO_PREFIX` read from a registration makes them clash.
 * `metrics` are the defaults, used when no registration of the library is found (it may be registered in a way the
 * reading does not follow: the refusal stays).
 */
const FOREIGN: ForeignLibrary[] = [
  { name: 'fastify-metrics', python: false, metrics: { http_request_duration_seconds: ['method', 'route', 'status_code'] } },
  { name: 'express-prom-bundle', python: false, metrics: { http_request_duration_seconds: ['status_code', 'method', 'path'] } },
  {
    name: '@hono/prometheus',
    python: false,
    metrics: {
      http_request_duration_seconds: ['method', 'route', 'status', 'ok'],
      http_requests_total: ['method', 'route', 'status', 'ok'],
    },
  },
  {
    name: 'prometheus-fastapi-instrumentator',
    python: true,
    py: pyRegistrations,
    metrics: { http_requests_total: ['handler', 'status', 'method'], http_request_duration_seconds: ['handler', 'method'] },
  },
  {
    name: 'starlette-exporter',
    python: true,
    py: starletteRegistrations,
    metrics: {
      starlette_requests_total: ['method', 'path', 'status_code', 'app_name'],
      starlette_request_duration_seconds: ['method', 'path', 'status_code', 'app_name'],
      starlette_requests_in_progress: ['method', 'app_name'],
    },
  },
  {
    name: 'prometheus-flask-exporter',
    python: true,
    py: flaskExporterRegistrations,
    metrics: {
      flask_http_request_duration_seconds: ['method', 'path', 'status'],
      flask_http_request_total: ['method', 'status'],
      flask_http_request_exceptions_total: ['method', 'status'],
    },
  },
];

/** The nearest folder from `file`'s up holding a manifest, and the manifests' text (each apart). */
async function serviceManifests(file: string, python: boolean): Promise<{ dir: string; texts: string[] } | undefined> {
  const dir = await serviceFolder(await foldersUp(file, undefined), python);
  if (dir === undefined) return undefined;
  const texts = await Promise.all((await manifestNames(dir, python)).map(async (n) => (await readManifest(dir, n)) ?? ''));
  return { dir, texts };
}

/** The dependency's version range as package.json gives it (dependencies or devDependencies), or undefined. */
function dependencySpec(manifest: string, name: string): string | undefined {
  try {
    const pkg = JSON.parse(manifest) as { dependencies?: Record<string, unknown>; devDependencies?: Record<string, unknown> } | null;
    const spec =
      (pkg?.dependencies && Object.hasOwn(pkg.dependencies, name) ? pkg.dependencies[name] : undefined) ?? pkg?.devDependencies?.[name];
    return typeof spec === 'string'
      ? spec
      : pkg && (Object.hasOwn(pkg.dependencies ?? {}, name) || Object.hasOwn(pkg.devDependencies ?? {}, name))
        ? ''
        : undefined;
  } catch {
    return undefined;
  }
}

function dependsOn(manifest: string, lib: ForeignLibrary): boolean {
  if (!lib.python) return dependencySpec(manifest, lib.name) !== undefined;
  // requirements lines, pyproject / Pipfile entries: the name (any of - _ . between words, any case) as a whole word
  const name = lib.name.split('-').join('[-_.]');
  return new RegExp(`(?:^|[\\s"'\\[,])${name}(?![\\w.-])`, 'im').test(manifest);
}

/** The major version of a JS library: the one installed (node_modules up from the service), else the one its range
 *  allows alone (`^8.0.0`, `~8.1`, `8.x`, `8`); undefined when neither says. */
async function jsMajor(dir: string, name: string, spec: string): Promise<number | undefined> {
  for (let d = dir, i = 0; i < 6; i++) {
    const installed = await readManifest(path.join(d, 'node_modules', name), 'package.json');
    if (installed) {
      try {
        const v = (JSON.parse(installed) as { version?: unknown }).version;
        const m = typeof v === 'string' ? /^(\d+)\./.exec(v) : null;
        if (m) return Number(m[1]);
      } catch {
        /* unreadable: the range then */
      }
    }
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  // `^8.0.0`, `~8.1`, `8.x`, `8`, `>=8.2.0 <9`: major 8; anything wider (`>=8`, `*`, `latest`, a git URL) says none
  const one = /^\s*[\^~]?\s*v?(\d+)(?:\.(?:\d+|x|\*)){0,2}\s*$/i.exec(spec);
  if (one) return Number(one[1]);
  const range = /^\s*>=?\s*v?(\d+)(?:\.\d+){0,2}\s+<\s*v?(\d+)(?:\.0){0,2}\s*$/.exec(spec);
  return range && Number(range[2]) === Number(range[1]) + 1 ? Number(range[1]) : undefined;
}

const MAX_SOURCE = 1024 * 1024;

/** One module's registrations of a library, per file as long as its size and modification time stay the same. */
const facts = new SourceFacts<Registration[]>(MAX_SOURCE, []);

interface Registration {
  where: string;
  metrics: ForeignMetric[] | string;
}

/** The registrations of `lib` in the service's sources (tests and vendored folders left out); undefined when the
 *  folder is larger than the walk reads (a registration may be in what was not read). */
async function registrations(dir: string, lib: ForeignLibrary, major: number | undefined): Promise<Registration[] | undefined> {
  const needle = lib.python ? lib.name.replace(/-/g, '_') : lib.name;
  const out: Registration[] = [];
  const whole = await walkServiceSources(dir, lib.python, async (p, rel) => {
    out.push(...(await fileRegistrations(p, rel, lib, needle, major)));
  });
  return whole ? out : undefined;
}

async function fileRegistrations(
  file: string,
  rel: string,
  lib: ForeignLibrary,
  needle: string,
  major: number | undefined,
): Promise<Registration[]> {
  return facts.of(file, `${lib.name}@${major ?? ''} ${file}`, async (text) =>
    !text.includes(needle)
      ? []
      : ((await withTree(text, file, (root) =>
          (lib.py ? lib.py(root) : jsRegistrations(root, lib.name, major)).map((r) => ({
            where: `${rel}:${r.line}`,
            metrics: r.metrics,
          })),
        )) ?? []),
  );
}

/** Why `metric` clashes with ours, or can't be known not to; undefined when it does not. With a prefix of ours, a name
 *  that cannot be read is taken for another: it would have to be written with exactly that prefix. */
function clashOf(
  lib: ForeignLibrary,
  where: string,
  metric: ForeignMetric,
  ours: { names: string[]; labels: string[]; prefix: string },
): string | undefined {
  if (metric.registry === 'own') return undefined; // a registry of its own: names never meet ours
  if (metric.name === undefined) return ours.prefix ? undefined : `${metric.why ?? `${lib.name}'s metric names cannot be read`} (${where})`;
  if (!ours.names.includes(metric.name) || sameLabels(metric.labels, ours.labels)) return undefined;
  if (metric.registry === 'unknown')
    return `${lib.name} registers ${metric.name} (${where}) in a registry that cannot be read: if it is prom-client's default one, the same name with the labels ${ours.labels.join(', ')} would fail`;
  return `${lib.name} registers ${metric.name} with labels ${metric.labels.join(', ')} (${where}): the same name with the labels ${ours.labels.join(', ')} would fail`;
}

function sameLabels(a: string[], b: string[]): boolean {
  return [...a].sort().join() === [...b].sort().join();
}

/**
 * Why the metrics can't be added as named (a library of the service registers one of their names, in the default
 * registry, with other labels; or what it registers cannot be read), undefined when they can.
 */
export async function foreignMetricsRefusal(
  file: string,
  python: boolean,
  prefix: string,
  ours: { names: string[]; labels: string[] },
): Promise<string | undefined> {
  const libs = FOREIGN.filter((l) => l.python === python);
  const service = await serviceManifests(file, python);
  if (!service) return undefined;
  for (const lib of libs) {
    const manifest = service.texts.find((t) => dependsOn(t, lib));
    if (manifest === undefined) continue;
    // the library's defaults: does it clash at all, were it registered as it comes?
    const defaults = Object.entries(lib.metrics).map(([name, labels]) => ({ name, labels }));
    const couldClash = (ms: { name: string }[]) => ms.some((m) => ours.names.includes(m.name));
    const major = lib.python ? undefined : await jsMajor(service.dir, lib.name, dependencySpec(manifest, lib.name) ?? '');
    const regs = await registrations(service.dir, lib, major);
    if (!regs?.length) {
      // none found (or not every file read): as it comes
      const clash = defaults.find((m) => ours.names.includes(m.name) && !sameLabels(m.labels, ours.labels));
      if (!clash) continue;
      return (
        `the service depends on ${lib.name}, which registers ${clash.name} with labels ${clash.labels.join(', ')}: ` +
        `the same name with the labels ${ours.labels.join(', ')} would fail; ${METRIC_CLASH_FIX}`
      );
    }
    for (const r of regs) {
      if (typeof r.metrics === 'string') {
        if (couldClash(defaults)) return `${r.metrics} (${r.where}); ${METRIC_CLASH_FIX}`;
        continue;
      }
      for (const m of r.metrics) {
        const why = clashOf(lib, r.where, m, { ...ours, prefix });
        if (why) return `${why}; ${METRIC_CLASH_FIX}`;
      }
    }
  }
  return undefined;
}
