/**
 * What the registrations of a JS metrics library (fastify-metrics, express-prom-bundle, @hono/prometheus) register, read
 * from their options in one module's syntax tree: the metric names (a literal `prefix`, an overridden name), whether a
 * metric is switched off, and which prom-client registry it goes to. Whatever is not a literal (or a `const` of one in
 * the module) is unknown, and said so; the caller refuses then. Verified against each library's source:
 *  - fastify-metrics ≤ 8 (github.com/SkeLLLa/fastify-metrics, src/index.ts at v3–v8): `app.register(plugin, { prefix,
 *    metrics: { histogram: { name } }, enableRouteMetrics, register })`: the histogram is `${prefix}${name}` (default
 *    `http_request_duration_seconds`), in `register` (default: prom-client's). From 9 (src/fastify-metrics.ts at v9–v13):
 *    `prefix` is gone (ignored), the name is `routeMetrics.overrides.histogram.name`, `routeMetrics.enabled: false` (or
 *    `{ histogram: false }`) switches it off, `routeMetrics.overrides.histogram.registers` picks the registries.
 *  - express-prom-bundle (src/index.js): `promBundle({ httpDurationMetricName, promRegistry })` (from 3; `promRegistry`
 *    from 7, default prom-client's); `prefix` is an obsolete option it throws on.
 *  - @hono/prometheus (honojs/middleware packages/prometheus/src): `prometheus({ prefix, registry, metricOptions: {
 *    requestDuration: { name, disabled, registers }, requestsTotal: … } })`: `${prefix}${name}` in `registry`, which is
 *    a `new Registry()` of its own unless given.
 * Pure.
 */
import type { Node } from '../parsing/nodes';
import { jsStaticString, named, soleBinding, walk } from '../parsing/nodes';
import { jsObjectProp, unwrapExpr } from '../parsing/javascript';
import type { ForeignMetric, RegistryKind } from './types';

/** One registration's options (undefined: none given), and whether they could be read at all. */
export interface JsRegistration {
  line: number;
  /** the metrics it registers (switched-off ones left out), or why its options can't be read */
  metrics: ForeignMetric[] | string;
}

type Binding = { module: string; imported: string };

/** How deep a `const` is followed to its value (`const opts = base` …). */
const MAX_CONST_HOPS = 4;

/** The module's value imports: local name → module and imported name (`default`, `*`, or the export's name). */
function jsImports(root: Node): Map<string, Binding> {
  const out = new Map<string, Binding>();
  walk(root, (n) => {
    if (n.type === 'import_statement') {
      if (n.children.some((c) => c?.type === 'type')) return false; // `import type …`
      const module = jsStaticString(n.childForFieldName('source'));
      const clause = named(n).find((c) => c.type === 'import_clause');
      if (module === undefined || !clause) return false;
      for (const c of named(clause)) {
        if (c.type === 'identifier') out.set(c.text, { module, imported: 'default' });
        else if (c.type === 'namespace_import') {
          const id = named(c).find((x) => x.type === 'identifier');
          if (id) out.set(id.text, { module, imported: '*' });
        } else if (c.type === 'named_imports') {
          for (const s of named(c)) {
            if (s.type !== 'import_specifier' || s.children.some((x) => x?.type === 'type')) continue;
            const name = s.childForFieldName('name')?.text;
            const alias = s.childForFieldName('alias')?.text ?? name;
            if (name && alias) out.set(alias, { module, imported: name });
          }
        }
      }
      return false;
    }
    if (n.type === 'variable_declarator') {
      const id = n.childForFieldName('name');
      const req = requiredModule(n.childForFieldName('value'));
      if (!id || !req) return true;
      if (id.type === 'identifier') out.set(id.text, { module: req.module, imported: req.member ?? '*' });
      else if (id.type === 'object_pattern' && !req.member) {
        for (const p of named(id)) {
          if (p.type === 'shorthand_property_identifier_pattern') out.set(p.text, { module: req.module, imported: p.text });
          else if (p.type === 'pair_pattern') {
            const key = p.childForFieldName('key')?.text;
            const value = p.childForFieldName('value');
            if (key && value?.type === 'identifier') out.set(value.text, { module: req.module, imported: key });
          }
        }
      }
    }
    return true;
  });
  return out;
}

