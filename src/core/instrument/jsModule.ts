/**
 * The module side of JS/TS instrumentation: what a module already has (style, imports, metrics, tracer, names in
 * use), how it refers to an export of a package, and the module-level edits (imports, metric and tracer
 * declarations, the error-status helper) that the planned handlers need. Pure.
 */
import { findAll, jsStaticString as strValue, type Node, walk } from '../parsing/nodes';
import { jsObjectProp as objProp } from '../parsing/javascript';
import { detectIndentUnit, eolOf, jsRegisteredFn, jsString, lineEndAt, lineStartAt, listAppendEdit, metricNames } from './common';
import type { InstrumentOptions, TextEdit } from './types';

export const ERROR_STATUS_FN = 'telemetryErrorStatus';
/** Runs a handler body and records its end when its result is there: a returned promise's once it settles. */
export const SETTLED_FN = 'telemetrySettled';
/** Looks a metric of our name up: shared when its labels are ours, refused at import when not (another library's). */
export const REGISTERED_FN = 'telemetryRegisteredMetric';

export interface JsStyle {
  eol: string;
  unit: string;
  quote: string;
  semi: string;
  esm: boolean;
  ts: boolean;
}

interface ModuleImport {
  module: string;
  /** imported name → local name */
  named: Map<string, string>;
  /** namespace / default / `const x = require()` local */
  qualifier?: string;
  /** Node after which `, name` can be appended (last specifier) */
  mergeAfter?: Node;
  /** `import {…}` (aliases `a as b`) rather than `const {…} = require()` (aliases `a: b`) */
  esm: boolean;
  /** start of the statement: a `require()` binds its names from there on (an `import` is hoisted) */
  at: number;
}

export interface JsModule {
  root: Node;
  text: string;
  style: JsStyle;
  imports: ModuleImport[];
  /** Insert new import lines here (offset) with `importPrefix`. */
  importAt: number;
  importAtLineEnd: boolean;
  counter?: { variable: string; labels: string[] | null };
  histogram?: { variable: string; labels: string[] | null };
  /** The in-flight requests gauge (`…http_requests_in_progress`). */
  inflight?: { variable: string };
  tracerVar?: string;
  /** Top-level declarations (variables, functions, classes, types, enums). */
  topNames: Set<string>;
  /** Local names bound by imports / requires → their module. */
  importedNames: Map<string, string>;
}

function requireSource(n: Node | null | undefined): string | undefined {
  if (!n) return undefined;
  if (n.type === 'await_expression') return requireSource(n.namedChildren[0]);
  if (n.type !== 'call_expression') return undefined;
  if (n.childForFieldName('function')?.text !== 'require') return undefined;
  return strValue(n.childForFieldName('arguments')?.namedChildren[0]);
}

function declarators(stmt: Node): Node[] {
  if (stmt.type === 'export_statement') {
    const d = stmt.childForFieldName('declaration');
    return d ? declarators(d) : [];
  }
  if (stmt.type !== 'lexical_declaration' && stmt.type !== 'variable_declaration') return [];
  return stmt.namedChildren.filter((c): c is Node => !!c && c.type === 'variable_declarator');
}

function isImportLike(stmt: Node): boolean {
  if (stmt.type === 'import_statement') return true;
  const ds = declarators(stmt);
  return ds.length > 0 && ds.every((d) => requireSource(d.childForFieldName('value')) !== undefined);
}

