/**
 * Libraries that register Instrument Route's metric names (`http_requests_total`, `http_request_duration_seconds`)
 * themselves, with other labels: beside one of them, our metrics without a prefix would collide (prom-client and
 * prometheus_client keep one metric per name; every request would throw on the labels). The planner refuses then,
 * before writing anything, and says the fix: a metric prefix. Pure apart from reading the service's manifests.
 */
import { readFile, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { METRIC_CLASH_FIX } from './common';

interface ForeignLibrary {
  /** the dependency's name as a manifest spells it (PEP 503-normalised for Python) */
  name: string;
  python: boolean;
  /** the metric names it registers by default, with their label names */
  metrics: Record<string, string[]>;
}

/**
 * Verified against each library's documentation / source:
 *  - fastify-metrics: README and source (routeMetrics histogram `http_request_duration_seconds`, labels method, route,
 *    status_code; summary `http_request_summary_seconds`), github.com/SkeLLLa/fastify-metrics
 *  - express-prom-bundle: README, npmjs.com/package/express-prom-bundle (`http_request_duration_seconds` labelled
 *    status_code, method, path; method and path only when enabled)
 *  - @hono/prometheus: README, npmjs.com/package/@hono/prometheus (`http_request_duration_seconds` labelled method,
 *    route, status, ok)
 *  - prometheus-fastapi-instrumentator: README and metrics.py, github.com/trallnag/prometheus-fastapi-instrumentator
 *    (`http_requests_total` labelled handler, status, method; `http_request_duration_seconds` labelled handler, method)
 */
const FOREIGN: ForeignLibrary[] = [
  { name: 'fastify-metrics', python: false, metrics: { http_request_duration_seconds: ['method', 'route', 'status_code'] } },
  { name: 'express-prom-bundle', python: false, metrics: { http_request_duration_seconds: ['status_code', 'method', 'path'] } },
  { name: '@hono/prometheus', python: false, metrics: { http_request_duration_seconds: ['method', 'route', 'status', 'ok'] } },
  {
    name: 'prometheus-fastapi-instrumentator',
    python: true,
    metrics: { http_requests_total: ['handler', 'status', 'method'], http_request_duration_seconds: ['handler', 'method'] },
  },
];

const PY_MANIFEST = /^(?:requirements[\w.-]*\.txt|pyproject\.toml|Pipfile)$/i;
const MAX_MANIFEST = 512 * 1024;

async function readSmall(p: string): Promise<string> {
  try {
    return (await readFile(p, 'utf8')).slice(0, MAX_MANIFEST);
  } catch {
    return '';
  }
}

/** The nearest folder from `file`'s up (at most 12 levels) holding a manifest, and the manifests' text. */
async function serviceManifests(file: string, python: boolean): Promise<string> {
  for (let d = path.dirname(path.resolve(file)), i = 0; i < 12; i++) {
    const names = await readdir(d).catch(() => [] as string[]);
    const own = names.filter((n) => (python ? PY_MANIFEST.test(n) : n === 'package.json')).slice(0, 20);
    if (own.length) return (await Promise.all(own.map((n) => readSmall(path.join(d, n))))).join('\n');
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  return '';
}

function dependsOn(manifest: string, lib: ForeignLibrary): boolean {
  if (!lib.python) {
    try {
      const pkg = JSON.parse(manifest) as { dependencies?: object; devDependencies?: object } | null;
      return !!pkg && (Object.hasOwn(pkg.dependencies ?? {}, lib.name) || Object.hasOwn(pkg.devDependencies ?? {}, lib.name));
    } catch {
      return false;
    }
  }
  // requirements lines, pyproject / Pipfile entries: the name (any of - _ . between words, any case) as a whole word
  const name = lib.name.split('-').join('[-_.]');
  return new RegExp(`(?:^|[\\s"'\\[,])${name}(?![\\w.-])`, 'im').test(manifest);
}

/**
 * Why the metrics can't be added as named (a library of the service registers one of their names with other
 * labels), undefined when they can: only without a prefix (a prefix makes the names differ).
 */
export async function foreignMetricsRefusal(
  file: string,
  python: boolean,
  prefix: string,
  ours: { names: string[]; labels: string[] },
): Promise<string | undefined> {
  if (prefix) return undefined;
  const libs = FOREIGN.filter((l) => l.python === python);
  const manifest = await serviceManifests(file, python);
  if (!manifest) return undefined;
  const same = (a: string[], b: string[]) => [...a].sort().join() === [...b].sort().join();
  for (const lib of libs) {
    const clash = Object.entries(lib.metrics).find(([name, labels]) => ours.names.includes(name) && !same(labels, ours.labels));
    if (!clash || !dependsOn(manifest, lib)) continue;
    return (
      `the service depends on ${lib.name}, which registers ${clash[0]} with labels ${clash[1].join(', ')}: ` +
      `the same name with the labels ${ours.labels.join(', ')} would fail; ${METRIC_CLASH_FIX}`
    );
  }
  return undefined;
}