/** `require('m')`, `require('m').x`, `await import('m')` → the module (and the member taken). */
function requiredModule(n: Node | null): { module: string; member?: string } | undefined {
  let e = unwrapExpr(n);
  let member: string | undefined;
  if (e?.type === 'member_expression') {
    member = e.childForFieldName('property')?.text;
    e = unwrapExpr(e.childForFieldName('object'));
  }
  if (e?.type !== 'call_expression') return undefined;
  const f = e.childForFieldName('function');
  if (f?.type !== 'import' && !(f?.type === 'identifier' && f.text === 'require')) return undefined;
  const arg = named(e.childForFieldName('arguments') ?? e)[0];
  const module = jsStaticString(arg);
  return module === undefined ? undefined : { module, ...(member ? { member } : {}) };
}

/** The single `const`/`let` declaration of `name` in the module, its value. */
const declared = (root: Node, name: string): Node | undefined => soleBinding(root, name, 'variable_declarator', 'name', 'value');

/** An expression, its identifiers followed to the value they are declared with (once each, a few hops). */
function resolved(root: Node, n: Node | null | undefined): Node | undefined {
  let e = unwrapExpr(n ?? null) ?? undefined;
  for (let i = 0; (e?.type === 'identifier' || e?.type === 'shorthand_property_identifier') && i < MAX_CONST_HOPS; i++) {
    const v = unwrapExpr(declared(root, e.text) ?? null);
    if (!v) break; // an import or a parameter: the name itself
    e = v;
  }
  return e;
}

type Prop = { node: Node } | 'absent' | 'unknown';

/** `obj.a.b.c` of an options object: the value, absent, or unknown (not an object literal, or a spread may set it). */
function prop(root: Node, obj: Node | undefined, keys: string[]): Prop {
  let cur: Node | undefined = obj;
  for (const key of keys) {
    const o = resolved(root, cur);
    if (!o) return 'absent';
    if (o.type !== 'object') return 'unknown';
    const v = jsObjectProp(o, key);
    if (v === undefined) return named(o).some((c) => c.type === 'spread_element') ? 'unknown' : 'absent';
    cur = v; // `{ prefix }`: the identifier, resolved next
  }
  return cur ? { node: cur } : 'absent';
}

/** A string option: its value; `absent` when not given (callers use the default); no value when it is not a literal. */
function str(root: Node, obj: Node | undefined, keys: string[]): { value: string | undefined; absent: boolean } {
  const p = prop(root, obj, keys);
  if (p === 'absent') return { value: undefined, absent: true };
  if (p === 'unknown') return { value: undefined, absent: false };
  const e = resolved(root, p.node);
  return { value: e ? jsStaticString(e) : undefined, absent: false };
}

/** A boolean option set to literal `false` (switched off); unknown when not a literal (the caller keeps it on). */
function isFalse(root: Node, obj: Node | undefined, keys: string[]): boolean | 'unknown' {
  const p = prop(root, obj, keys);
  if (p === 'absent') return false;
  if (p === 'unknown') return 'unknown';
  const e = resolved(root, p.node);
  if (e?.type === 'false') return true;
  if (e?.type === 'true' || e?.type === 'object') return false;
  return 'unknown';
}

/** The prom-client registry an expression stands for: prom-client's `register`, a `new Registry()`, or unknown. */
function registryOf(root: Node, imports: Map<string, Binding>, n: Node | undefined): RegistryKind {
  const e = resolved(root, n);
  if (!e) return 'unknown';
  const prom = (b: Binding | undefined) => b?.module === 'prom-client';
  if (e.type === 'new_expression') {
    const c = e.childForFieldName('constructor');
    const name = c?.type === 'member_expression' ? c.childForFieldName('property')?.text : c?.text;
    return name === 'Registry' ? 'own' : 'unknown';
  }
  const b = e.type === 'identifier' || e.type === 'shorthand_property_identifier' ? imports.get(e.text) : undefined;
  if (b && prom(b) && b.imported === 'register') return 'default';
  if (e.type === 'member_expression' && e.childForFieldName('property')?.text === 'register') {
    const o = e.childForFieldName('object');
    if (o?.type === 'identifier' && prom(imports.get(o.text))) return 'default';
  }
  return 'unknown';
}