export function analyseJsModule(root: Node, text: string, file: string, opts: InstrumentOptions): JsModule {
  const ts = /\.(c|m)?tsx?$/i.test(file);
  const stmts = root.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  const hasImport = stmts.some((s) => s.type === 'import_statement' || (s.type === 'export_statement' && !declarators(s).length));
  const hasRequire = stmts.some((s) => declarators(s).some((d) => requireSource(d.childForFieldName('value')) !== undefined));
  let esm: boolean;
  if (/\.m[jt]s$/i.test(file)) esm = true;
  else if (/\.c[jt]s$/i.test(file)) esm = false;
  else if (hasImport) esm = true;
  else if (hasRequire) esm = false;
  else esm = ts;
  const sources = findAll(root, (n) => n.type === 'string' && n.parent?.type === 'import_statement').concat(
    findAll(root, (n) => n.type === 'string' && n.parent?.parent?.childForFieldName?.('function')?.text === 'require'),
  );
  const dq = sources.filter((s) => s.text.startsWith('"')).length;
  const quote = sources.length && dq > sources.length / 2 ? '"' : "'";
  const ends = stmts.filter((s) =>
    ['lexical_declaration', 'variable_declaration', 'expression_statement', 'import_statement'].includes(s.type),
  );
  const withSemi = ends.filter((s) => s.text.trimEnd().endsWith(';')).length;
  const semi = ends.length && withSemi < ends.length / 2 ? '' : ';';
  const style: JsStyle = { eol: eolOf(text), unit: detectIndentUnit(text, '  '), quote, semi, esm, ts };

  const imports: ModuleImport[] = [];
  let lastImport: Node | undefined;
  let firstCode: Node | undefined;
  for (const s of stmts) {
    if (s.type === 'import_statement') {
      const src = strValue(s.childForFieldName('source'));
      const clause = s.namedChildren.find((c) => c?.type === 'import_clause');
      if (src && clause) {
        const imp: ModuleImport = { module: src, named: new Map(), esm: true, at: s.startIndex };
        for (const c of clause.namedChildren) {
          if (!c) continue;
          if (c.type === 'identifier')
            imp.qualifier = c.text; // default import
          else if (c.type === 'namespace_import') imp.qualifier = c.namedChildren.find((x) => x?.type === 'identifier')?.text;
          else if (c.type === 'named_imports') {
            // `import type { X }` specifiers are not values
            if (/^import\s+type\s/.test(s.text)) continue;
            for (const spec of c.namedChildren) {
              if (spec?.type !== 'import_specifier' || /^type\s/.test(spec.text)) continue;
              const name = spec.childForFieldName('name')!.text;
              imp.named.set(name, spec.childForFieldName('alias')?.text ?? name);
              imp.mergeAfter = spec;
            }
          }
        }
        imports.push(imp);
      }
    } else {
      for (const d of declarators(s)) {
        const src = requireSource(d.childForFieldName('value'));
        if (!src) continue;
        const name = d.childForFieldName('name');
        const imp: ModuleImport = { module: src, named: new Map(), esm: false, at: s.startIndex };
        if (name?.type === 'identifier') imp.qualifier = name.text;
        else if (name?.type === 'object_pattern') {
          for (const p of name.namedChildren) {
            if (p?.type === 'shorthand_property_identifier_pattern') imp.named.set(p.text, p.text);
            else if (p?.type === 'pair_pattern') {
              imp.named.set(p.childForFieldName('key')!.text, p.childForFieldName('value')!.text);
            } else continue;
            imp.mergeAfter = p;
          }
        }
        imports.push(imp);
      }
    }
    const directive = s.type === 'expression_statement' && s.namedChildren[0]?.type === 'string';
    if (isImportLike(s)) {
      if (!firstCode) lastImport = s;
    } else if (!directive && !firstCode) firstCode = s;
  }
  let importAt: number;
  let importAtLineEnd = false;
  if (lastImport) {
    importAt = lineEndAt(text, lastImport.endIndex);
    importAtLineEnd = true;
  } else {
    const directives = stmts.filter(
      (s, i) =>
        s.type === 'expression_statement' &&
        s.namedChildren[0]?.type === 'string' &&
        stmts.slice(0, i).every((p) => p.type === 'expression_statement'),
    );
    const lastDirective = directives[directives.length - 1];
    if (lastDirective) {
      importAt = lineEndAt(text, lastDirective.endIndex);
      importAtLineEnd = true;
    } else if (stmts[0]) importAt = lineStartAt(text, stmts[0].startIndex);
    else importAt = text.length;
  }
  const mod: JsModule = { root, text, style, imports, importAt, importAtLineEnd, topNames: new Set(), importedNames: new Map() };
  // every local an import binds, `import type` ones included (a value import of the same name would clash)
  for (const s of stmts) {
    if (s.type !== 'import_statement') continue;
    const src = strValue(s.childForFieldName('source')) ?? '';
    walk(s, (n) => {
      if (n.type === 'import_specifier') {
        const local = n.childForFieldName('alias') ?? n.childForFieldName('name');
        if (local) mod.importedNames.set(local.text, src);
        return false;
      }
      if (n.type === 'identifier' && (n.parent?.type === 'import_clause' || n.parent?.type === 'namespace_import'))
        mod.importedNames.set(n.text, src);
      if (n.type === 'import_require_clause') {
        const id = n.namedChildren.find((c) => c?.type === 'identifier');
        if (id) mod.importedNames.set(id.text, src);
        return false;
      }
      return true;
    });
  }
  for (const imp of imports) {
    if (imp.esm) continue;
    for (const local of imp.named.values()) mod.importedNames.set(local, imp.module);
    if (imp.qualifier) mod.importedNames.set(imp.qualifier, imp.module);
  }
  const names = metricNames(opts);
  for (const s of stmts) {
    for (const d of declarators(s)) {
      const name = d.childForFieldName('name');
      if (name?.type !== 'identifier') continue;
      mod.topNames.add(name.text);
      const value = d.childForFieldName('value');
      if (!value) continue;
      for (const ne of findAll(value, (n) => n.type === 'new_expression')) {
        const ctor = ne.childForFieldName('constructor')?.text ?? '';
        const cfg = ne.childForFieldName('arguments')?.namedChildren[0];
        const metric = strValue(objProp(cfg, 'name'));
        const labelsNode = objProp(cfg, 'labelNames');
        const arr = labelsNode?.type === 'as_expression' ? labelsNode.namedChildren[0] : labelsNode;
        const labels = arr?.type === 'array' ? arr.namedChildren.map((c) => strValue(c)) : null;
        const labelList = labels && labels.every((l) => l !== undefined) ? (labels as string[]) : null;
        if (!metric) continue;
        if (/Counter$/.test(ctor) && (metric.endsWith('http_requests_total') || metric === names.counter)) {
          mod.counter ??= { variable: name.text, labels: labelList };
        } else if (/Histogram$/.test(ctor) && metric.endsWith('http_request_duration_seconds')) {
          mod.histogram ??= { variable: name.text, labels: labelList };
        } else if (/Gauge$/.test(ctor) && metric.endsWith('http_requests_in_progress')) {
          mod.inflight ??= { variable: name.text };
        }
      }
      if (value.type === 'call_expression' && /(^|\.)getTracer$/.test(value.childForFieldName('function')?.text ?? '')) {
        mod.tracerVar ??= name.text;
      }
    }
    const decl = s.type === 'export_statement' ? s.childForFieldName('declaration') : s;
    if (decl && DECLARATION_TYPES.includes(decl.type)) {
      const n = decl.childForFieldName('name')?.text;
      if (n) mod.topNames.add(n);
    }
  }
  return mod;
}

