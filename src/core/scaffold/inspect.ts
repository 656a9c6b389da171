/**
 * What the scaffold needs to know about a service folder beyond its routes: language, listening port,
 * the metrics convention its code uses, whether it exports an in-flight gauge, whether it has a Dockerfile.
 * Reads a few small files (manifests and the route files); never executes anything.
 */
import * as path from 'node:path';
import type { ConventionConfig } from '../metrics/conventions';
import type { Route } from '../routes/types';
import { readSmallFile } from '../smallFile';
import { JS_HELPER_MODULE } from '../instrument/helperJs';
import { PY_HELPER_MODULE } from '../instrument/helperPy';

const MAX_BYTES = 512 * 1024;

export interface SourceFacts {
  language: 'python' | 'node';
  port: number;
  /** A convention the code or manifests name, with why; undefined when nothing says. */
  convention?: { config: ConventionConfig; reason: string };
  /** Text of the manifests and route files (for gauge checks). */
  text: string;
  hasDockerfile: boolean;
}

async function readSmall(file: string): Promise<string> {
  return (await readSmallFile(file, MAX_BYTES)) ?? '';
}

/** The convention named by the code (imports, dependencies, metric names), if any. */
export function conventionFromSource(text: string): SourceFacts['convention'] {
  if (/prometheus[-_]fastapi[-_]instrumentator/.test(text))
    return { config: { name: 'instrumentator' }, reason: 'the code uses prometheus-fastapi-instrumentator' };
  if (/express-prom-bundle/.test(text)) return { config: { name: 'express-prom-bundle' }, reason: 'the code uses express-prom-bundle' };
  if (/fastify-metrics/.test(text)) return { config: { name: 'fastify-metrics' }, reason: 'the code uses fastify-metrics' };
  if (/starlette[-_]exporter/i.test(text)) {
    // PrometheusMiddleware(app, prefix="myapp") / add_middleware(PrometheusMiddleware, prefix="myapp"): a literal prefix
    const prefix = /\bPrometheusMiddleware\b[^)]{0,400}?\bprefix\s*=\s*["']([A-Za-z_]\w*)["']/.exec(text)?.[1];
    return {
      config: { name: 'starlette-exporter', ...(prefix && prefix !== 'starlette' ? { prefix: `${prefix}_` } : {}) },
      reason: `the code uses starlette_exporter${prefix && prefix !== 'starlette' ? ` with prefix "${prefix}"` : ''}`,
    };
  }
  if (/prometheus[-_]flask[-_]exporter/i.test(text)) {
    const byRule = /\bgroup_by\s*=\s*["']url_rule["']/.test(text);
    const p = /\bdefaults_prefix\s*=\s*(?:["']([A-Za-z_]\w*)["']|(?:\w+\.)?(NO_PREFIX)\b)/.exec(text);
    const prefix = p ? (p[2] ? '' : `${p[1]}_`) : undefined;
    return {
      config: {
        name: 'prometheus-flask-exporter',
        ...(prefix !== undefined && prefix !== 'flask_' ? { prefix } : {}),
        ...(byRule ? { routeLabel: 'url_rule' as const } : {}),
      },
      reason: `the code uses prometheus-flask-exporter${byRule ? " with group_by='url_rule'" : ''}`,
    };
  }
  const ours = /["'`]([a-z0-9_]*)http_requests_total["'`]/.exec(text);
  if (ours && /["'`]route["'`]/.test(text)) {
    return {
      config: { name: 'telemetry-lens', prefix: ours[1]! },
      reason: `the code defines ${ours[1]}http_requests_total with a route label (Instrument Route)`,
    };
  }
  return undefined;
}

/** The port the app most likely listens on, from the code; the framework default otherwise. */
export function portFromSource(text: string, language: SourceFacts['language']): number {
  const patterns = [
    /\.listen\(\s*(?:\{\s*port:\s*)?(\d{2,5})\b/,
    /PORT\s*(?:\|\||\?\?)\s*(\d{2,5})\b/,
    /--port[= ](\d{2,5})\b/,
    /\bport\s*=\s*(\d{2,5})\b/,
  ];
  for (const re of patterns) {
    const m = re.exec(text);
    const n = m ? Number(m[1]) : NaN;
    if (n >= 1 && n <= 65535) return n;
  }
  return language === 'python' ? 8000 : 3000;
}

/**
 * Where Instrument Route's helper module (the wrapper style's metrics, the in-flight gauge among them) can be: in the
 * folder of a route file or one of its parents inside the service (at most 50 folders).
 */
function helperModules(dir: string, routes: Route[]): string[] {
  const root = path.resolve(dir);
  const dirs = new Set<string>();
  for (const file of new Set(routes.map((r) => r.file))) {
    for (let d = path.dirname(path.resolve(root, file)); dirs.size < 50 && !dirs.has(d); d = path.dirname(d)) {
      const rel = path.relative(root, d);
      if (rel.startsWith('..') || path.isAbsolute(rel)) break;
      dirs.add(d);
      if (d === root) break;
    }
  }
  const names = [`${PY_HELPER_MODULE}.py`, ...['ts', 'js', 'mjs', 'cjs', 'mts', 'cts'].map((e) => `${JS_HELPER_MODULE}.${e}`)];
  return [...dirs].flatMap((d) => names.map((n) => path.join(d, n)));
}

export async function inspectService(dir: string, routes: Route[]): Promise<SourceFacts> {
  // Manifests first (their order is used below), then the usual entry points and metric modules.
  const manifests = ['package.json', 'requirements.txt', 'pyproject.toml', 'Pipfile', 'Dockerfile', 'Procfile'];
  const entries = [
    'main.py',
    'app.py',
    'metrics.py',
    'app/main.py',
    'server.js',
    'index.js',
    'app.js',
    'metrics.js',
    'src/main.ts',
    'src/index.ts',
    'src/server.ts',
    'src/app.ts',
  ];
  const texts = await Promise.all([
    ...[...manifests, ...entries].map((m) => readSmall(path.join(dir, m))),
    ...[...new Set(routes.map((r) => r.file))].slice(0, 200).map(readSmall),
    ...helperModules(dir, routes).map(readSmall),
  ]);
  const [pkg, , , , dockerfile] = texts;
  const python = routes.length ? ['fastapi', 'flask'].includes(routes[0]!.framework) : !pkg;
  const language = python ? 'python' : 'node';
  const text = texts.join('\n');
  const convention = conventionFromSource(text);
  return { language, port: portFromSource(text, language), text, hasDockerfile: !!dockerfile, ...(convention ? { convention } : {}) };
}