/** `[a, b]` of registries: own when every one is a `new Registry()`, default when one is prom-client's, else unknown. */
function registriesOf(root: Node, imports: Map<string, Binding>, n: Node | undefined): RegistryKind {
  const e = resolved(root, n);
  if (e?.type !== 'array') return 'unknown';
  const kinds = named(e).map((x) => registryOf(root, imports, x));
  return kinds.includes('default') ? 'default' : kinds.length && kinds.every((k) => k === 'own') ? 'own' : 'unknown';
}

/** What one registration's options register, per library; `major` is the library's major version when known. */
const READERS: Record<string, (root: Node, imports: Map<string, Binding>, opts: Node | undefined, major?: number) => ForeignMetric[]> = {
  'fastify-metrics': (root, imports, opts, major) => {
    const labels = ['method', 'route', 'status_code'];
    const histogram = 'http_request_duration_seconds';
    // ≤ 8: prefix + metrics.histogram.name, enableRouteMetrics, register (or metrics.histogram.registers)
    const old = (): ForeignMetric[] => {
      const off = isFalse(root, opts, ['enableRouteMetrics']);
      if (off === true) return [];
      const prefix = str(root, opts, ['prefix']);
      const name = str(root, opts, ['metrics', 'histogram', 'name']);
      const reg = prop(root, opts, ['register']);
      const regs = prop(root, opts, ['metrics', 'histogram', 'registers']);
      const registry: RegistryKind =
        reg !== 'absent'
          ? reg === 'unknown'
            ? 'unknown'
            : registryOf(root, imports, reg.node)
          : regs === 'absent'
            ? 'default'
            : regs === 'unknown'
              ? 'unknown'
              : registriesOf(root, imports, regs.node);
      const known = (prefix.absent || prefix.value !== undefined) && (name.absent || name.value !== undefined);
      return [
        {
          ...(known ? { name: `${prefix.value ?? ''}${name.value ?? histogram}` } : {}),
          labels,
          registry,
          ...(known ? {} : { why: 'fastify-metrics is registered with a prefix (or histogram name) that cannot be read' }),
        },
      ];
    };
    // ≥ 9: routeMetrics.overrides.histogram.name / registers, routeMetrics.enabled; prefix ignored
    const current = (): ForeignMetric[] => {
      const off = isFalse(root, opts, ['routeMetrics', 'enabled']);
      const histOff = isFalse(root, opts, ['routeMetrics', 'enabled', 'histogram']);
      if (off === true || histOff === true) return [];
      const name = str(root, opts, ['routeMetrics', 'overrides', 'histogram', 'name']);
      const regs = prop(root, opts, ['routeMetrics', 'overrides', 'histogram', 'registers']);
      const registry: RegistryKind =
        regs === 'absent' ? 'default' : regs === 'unknown' ? 'unknown' : registriesOf(root, imports, regs.node);
      const known = name.absent || name.value !== undefined;
      return [
        {
          ...(known ? { name: name.value ?? histogram } : {}),
          labels,
          registry,
          ...(known ? {} : { why: 'fastify-metrics is registered with a histogram name that cannot be read' }),
        },
      ];
    };
    if (major !== undefined) return major <= 8 ? old() : current();
    // the version is unknown: the options read alike under both, or the name is unknown
    const [a, b] = [old(), current()];
    if (JSON.stringify(a) === JSON.stringify(b)) return a;
    if (!a.length && !b.length) return [];
    return [
      {
        labels,
        registry: a[0]?.registry === b[0]?.registry ? (a[0]?.registry ?? 'unknown') : 'unknown',
        why: "fastify-metrics's version cannot be read (8 and earlier apply `prefix`, 9 and later ignore it), so its histogram's name is unknown",
      },
    ];
  },
  'express-prom-bundle': (root, imports, opts, major) => {
    const name = str(root, opts, ['httpDurationMetricName']);
    const reg = prop(root, opts, ['promRegistry']);
    const registry: RegistryKind =
      reg === 'absent' || (major !== undefined && major < 7)
        ? 'default'
        : reg === 'unknown' || major === undefined
          ? 'unknown'
          : registryOf(root, imports, reg.node);
    const known = name.absent || name.value !== undefined;
    return [
      {
        ...(known ? { name: name.value ?? 'http_request_duration_seconds' } : {}),
        labels: ['status_code', 'method', 'path'],
        registry,
        ...(known ? {} : { why: 'express-prom-bundle is registered with an httpDurationMetricName that cannot be read' }),
      },
    ];
  },
  '@hono/prometheus': (root, imports, opts) => {
    const prefix = str(root, opts, ['prefix']);
    const reg = prop(root, opts, ['registry']);
    const own: RegistryKind = reg === 'absent' ? 'own' : reg === 'unknown' ? 'unknown' : registryOf(root, imports, reg.node);
    const labels = ['method', 'status', 'ok', 'route'];
    const out: ForeignMetric[] = [];
    for (const [key, dflt] of [
      ['requestDuration', 'http_request_duration_seconds'],
      ['requestsTotal', 'http_requests_total'],
    ] as const) {
      // `disabled: true` switches it off; `false`, absent or not a literal keeps it
      const p = prop(root, opts, ['metricOptions', key, 'disabled']);
      const disabled = p !== 'absent' && p !== 'unknown' && resolved(root, p.node)?.type === 'true';
      if (disabled) continue;
      const name = str(root, opts, ['metricOptions', key, 'name']);
      const regs = prop(root, opts, ['metricOptions', key, 'registers']);
      const extra: RegistryKind = regs === 'absent' ? 'own' : regs === 'unknown' ? 'unknown' : registriesOf(root, imports, regs.node);
      // registered in `registry` and in `registers`: the default one if either is
      const registry: RegistryKind =
        own === 'default' || extra === 'default' ? 'default' : own === 'own' && extra === 'own' ? 'own' : 'unknown';
      const known = (prefix.absent || prefix.value !== undefined) && (name.absent || name.value !== undefined);
      out.push({
        ...(known ? { name: `${prefix.value ?? ''}${name.value ?? dflt}` } : {}),
        labels,
        registry,
        ...(known ? {} : { why: '@hono/prometheus is registered with a prefix (or metric name) that cannot be read' }),
      });
    }
    return out;
  },
};