const DECLARATION_TYPES = [
  'function_declaration',
  'generator_function_declaration',
  'class_declaration',
  'abstract_class_declaration',
  'interface_declaration',
  'type_alias_declaration',
  'enum_declaration',
];

/** Alias for an export we import when its own name is already taken in the module (e.g. a class `Counter`). */
const IMPORT_ALIASES: Record<string, string> = {
  Counter: 'PromCounter',
  Histogram: 'PromHistogram',
  Gauge: 'PromGauge',
  register: 'promRegister',
  trace: 'otelTrace',
  SpanStatusCode: 'OtelSpanStatusCode',
  HttpException: 'NestHttpException',
};

/**
 * How the module refers to `name` of `module`: an existing import (`Counter`, `client.Counter`; a `require()` only
 * when it starts before `before`), else the name the planner will import it under: itself, or an alias when the
 * module already binds that name to something else.
 */
export function jsLocal(mod: JsModule, module: string, name: string, before = Infinity): string {
  const existing = jsRef(mod, module, name, before);
  if (existing) return existing;
  const taken = (n: string) => mod.topNames.has(n) || mod.importedNames.has(n);
  if (!taken(name)) return name;
  let alias = IMPORT_ALIASES[name] ?? `telemetry${name[0]!.toUpperCase()}${name.slice(1)}`;
  while (taken(alias)) alias = `telemetry${alias[0]!.toUpperCase()}${alias.slice(1)}`;
  return alias;
}

