/**
 * What starlette_exporter's and prometheus-flask-exporter's registrations register, read from one module's syntax tree.
 * Both register in prometheus_client's default REGISTRY under names their options make; by default none is one of
 * Instrument Route's, but starlette_exporter's `prefix="http"` gives `http_requests_total` and
 * `http_request_duration_seconds`, and prometheus-flask-exporter's `defaults_prefix=NO_PREFIX` gives
 * `http_request_duration_seconds`, each with other labels. Verified against their source:
 *  - starlette_exporter 0.23 (github.com/stephenhillier/starlette_exporter, starlette_exporter/middleware.py):
 *    `PrometheusMiddleware(app, prefix="starlette", …)`, added as `app.add_middleware(PrometheusMiddleware, …)` or
 *    `Middleware(PrometheusMiddleware, …)`; Counter `{prefix}_requests_total` and Histogram
 *    `{prefix}_request_duration_seconds` {method, path, status_code, app_name, + `labels` keys}, Gauge
 *    `{prefix}_requests_in_progress` {method, app_name}, always in the default registry.
 *  - prometheus-flask-exporter 0.23 (github.com/rycus86/prometheus_flask_exporter, prometheus_flask_exporter/__init__.py):
 *    `PrometheusMetrics(app, defaults_prefix='flask', group_by='path', export_defaults=True, registry=None)` (also
 *    `.for_app_factory(**same)` and the Gunicorn/uWSGI/multiprocess subclasses); `<p>_http_request_duration_seconds`
 *    {method, <group_by>, status}, `<p>_http_request_total` and `<p>_http_request_exceptions_total` {method, status};
 *    NO_PREFIX drops `<p>_`. Pure.
 */
import type { Node } from '../parsing/nodes';
import { named, walk } from '../parsing/nodes';
import { pyArgs } from '../parsing/python';
import { pyBindings, registryOf, strArg, type PyBindings, type PyRegistration } from './foreignPy';
import type { ForeignMetric, RegistryKind } from './types';

const STARLETTE = new Set(['PrometheusMiddleware']);
const FLASK = new Set([
  'PrometheusMetrics',
  'RESTfulPrometheusMetrics',
  'ConnexionPrometheusMetrics',
  'MultiprocessPrometheusMetrics',
  'MultiprocessInternalPrometheusMetrics',
  'UWsgiPrometheusMetrics',
  'GunicornPrometheusMetrics',
  'GunicornInternalPrometheusMetrics',
]);

function merge(a: PyBindings, b: PyBindings): PyBindings {
  const others = new Map(a.others);
  for (const [k, v] of b.others) others.set(k, new Set([...(others.get(k) ?? []), ...v]));
  return {
    classes: new Set([...a.classes, ...b.classes]),
    modules: new Set([...a.modules, ...b.modules]),
    defaultRegistry: new Set([...a.defaultRegistry, ...b.defaultRegistry]),
    registryClass: new Set([...a.registryClass, ...b.registryClass]),
    others,
  };
}

/** Is `n` a reference to one of the classes (`Cls`, `mod.Cls`)? */
function isClassRef(b: PyBindings, classes: ReadonlySet<string>, n: Node | null | undefined): boolean {
  if (!n) return false;
  if (n.type === 'identifier') return b.classes.has(n.text);
  return (
    n.type === 'attribute' &&
    b.modules.has(n.childForFieldName('object')?.text ?? '') &&
    classes.has(n.childForFieldName('attribute')?.text ?? '')
  );
}

function hasSplat(call: Node): boolean {
  return named(call.childForFieldName('arguments') ?? call).some((a) => a.type === 'dictionary_splat');
}

/** starlette_exporter's middleware in one module: each `PrometheusMiddleware(app, …)` or call given it first. */
export function starletteRegistrations(root: Node): PyRegistration[] {
  const b = pyBindings(root, 'starlette_exporter', STARLETTE);
  if (!b.classes.size && !b.modules.size) return [];
  const out: PyRegistration[] = [];
  walk(root, (n) => {
    if (n.type !== 'call') return;
    const f = n.childForFieldName('function');
    const { pos, kw } = pyArgs(n);
    // PrometheusMiddleware(app, prefix=…) itself, or add_middleware(PrometheusMiddleware, prefix=…) / Middleware(…)
    if (!isClassRef(b, STARLETTE, f) && !isClassRef(b, STARLETTE, pos[0])) return;
    const raw = strArg(root, kw.get('prefix'));
    const known = raw !== undefined && !hasSplat(n);
    const p = raw || 'starlette';
    const extra = [...(kw.get('labels')?.type === 'dictionary' ? named(kw.get('labels')!) : [])]
      .map((pair) => strArg(root, pair.childForFieldName('key') ?? undefined))
      .filter((k): k is string => !!k);
    const why = 'starlette_exporter is added with a prefix that cannot be read';
    const metric = (name: string, labels: string[]): ForeignMetric => ({
      ...(known ? { name: `${p}_${name}` } : { why }),
      labels,
      registry: 'default',
    });
    const labels = ['method', 'path', 'status_code', 'app_name', ...extra];
    out.push({
      line: n.startPosition.row + 1,
      metrics: [
        metric('requests_total', labels),
        metric('request_duration_seconds', labels),
        metric('requests_in_progress', ['method', 'app_name', ...extra]),
      ],
    });
    return false;
  });
  return out;
}

/** prometheus-flask-exporter's default metrics in one module: each construction of its classes. */
export function flaskExporterRegistrations(root: Node): PyRegistration[] {
  const b = merge(pyBindings(root, 'prometheus_flask_exporter', FLASK), pyBindings(root, 'prometheus_flask_exporter.multiprocess', FLASK));
  if (!b.classes.size && !b.modules.size) return [];
  const noPrefix = (n: Node | undefined) =>
    !!n &&
    ((n.type === 'identifier' && !!b.others.get('NO_PREFIX')?.has(n.text)) ||
      (n.type === 'attribute' &&
        b.modules.has(n.childForFieldName('object')?.text ?? '') &&
        n.childForFieldName('attribute')?.text === 'NO_PREFIX'));
  const out: PyRegistration[] = [];
  walk(root, (n) => {
    if (n.type !== 'call') return;
    const f = n.childForFieldName('function');
    // Cls(app, …) or Cls.for_app_factory(…)
    const factory =
      f?.type === 'attribute' &&
      f.childForFieldName('attribute')?.text === 'for_app_factory' &&
      isClassRef(b, FLASK, f.childForFieldName('object'));
    if (!factory && !isClassRef(b, FLASK, f)) return;
    const { kw } = pyArgs(n);
    if (kw.get('export_defaults')?.text === 'False') return;
    const prefixArg = kw.get('defaults_prefix');
    const raw = noPrefix(prefixArg) ? '' : strArg(root, prefixArg);
    const known = raw !== undefined && !hasSplat(n);
    const p = noPrefix(prefixArg) ? '' : `${raw || 'flask'}_`;
    const group = strArg(root, kw.get('group_by')) || 'path';
    const registry: RegistryKind = registryOf(root, b, kw.get('registry'));
    const why = 'prometheus-flask-exporter is made with a defaults_prefix that cannot be read';
    const metric = (name: string, labels: string[]): ForeignMetric => ({
      ...(known ? { name: `${p}${name}` } : { why }),
      labels,
      registry,
    });
    out.push({
      line: n.startPosition.row + 1,
      metrics: [
        metric('http_request_duration_seconds', ['method', group, 'status']),
        metric('http_request_total', ['method', 'status']),
        metric('http_request_exceptions_total', ['method', 'status']),
      ],
    });
    return false;
  });
  return out;
}