/** The registrations of `lib` in one module (its syntax tree); [] when the module does not import it. */
export function jsRegistrations(root: Node, lib: string, major: number | undefined): JsRegistration[] {
  const read = READERS[lib];
  if (!read) return [];
  const imports = jsImports(root);
  const exported = lib === '@hono/prometheus' ? 'prometheus' : 'default';
  // bindings of the registering function (a type-only or other named import is none)
  const out: JsRegistration[] = [];
  let imported = [...imports.values()].some((b) => b.module === lib && (b.imported === exported || b.imported === '*'));
  /** the library's registering function: `plugin`, `ns.default`, `require('fastify-metrics')`, `prometheus` … */
  const isLib = (n: Node | null | undefined, exported: string): boolean => {
    const e = unwrapExpr(n ?? null);
    if (!e) return false;
    if (e.type === 'identifier') {
      const b = imports.get(e.text);
      return b?.module === lib && (b.imported === exported || (exported === 'default' && b.imported === '*'));
    }
    if (e.type === 'member_expression') {
      const o = unwrapExpr(e.childForFieldName('object'));
      const p = e.childForFieldName('property')?.text;
      if (p !== exported) return false;
      if (o?.type === 'identifier') return imports.get(o.text)?.module === lib && imports.get(o.text)?.imported === '*';
      return requiredModule(o)?.module === lib;
    }
    const req = requiredModule(e);
    if (req?.module === lib) imported = true;
    return req?.module === lib && (req.member ?? 'default') === exported;
  };
  walk(root, (n) => {
    if (n.type !== 'call_expression') return;
    const f = n.childForFieldName('function');
    const args = named(n.childForFieldName('arguments') ?? n);
    let opts: Node | undefined | null = null; // null: not a registration
    if (lib === 'fastify-metrics') {
      if (f?.type === 'member_expression' && f.childForFieldName('property')?.text === 'register' && isLib(args[0], exported))
        opts = args[1];
    } else if (isLib(f, exported)) opts = args[0];
    if (opts === null) return;
    const line = n.startPosition.row + 1;
    const o = opts === undefined ? undefined : resolved(root, opts);
    if (opts !== undefined && o?.type !== 'object') out.push({ line, metrics: `${lib} is registered with options that cannot be read` });
    else out.push({ line, metrics: read(root, imports, o, major) });
  });
  // imported but handed on (a plugin list, a helper): where and how it is registered is not read
  if (imported && !out.length)
    out.push({ line: 1, metrics: `${lib} is imported here, but its registration (and its options) cannot be read` });
  return out;
}