export interface JsNeeds {
  counter: boolean;
  histogram: boolean;
  inflight: boolean;
  span: boolean;
  httpException: boolean;
  /** the module-level `telemetryErrorStatus(err)` helper */
  errorStatus: boolean;
  /** the module-level `telemetrySettled(run, end, fail, result)` helper */
  settled: boolean;
}

export interface JsNames {
  counter: string;
  histogram: string;
  inflight: string;
  tracer: string;
  counterLabels: string[];
  histogramLabels: string[];
}

export function jsNames(mod: JsModule, opts: InstrumentOptions): JsNames {
  return {
    counter: mod.counter?.variable ?? 'httpRequestsTotal',
    histogram: mod.histogram?.variable ?? 'httpRequestDurationSeconds',
    inflight: mod.inflight?.variable ?? 'httpRequestsInProgress',
    tracer: mod.tracerVar ?? (mod.topNames.has('tracer') ? 'telemetryTracer' : 'tracer'),
    counterLabels: mod.counter?.labels ?? opts.labels,
    histogramLabels: mod.histogram?.labels ?? opts.labels,
  };
}

/**
 * Local reference to an export of a module (`Counter`, `client.Counter`), or undefined when it must be imported.
 * `before`: code at that offset uses it; a `require()` starting there or below has not run yet (an `import` is hoisted).
 */
export function jsRef(mod: JsModule, module: string, name: string, before = Infinity): string | undefined {
  const imports = mod.imports.filter((i) => i.module === module && (i.esm || i.at < before));
  for (const imp of imports) {
    const local = imp.named.get(name);
    if (local) return local;
  }
  const q = imports.find((i) => i.qualifier);
  return q ? `${q.qualifier}.${name}` : undefined;
}

/** Module-level edits: imports (merged) and the metrics/tracer declarations. */
export function jsModuleEdits(mod: JsModule, opts: InstrumentOptions, names: JsNames, needs: JsNeeds): TextEdit[] {
  const { style } = mod;
  const { eol, unit, semi, ts } = style;
  const q = (s: string) => (style.quote === '"' ? JSON.stringify(s) : jsString(s));
  const wanted: { module: string; name: string }[] = [];
  if (needs.counter && !mod.counter) wanted.push({ module: 'prom-client', name: 'Counter' });
  if (needs.histogram && !mod.histogram) wanted.push({ module: 'prom-client', name: 'Histogram' });
  if (needs.inflight && !mod.inflight) wanted.push({ module: 'prom-client', name: 'Gauge' });
  if ((needs.counter && !mod.counter) || (needs.histogram && !mod.histogram) || (needs.inflight && !mod.inflight))
    wanted.push({ module: 'prom-client', name: 'register' });
  if (needs.span) {
    if (!mod.tracerVar) wanted.push({ module: '@opentelemetry/api', name: 'trace' });
    wanted.push({ module: '@opentelemetry/api', name: 'SpanStatusCode' });
  }
  if (needs.httpException) wanted.push({ module: '@nestjs/common', name: 'HttpException' });
  const edits: TextEdit[] = [];
  const newLines: string[] = [];
  // the metrics and the tracer are declared at import, where the new imports go: a require() below has not run yet
  // (its names are required again above, aliased when taken); the handlers' names are used when a request comes
  const before = (module: string, name: string) => (module === 'prom-client' || name === 'trace' ? mod.importAt : Infinity);
  const byModule = new Map<string, { name: string; local: string }[]>();
  for (const w of wanted) {
    if (jsRef(mod, w.module, w.name, before(w.module, w.name))) continue;
    const l = byModule.get(w.module) ?? [];
    l.push({ name: w.name, local: jsLocal(mod, w.module, w.name, before(w.module, w.name)) });
    byModule.set(w.module, l);
  }
  const specs = (list: { name: string; local: string }[], esm: boolean) =>
    list.map((x) => (x.local === x.name ? x.name : esm ? `${x.name} as ${x.local}` : `${x.name}: ${x.local}`));
  for (const [module, list] of byModule) {
    const above = Math.min(...list.map((x) => before(module, x.name)));
    const merge = mod.imports.find((i) => i.module === module && i.mergeAfter && (i.esm || i.at < above));
    if (merge) edits.push(listAppendEdit(mod.text, merge.mergeAfter!, specs(list, merge.esm)));
    else if (style.esm) newLines.push(`import { ${specs(list, true).join(', ')} } from ${q(module)}${semi}`);
    else newLines.push(`const { ${specs(list, false).join(', ')} } = require(${q(module)})${semi}`);
  }
  const ref = (module: string, name: string) => jsLocal(mod, module, name, before(module, name));
  const mn = metricNames(opts);
  const decls: string[] = [];
  const arr = (xs: string[]) => `[${xs.map(q).join(', ')}]`;
  const metric = (
    variable: string,
    kind: 'Counter' | 'Histogram' | 'Gauge',
    name: string,
    help: string,
    labels: string[],
    extra: string[],
  ) => {
    const cls = ref('prom-client', kind);
    const existing = `${REGISTERED_FN}(${q(name)}, ${arr(labels)})`;
    const head = ts
      ? `const ${variable} = (${existing} as ${cls}<string> | undefined) ?? new ${cls}({`
      : `const ${variable} = /** @type {import(${q('prom-client')}).${kind}<string> | undefined} */ (${existing}) ?? new ${cls}({`;
    return [
      head,
      `${unit}name: ${q(name)},`,
      `${unit}help: ${q(help)},`,
      `${unit}labelNames: ${arr(labels)},`,
      ...extra.map((e) => unit + e),
      `})${semi}`,
    ].join(eol);
  };
  if (needs.counter && !mod.counter) {
    decls.push(
      metric(names.counter, 'Counter', mn.counter, `Total HTTP requests by ${names.counterLabels.join(', ')}.`, names.counterLabels, []),
    );
  }
  if (needs.histogram && !mod.histogram) {
    decls.push(
      metric(
        names.histogram,
        'Histogram',
        mn.histogram,
        `HTTP request duration in seconds by ${names.histogramLabels.join(', ')}.`,
        names.histogramLabels,
        [`buckets: [${opts.buckets.join(', ')}],`],
      ),
    );
  }
  if (needs.inflight && !mod.inflight) decls.push(metric(names.inflight, 'Gauge', mn.inflight, 'HTTP requests in progress.', [], []));
  const metricDecls = decls.length;
  if (needs.span && !mod.tracerVar)
    decls.push(`const ${names.tracer} = ${ref('@opentelemetry/api', 'trace')}.getTracer(${q(opts.tracerName)})${semi}`);
  if (metricDecls && !mod.topNames.has(REGISTERED_FN)) decls.push('', jsRegisteredFn(REGISTERED_FN, ref('prom-client', 'register'), style));
  if (needs.errorStatus && !mod.topNames.has(ERROR_STATUS_FN)) {
    const e = ts ? `err as { status?: unknown; statusCode?: unknown } | null` : 'err';
    decls.push(
      [
        '',
        `/** Status of an error escaping a handler, as the frameworks answer it: err.status / err.statusCode (http-errors, ctx.throw, HTTPException), else 500. */`,
        `function ${ERROR_STATUS_FN}(err${ts ? ': unknown' : ''})${ts ? ': number' : ''} {`,
        `${unit}const e = ${e}${semi}`,
        `${unit}return typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : 500${semi}`.replace(
          /'/g,
          style.quote,
        ),
        '}',
      ].join(eol),
    );
  }
  if (needs.settled && !mod.topNames.has(SETTLED_FN)) decls.push('', settledFn(style));
  if (mod.importAtLineEnd) {
    let t = newLines.length ? eol + newLines.join(eol) : '';
    if (decls.length) t += eol + eol + decls.join(eol);
    if (t) edits.push({ start: mod.importAt, end: mod.importAt, newText: t });
  } else {
    let t = newLines.join(eol);
    if (decls.length) t += (t ? eol + eol : '') + decls.join(eol);
    if (t) edits.push({ start: mod.importAt, end: mod.importAt, newText: t + eol + eol });
  }
  return edits;
}

/**
 * `telemetrySettled(run, end, fail?, result?)`: runs a handler body (`run`); an error it throws goes to `fail`, then
 * `end`, and is rethrown; its result goes to `result`, then `end`; a promise (or another thenable) it returns is
 * observed until it settles, the same way, and the handler returns a promise of the same outcome.
 */
function settledFn(style: JsStyle): string {
  const { ts, unit, semi, eol } = style;
  const t = (x: string) => (ts ? x : '');
  const u = (n: number) => unit.repeat(n);
  const doc = ts
    ? ['/** Runs a handler body and records its end: at once, or once the promise it returns has settled. */']
    : [
        '/**',
        ' * Runs a handler body and records its end: at once, or once the promise it returns has settled.',
        ' * @template T',
        ' * @param {() => T} run',
        ' * @param {() => void} end',
        ' * @param {(err: unknown) => void} [fail]',
        ' * @param {(value: unknown) => void} [result]',
        ' * @returns {T}',
        ' */',
      ];
  return [
    ...doc,
    `function ${SETTLED_FN}${t('<T>')}(run${t(': () => T')}, end${t(': () => void')}, fail${t('?: (err: unknown) => void')}, result${t('?: (value: unknown) => void')})${t(': T')} {`,
    `${u(1)}let value${t(': T')}${semi}`,
    `${u(1)}try {`,
    `${u(2)}value = run()${semi}`,
    `${u(1)}} catch (err) {`,
    `${u(2)}fail?.(err)${semi}`,
    `${u(2)}end()${semi}`,
    `${u(2)}throw err${semi}`,
    `${u(1)}}`,
    `${u(1)}const thenable = ${ts ? 'value as { then?: unknown } | null | undefined' : '/** @type {{ then?: unknown } | null | undefined} */ (value)'}${semi}`,
    `${u(1)}if (!thenable || typeof thenable.then !== 'function') {`.replace(/'/g, style.quote),
    `${u(2)}result?.(value)${semi}`,
    `${u(2)}end()${semi}`,
    `${u(2)}return value${semi}`,
    `${u(1)}}`,
    `${u(1)}return ${ts ? '' : '/** @type {T} */ (/** @type {unknown} */ ('}Promise.resolve(value).then(`,
    `${u(2)}(v) => {`,
    `${u(3)}result?.(v)${semi}`,
    `${u(3)}end()${semi}`,
    `${u(3)}return v${semi}`,
    `${u(2)}},`,
    `${u(2)}(err${t(': unknown')}) => {`,
    `${u(3)}fail?.(err)${semi}`,
    `${u(3)}end()${semi}`,
    `${u(3)}throw err${semi}`,
    `${u(2)}},`,
    `${u(1)})${ts ? ' as unknown as T' : '))'}${semi}`,
    '}',
  ].join(eol);
}

export function emptyJsNeeds(): JsNeeds {
  return { counter: false, histogram: false, inflight: false, span: false, httpException: false, errorStatus: false, settled: false };
}
