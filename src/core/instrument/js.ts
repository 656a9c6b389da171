/**
 * TypeScript/JavaScript (Express, Fastify, Koa, Hono, NestJS) instrumentation: prom-client Counter/Histogram
 * defined once per module on the default `register` (re-used when another instrumented module already registered
 * the same name, so several instrumented files can coexist), `@opentelemetry/api` tracer, each handler body wrapped
 * in `tracer.startActiveSpan(...)`.
 *
 * - The span callback is `async` only when the handler is: a sync handler keeps returning synchronously.
 * - `return` inside the original body returns from the span callback, whose result the handler returns.
 * - Status label: Express `res.statusCode`, Fastify `reply.statusCode`, Koa `ctx.status` (read in `finally`, i.e.
 *   after the body ran), Hono the returned Response's `status` (Hono's `c.res` is only set after the handler
 *   returns), NestJS the `@HttpCode()` of the method else 201 for POST / 200 otherwise; an escaping error → its
 *   `status`/`statusCode` (http-errors, Koa `ctx.throw`, Hono HTTPException — what the frameworks answer) else 500
 *   (NestJS: `HttpException.getStatus()`).
 * - NestJS: method-body wrapping rather than an interceptor. It keeps every edit inside the chosen handler (one
 *   local, reviewable diff; no providers/modules to register; idempotence is visible in the method itself), and the
 *   status is deterministic from the decorators; an interceptor would need DI wiring in a module file and would
 *   instrument every route of the controller, not the one the user picked.
 */
import { findAll, jsStaticString as strValue, type Node, usesIdentifier, walk } from '../parsing/nodes';
import { JS_HANDLER_FUNCTION_TYPES as FUNCTION_TYPES, jsBareParameter, jsObjectProp as objProp, jsParamNames } from '../parsing/javascript';
import type { Framework, Route } from '../routes/types';
import { routeLabel, routeTemplate } from '../routes/route';
import {
  type LabelKind,
  detectIndentUnit,
  eolOf,
  indentOfLineAt,
  jsString,
  labelKinds,
  lineEndAt,
  lineStartAt,
  lineStarts,
  listAppendEdit,
  metricNames,
  offsetOf,
  orderedAspects,
  pathParams,
  reindentEdits,
  rowsInsideStrings,
  spanName,
} from './common';
import type { HandlerOutcome } from './python';
import type { Aspect, InstrumentOptions, TextEdit } from './types';

const ERROR_STATUS_FN = 'telemetryErrorStatus';

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
  const ends = stmts.filter((s) => ['lexical_declaration', 'variable_declaration', 'expression_statement', 'import_statement'].includes(s.type));
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
        const imp: ModuleImport = { module: src, named: new Map(), esm: true };
        for (const c of clause.namedChildren) {
          if (!c) continue;
          if (c.type === 'identifier') imp.qualifier = c.text; // default import
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
        const imp: ModuleImport = { module: src, named: new Map(), esm: false };
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
    const directives = stmts.filter((s, i) => s.type === 'expression_statement' && s.namedChildren[0]?.type === 'string' && stmts.slice(0, i).every((p) => p.type === 'expression_statement'));
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
      if (n.type === 'identifier' && (n.parent?.type === 'import_clause' || n.parent?.type === 'namespace_import')) mod.importedNames.set(n.text, src);
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
  register: 'promRegister',
  trace: 'otelTrace',
  SpanStatusCode: 'OtelSpanStatusCode',
  HttpException: 'NestHttpException',
};

/**
 * How the module refers to `name` of `module`: an existing import (`Counter`, `client.Counter`), else the name the
 * planner will import it under: itself, or an alias when the module already binds that name to something else.
 */
export function jsLocal(mod: JsModule, module: string, name: string): string {
  const existing = jsRef(mod, module, name);
  if (existing) return existing;
  const taken = (n: string) => mod.topNames.has(n) || mod.importedNames.has(n);
  if (!taken(name)) return name;
  let alias = IMPORT_ALIASES[name] ?? `telemetry${name[0]!.toUpperCase()}${name.slice(1)}`;
  while (taken(alias)) alias = `telemetry${alias[0]!.toUpperCase()}${alias.slice(1)}`;
  return alias;
}

/** The function node a route's handler is. */
export function findJsHandler(root: Node, text: string, route: Route): Node | undefined {
  const starts = lineStarts(text);
  const fns = findAll(root, (n) => FUNCTION_TYPES.includes(n.type));
  if (route.handlerRange) {
    const off = offsetOf(starts, route.handlerRange.start.line, route.handlerRange.start.column);
    const exact = fns.find((f) => f.startIndex === off);
    if (exact) return exact;
    const endOff = offsetOf(starts, route.handlerRange.end.line, route.handlerRange.end.column);
    const sameEnd = fns.filter((f) => f.endIndex === endOff && f.startIndex >= off);
    if (sameEnd.length) return sameEnd[0];
  }
  const onLine = fns.filter((f) => f.startPosition.row + 1 === route.handlerLine);
  const isArg = (f: Node) => f.parent?.type === 'arguments' || (f.parent?.type === 'pair' && f.parent.childForFieldName('key')?.text === 'handler');
  const args = onLine.filter(isArg);
  if (args.length) return args[args.length - 1];
  if (onLine.length) return onLine[0];
  // inline handler on a later line of a multi-line registration: last function argument of the call at route.line
  const calls = findAll(root, (n) => n.type === 'call_expression' && n.startPosition.row + 1 === route.line);
  for (const c of calls) {
    const fargs = (c.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && FUNCTION_TYPES.includes(a.type));
    if (fargs.length) return fargs[fargs.length - 1];
  }
  return undefined;
}

function fnBody(fn: Node): Node | null {
  return fn.childForFieldName('body');
}

export function jsPresentAspects(fn: Node, mod: JsModule): Aspect[] {
  const body = fnBody(fn);
  if (!body) return [];
  const present = new Set<Aspect>();
  walk(body, (n) => {
    if (n.type === 'call_expression') {
      const f = n.childForFieldName('function');
      const prop = f?.type === 'member_expression' ? f.childForFieldName('property')?.text : f?.text;
      if (prop === 'startActiveSpan' || prop === 'startSpan') present.add('span');
    }
    if (n.type === 'identifier') {
      if (mod.counter && n.text === mod.counter.variable) present.add('counter');
      if (mod.histogram && n.text === mod.histogram.variable) present.add('histogram');
    }
  });
  return orderedAspects(present);
}

interface ParamInfo {
  /** parameter local names (null: destructured / rest) */
  names: (string | null)[];
  /** where to insert extra parameters; undefined when impossible */
  insertAt?: number;
  /** the lone unparenthesised arrow parameter, which needs parentheses to add more */
  bare?: Node;
}

function params(fn: Node): ParamInfo {
  const names = jsParamNames(fn);
  const bare = jsBareParameter(fn);
  if (bare) return { names, bare };
  const fp = fn.childForFieldName('parameters');
  if (!fp) return { names };
  const last = fp.namedChildren.filter((c) => c && c.type !== 'comment').pop();
  return { names, insertAt: last ? last.endIndex : fp.startIndex + 1 };
}

const PARAM_ROLES: Partial<Record<Framework, string[]>> = {
  express: ['req', 'res'],
  fastify: ['request', 'reply'],
  koa: ['ctx'],
  hono: ['c'],
};

export interface JsNeeds {
  counter: boolean;
  histogram: boolean;
  span: boolean;
  httpException: boolean;
  /** the module-level `telemetryErrorStatus(err)` helper */
  errorStatus: boolean;
}

export interface JsNames {
  counter: string;
  histogram: string;
  tracer: string;
  counterLabels: string[];
  histogramLabels: string[];
}

export function jsNames(mod: JsModule, opts: InstrumentOptions): JsNames {
  return {
    counter: mod.counter?.variable ?? 'httpRequestsTotal',
    histogram: mod.histogram?.variable ?? 'httpRequestDurationSeconds',
    tracer: mod.tracerVar ?? (mod.topNames.has('tracer') ? 'telemetryTracer' : 'tracer'),
    counterLabels: mod.counter?.labels ?? opts.labels,
    histogramLabels: mod.histogram?.labels ?? opts.labels,
  };
}

/** Local reference to an export of a module (`Counter`, `client.Counter`), or undefined when it must be imported. */
export function jsRef(mod: JsModule, module: string, name: string): string | undefined {
  for (const imp of mod.imports) {
    if (imp.module !== module) continue;
    const local = imp.named.get(name);
    if (local) return local;
  }
  const q = mod.imports.find((i) => i.module === module && i.qualifier);
  return q ? `${q.qualifier}.${name}` : undefined;
}

function nestStatus(fn: Node, route: Route): string {
  // decorators are the method's preceding siblings in the class body
  let d = fn.previousNamedSibling;
  while (d && d.type === 'decorator') {
    const call = d.namedChildren[0];
    if (call?.type === 'call_expression' && call.childForFieldName('function')?.text === 'HttpCode') {
      const arg = call.childForFieldName('arguments')?.namedChildren[0];
      if (arg) return arg.text;
    }
    d = d.previousNamedSibling;
  }
  return route.methods.length === 1 && route.methods[0] === 'POST' ? '201' : '200';
}

function nestParamLocal(fn: Node, name: string): string | undefined {
  const fp = fn.childForFieldName('parameters');
  for (const p of fp?.namedChildren ?? []) {
    if (!p) continue;
    const dec = p.namedChildren.find((c) => c?.type === 'decorator');
    const call = dec?.namedChildren[0];
    if (call?.type !== 'call_expression' || call.childForFieldName('function')?.text !== 'Param') continue;
    const arg = strValue(call.childForFieldName('arguments')?.namedChildren[0]);
    const pat = p.childForFieldName('pattern');
    if (arg === name && pat?.type === 'identifier') return pat.text;
  }
  return undefined;
}

/** Expressions `await` can never make a difference to (literals), and those it binds to without parentheses. */
const NEVER_THENABLE = new Set(['string', 'template_string', 'number', 'true', 'false', 'null', 'undefined', 'regex', 'array', 'object', 'await_expression']);
const AWAIT_BINDS = new Set(['call_expression', 'member_expression', 'subscript_expression', 'identifier', 'parenthesized_expression', 'this', 'new_expression']);

/** `await ` (or `await (`…`)`) for a returned expression; undefined when awaiting it cannot matter. */
function awaitPrefix(expr: Node): { open: string; close: string } | undefined {
  let inner: Node | null | undefined = expr;
  while (inner?.type === 'parenthesized_expression') inner = inner.namedChildren.find((c) => c && c.type !== 'comment');
  if (!inner || NEVER_THENABLE.has(inner.type)) return undefined;
  return AWAIT_BINDS.has(expr.type) ? { open: 'await ', close: '' } : { open: 'await (', close: ')' };
}

/** `return x` → `return await x` for the returns of a handler body (not of functions nested in it). */
function awaitReturnEdits(body: Node): TextEdit[] {
  const edits: TextEdit[] = [];
  walk(body, (n) => {
    if (n !== body && (FUNCTION_TYPES.includes(n.type) || n.type === 'class_declaration' || n.type === 'class')) return false;
    if (n.type !== 'return_statement') return true;
    const expr = n.namedChildren.find((c) => c && c.type !== 'comment');
    const a = expr ? awaitPrefix(expr) : undefined;
    if (expr && a) {
      edits.push({ start: expr.startIndex, end: expr.startIndex, newText: a.open });
      if (a.close) edits.push({ start: expr.endIndex, end: expr.endIndex, newText: a.close });
    }
    return false;
  });
  return edits;
}

/** Why a registration has no function to wrap: its handler is an expression, e.g. `passport.authenticate('x')`. */
function notAFunction(root: Node, route: Route): string | undefined {
  const calls = findAll(root, (n) => n.type === 'call_expression' && n.startPosition.row + 1 === route.line);
  for (const c of calls) {
    const args = (c.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'comment');
    const last = args[args.length - 1];
    if (args.length < 2 || !last || FUNCTION_TYPES.includes(last.type) || strValue(last) !== undefined) continue;
    const line = last.text.split(/\r?\n/)[0]!;
    const shown = line.length > 48 || line !== last.text ? `${line.slice(0, 45).trimEnd()}…` : line;
    return last.type === 'call_expression'
      ? `its handler \`${shown}\` is built by a call (a middleware factory), not a function written here: nothing to wrap`
      : `its handler \`${shown}\` is not a function defined in this file: instrument it where it is defined`;
  }
  return undefined;
}

export function planJsHandler(
  mod: JsModule,
  route: Route,
  aspects: Aspect[],
  opts: InstrumentOptions,
  names: JsNames,
  needs: JsNeeds,
): HandlerOutcome {
  const { text, style } = mod;
  const { eol, unit, semi, ts } = style;
  const q = (s: string) => (style.quote === '"' ? JSON.stringify(s) : jsString(s));
  const label = routeLabel(route);
  const refuse = (why: string, key?: number): HandlerOutcome => ({ route, edits: [], already: [], refused: `${label}: ${why}`, key });
  const fn = findJsHandler(mod.root, text, route);
  if (!fn) return refuse(notAFunction(mod.root, route) ?? `handler function not found at line ${route.handlerLine}`);
  if (fn.hasError) return refuse('the handler has syntax errors; fix them first', fn.startIndex);
  const body = fnBody(fn);
  if (!body) return refuse('the handler has no body');
  if (fn.type === 'function_declaration' || fn.type === 'function_expression' || fn.type === 'function' || fn.type === 'method_definition') {
    if (/^\s*(async\s+)?(function\s*)?\*/.test(fn.text) || fn.children.some((c) => c?.type === '*')) return refuse('generator handlers are not supported');
  }
  const present = jsPresentAspects(fn, mod);
  const missing = aspects.filter((a) => !present.includes(a));
  if (!missing.length) return { route, edits: [], already: present, key: fn.startIndex };
  if (present.length) {
    return { ...refuse(`already partially instrumented (${present.join(', ')}); remove that instrumentation to add ${missing.join(', ')}`, fn.startIndex), already: present };
  }
  const wantCounter = missing.includes('counter');
  const wantHist = missing.includes('histogram');
  const wantSpan = missing.includes('span');
  const ck = wantCounter ? labelKinds(names.counterLabels) : [];
  const hk = wantHist ? labelKinds(names.histogramLabels) : [];
  if (typeof ck === 'string') return refuse(ck);
  if (typeof hk === 'string') return refuse(hk);
  const needStatus = [...ck, ...hk].some((k) => k.kind === 'status');
  const multi = route.methods.length !== 1 || route.methods[0] === 'ALL';
  const tpl = routeTemplate(route);
  const fw = route.framework;
  const edits: TextEdit[] = [];
  // A sync handler declared to return a Promise (`create(dto): Promise<User> { return this.users.create(dto); }`)
  // is made async, so that the metrics and the span cover the promise, not just its creation; its type is unchanged.
  const declaredAsync = fn.children.some((c) => c?.type === 'async');
  const returnsPromise = !declaredAsync && /^:\s*Promise\s*</.test(fn.childForFieldName('return_type')?.text ?? '');
  if (returnsPromise) {
    const at = fn.type === 'method_definition' ? fn.childForFieldName('name')?.startIndex : fn.startIndex;
    if (at !== undefined) edits.push({ start: at, end: at, newText: 'async ' });
  }
  const isAsync = declaredAsync || (returnsPromise && edits.length > 0);

  // framework parameters (request / response objects)
  const roles = PARAM_ROLES[fw] ?? [];
  const pinfo = params(fn);
  const need = new Set<number>();
  if (fw === 'express' || fw === 'fastify') {
    if (needStatus) need.add(1);
    if (multi && (wantCounter || wantHist)) need.add(0);
  } else if (fw === 'koa' || fw === 'hono') {
    if ((needStatus && fw === 'koa') || (multi && (wantCounter || wantHist))) need.add(0);
  }
  const local: (string | undefined)[] = roles.map((_, i) => pinfo.names[i] ?? undefined);
  const maxNeeded = Math.max(-1, ...need);
  for (const i of need) {
    if (i < pinfo.names.length && pinfo.names[i] === null) return refuse(`parameter ${i + 1} of the handler is destructured; name it (e.g. ${roles[i]}) to instrument it`);
  }
  if (maxNeeded >= pinfo.names.length) {
    const inline = fn.parent?.type === 'arguments' || fn.parent?.type === 'pair';
    if (ts && !inline) return refuse(`the handler does not declare its ${roles[maxNeeded]} parameter; add it to instrument the handler`);
    const add: string[] = [];
    for (let i = pinfo.names.length; i <= maxNeeded; i++) {
      const base = need.has(i) ? roles[i]! : `_${roles[i]}`;
      const n = usesIdentifier(fn, base) ? `telemetry${base[0]!.toUpperCase()}${base.slice(1)}` : base;
      add.push(n);
      local[i] = n;
    }
    if (pinfo.bare) {
      edits.push({ start: pinfo.bare.startIndex, end: pinfo.bare.startIndex, newText: '(' });
      edits.push({ start: pinfo.bare.endIndex, end: pinfo.bare.endIndex, newText: `, ${add.join(', ')})` });
    } else if (pinfo.insertAt !== undefined) {
      edits.push({ start: pinfo.insertAt, end: pinfo.insertAt, newText: (pinfo.names.length ? ', ' : '') + add.join(', ') });
    } else return refuse('cannot add the missing request/response parameters');
  }
  const req = local[0];
  const res = local[1];

  const methodExpr = !multi
    ? q(route.methods[0]!)
    : fw === 'express'
      ? `${req}.method`
      : fw === 'fastify'
        ? `${req}.method`
        : fw === 'koa'
          ? `${req}.method`
          : fw === 'hono'
            ? `${req}.req.method`
            : q(route.methods.join('|'));
  const handlerName = route.handlerName ?? fn.childForFieldName('name')?.text ?? 'anonymous';
  const value = (k: LabelKind) => (k === 'method' ? methodExpr : k === 'route' ? q(tpl) : k === 'handler' ? q(handlerName) : 'telemetryStatus');
  const labelObj = (ks: { name: string; kind: LabelKind }[]) =>
    `{ ${ks.map((k) => `${/^[A-Za-z_$][\w$]*$/.test(k.name) ? k.name : q(k.name)}: ${value(k.kind)}`).join(', ')} }`;

  const spanVar = usesIdentifier(body, 'span') ? 'telemetrySpan' : 'span';
  const hono = fw === 'hono' && needStatus;
  // lines are [relative level, text]
  const pro: [number, string][] = [];
  const epi: [number, string][] = [];
  let s = 0;
  if (wantSpan) {
    pro.push([0, `return ${names.tracer}.startActiveSpan(${q(spanName(opts, route))}, ${isAsync ? 'async ' : ''}(${spanVar}) => {`]);
    s = 1;
    pro.push([1, `${spanVar}.setAttribute('http.route', ${q(tpl)})${semi}`.replace(/'/g, style.quote)]);
    for (const p of pathParams(tpl)) {
      let expr: string | undefined;
      if (fw === 'express' && req) expr = `${req}.params[${q(p)}]`;
      else if (fw === 'fastify' && req) expr = ts ? `(${req}.params as Record<string, unknown>)[${q(p)}]` : `${req}.params[${q(p)}]`;
      else if (fw === 'koa' && req) expr = `${req}.params[${q(p)}]`;
      else if (fw === 'hono' && req) expr = `${req}.req.param(${q(p)})`;
      else if (fw === 'nestjs') expr = nestParamLocal(fn, p);
      if (expr) pro.push([1, `${spanVar}.setAttribute(${q(`http.route.param.${p}`)}, String(${expr}))${semi}`]);
    }
  }
  if (wantHist) pro.push([s, `const telemetryEndTimer = ${names.histogram}.startTimer()${semi}`]);
  const fail: string[] = [];
  let statusExpr = '';
  if (needStatus) {
    if (fw === 'express' || fw === 'fastify' || fw === 'koa') {
      pro.push([s, `let telemetryErrorCode = 0${semi}`]);
      fail.push(`telemetryErrorCode = ${ERROR_STATUS_FN}(err)${semi}`);
      const sc = fw === 'koa' ? `${req}.status` : `${res}.statusCode`;
      statusExpr = `String(telemetryErrorCode || ${sc})`;
      needs.errorStatus = true;
    } else if (fw === 'hono') {
      pro.push([s, `let telemetryCode = 500${semi}`]);
      fail.push(`telemetryCode = ${ERROR_STATUS_FN}(err)${semi}`);
      statusExpr = 'String(telemetryCode)';
      needs.errorStatus = true;
    } else {
      pro.push([s, `let telemetryCode = ${nestStatus(fn, route)}${semi}`]);
      const he = jsLocal(mod, '@nestjs/common', 'HttpException');
      if (!jsRef(mod, '@nestjs/common', 'HttpException')) needs.httpException = true;
      fail.push(`telemetryCode = err instanceof ${he} ? err.getStatus() : 500${semi}`);
      statusExpr = 'String(telemetryCode)';
    }
  }
  pro.push([s, 'try {']);
  let k = s + 1; // level of the original body
  if (hono) {
    pro.push([k, `const telemetryResponse = ${isAsync ? 'await ' : ''}(${isAsync ? 'async ' : ''}() => {`]);
    k++;
  }
  const catchLines: string[] = [...fail];
  if (wantSpan) {
    catchLines.push(`${spanVar}.recordException(${ts ? 'err as Error' : '/** @type {Error} */ (err)'})${semi}`);
    const sc = jsLocal(mod, '@opentelemetry/api', 'SpanStatusCode');
    catchLines.push(`${spanVar}.setStatus({ code: ${sc}.ERROR })${semi}`);
  }
  const finallyLines: string[] = [];
  if (needStatus) finallyLines.push(`const telemetryStatus = ${statusExpr}${semi}`);
  if (wantCounter) finallyLines.push(`${names.counter}.inc(${ck.length ? labelObj(ck) : ''})${semi}`);
  if (wantHist) finallyLines.push(`telemetryEndTimer(${hk.length ? labelObj(hk) : ''})${semi}`);
  if (wantSpan) {
    if (needStatus) finallyLines.push(`${spanVar}.setAttribute('http.response.status_code', Number(telemetryStatus))${semi}`.replace(/'/g, style.quote));
    finallyLines.push(`${spanVar}.end()${semi}`);
  }
  if (hono) {
    epi.push([k - 1, `})()${semi}`]);
    // TS goes through `unknown`: a handler that only throws (or returns nothing) types telemetryResponse as never /
    // void, which `instanceof` and `.status` reject (and that unreachable code is not narrowed either)
    const [r, rr] = ts ? ['(telemetryResponse as unknown)', '(telemetryResponse as unknown as Response)'] : ['telemetryResponse', 'telemetryResponse'];
    epi.push([k - 1, `telemetryCode = ${r} instanceof Response ? ${rr}.status : 200${semi}`]);
    epi.push([k - 1, `return telemetryResponse${semi}`]);
  }
  if (catchLines.length) {
    epi.push([s, '} catch (err) {']);
    for (const l of catchLines) epi.push([s + 1, l]);
    epi.push([s + 1, `throw err${semi}`]);
  }
  epi.push([s, '} finally {']);
  for (const l of finallyLines) epi.push([s + 1, l]);
  epi.push([s, '}']);
  if (wantSpan) epi.push([0, `})${semi}`]);

  const starts = lineStarts(text);
  const skip = rowsInsideStrings(fn, ['template_string']);
  const render = (lines: [number, string][], B: string) => lines.map(([lv, l]) => B + unit.repeat(lv) + l).join(eol);
  const fnIndent = indentOfLineAt(text, fn.startIndex);

  // An async handler's `return promise` inside try/finally returns before the promise settles: the finally would
  // record the metrics and end the span at once, and a rejection would escape the catch. `return await` keeps
  // them around the whole work (Hono's body runs in an awaited inner function already).
  const awaitReturns = isAsync && !hono;
  if (awaitReturns && body.type === 'statement_block') edits.push(...awaitReturnEdits(body));
  if (body.type !== 'statement_block') {
    // expression-bodied arrow → block
    const B = fnIndent + unit;
    const awaited = awaitReturns ? awaitPrefix(body) : undefined;
    const pre = `{${eol}${render(pro, B)}${eol}${B}${unit.repeat(k)}return ${awaited?.open ?? ''}`;
    edits.push({ start: body.startIndex, end: body.startIndex, newText: pre });
    if (awaited?.close) edits.push({ start: body.endIndex, end: body.endIndex, newText: awaited.close });
    edits.push(...reindentEdits(text, starts, body.startPosition.row + 1, body.endPosition.row, unit.repeat(k), skip));
    edits.push({ start: body.endIndex, end: body.endIndex, newText: `${semi}${eol}${render(epi, B)}${eol}${fnIndent}}` });
  } else {
    const open = body.startIndex;
    const close = body.endIndex - 1;
    const inner = body.namedChildren.filter((c): c is Node => !!c);
    const afterOpen = text.slice(open + 1, lineEndAt(text, open + 1));
    const beforeClose = text.slice(lineStartAt(text, close), close);
    const openRow = body.startPosition.row;
    const closeRow = body.endPosition.row;
    if (inner.length && !afterOpen.trim() && !beforeClose.trim() && closeRow > openRow + 1) {
      const B = indentOfLineAt(text, inner[0]!.startIndex) || fnIndent + unit;
      const at = starts[openRow + 1]!;
      edits.push({ start: at, end: at, newText: render(pro, B) + eol });
      edits.push(...reindentEdits(text, starts, openRow + 1, closeRow - 1, unit.repeat(k), skip));
      const closeLine = starts[closeRow]!;
      edits.push({ start: closeLine, end: closeLine, newText: render(epi, B) + eol });
    } else if (!inner.length) {
      // empty body
      const closeIndent = indentOfLineAt(text, close);
      const B = closeIndent + unit;
      edits.push({ start: open + 1, end: close, newText: `${eol}${render(pro, B)}${eol}${render(epi, B)}${eol}${closeIndent}` });
    } else {
      const closeIndent = indentOfLineAt(text, close);
      const B = closeIndent + unit;
      const contentStart = inner.length ? inner[0]!.startIndex : close;
      const contentEnd = inner.length ? inner[inner.length - 1]!.endIndex : close;
      edits.push({ start: open + 1, end: contentStart, newText: `${eol}${render(pro, B)}${eol}${inner.length ? B + unit.repeat(k) : ''}` });
      edits.push(...reindentEdits(text, starts, body.startPosition.row + 1, closeRow - 1, unit.repeat(k), skip).filter((e) => e.start > contentStart && e.start < contentEnd));
      edits.push({ start: contentEnd, end: close, newText: `${eol}${render(epi, B)}${eol}${closeIndent}` });
    }
  }
  needs.counter ||= wantCounter;
  needs.histogram ||= wantHist;
  needs.span ||= wantSpan;
  return { route, edits, already: present, key: fn.startIndex };
}

/** Module-level edits: imports (merged) and the metrics/tracer declarations. */
export function jsModuleEdits(mod: JsModule, opts: InstrumentOptions, names: JsNames, needs: JsNeeds): TextEdit[] {
  const { style } = mod;
  const { eol, unit, semi, ts } = style;
  const q = (s: string) => (style.quote === '"' ? JSON.stringify(s) : jsString(s));
  const wanted: { module: string; name: string }[] = [];
  if (needs.counter && !mod.counter) wanted.push({ module: 'prom-client', name: 'Counter' });
  if (needs.histogram && !mod.histogram) wanted.push({ module: 'prom-client', name: 'Histogram' });
  if ((needs.counter && !mod.counter) || (needs.histogram && !mod.histogram)) wanted.push({ module: 'prom-client', name: 'register' });
  if (needs.span) {
    if (!mod.tracerVar) wanted.push({ module: '@opentelemetry/api', name: 'trace' });
    wanted.push({ module: '@opentelemetry/api', name: 'SpanStatusCode' });
  }
  if (needs.httpException) wanted.push({ module: '@nestjs/common', name: 'HttpException' });
  const edits: TextEdit[] = [];
  const newLines: string[] = [];
  const byModule = new Map<string, { name: string; local: string }[]>();
  for (const w of wanted) {
    if (jsRef(mod, w.module, w.name)) continue;
    const l = byModule.get(w.module) ?? [];
    l.push({ name: w.name, local: jsLocal(mod, w.module, w.name) });
    byModule.set(w.module, l);
  }
  const specs = (list: { name: string; local: string }[], esm: boolean) =>
    list.map((x) => (x.local === x.name ? x.name : esm ? `${x.name} as ${x.local}` : `${x.name}: ${x.local}`));
  for (const [module, list] of byModule) {
    const merge = mod.imports.find((i) => i.module === module && i.mergeAfter);
    if (merge) edits.push(listAppendEdit(mod.text, merge.mergeAfter!, specs(list, merge.esm)));
    else if (style.esm) newLines.push(`import { ${specs(list, true).join(', ')} } from ${q(module)}${semi}`);
    else newLines.push(`const { ${specs(list, false).join(', ')} } = require(${q(module)})${semi}`);
  }
  const ref = (module: string, name: string) => jsLocal(mod, module, name);
  const mn = metricNames(opts);
  const decls: string[] = [];
  const arr = (xs: string[]) => `[${xs.map(q).join(', ')}]`;
  const metric = (variable: string, kind: 'Counter' | 'Histogram', name: string, help: string, labels: string[], extra: string[]) => {
    const cls = ref('prom-client', kind);
    const existing = `${ref('prom-client', 'register')}.getSingleMetric(${q(name)})`;
    const head = ts
      ? `const ${variable} = (${existing} as ${cls}<string> | undefined) ?? new ${cls}({`
      : `const ${variable} = /** @type {import(${q('prom-client')}).${kind}<string> | undefined} */ (${existing}) ?? new ${cls}({`;
    return [head, `${unit}name: ${q(name)},`, `${unit}help: ${q(help)},`, `${unit}labelNames: ${arr(labels)},`, ...extra.map((e) => unit + e), `})${semi}`].join(eol);
  };
  if (needs.counter && !mod.counter) {
    decls.push(metric(names.counter, 'Counter', mn.counter, `Total HTTP requests by ${names.counterLabels.join(', ')}.`, names.counterLabels, []));
  }
  if (needs.histogram && !mod.histogram) {
    decls.push(
      metric(names.histogram, 'Histogram', mn.histogram, `HTTP request duration in seconds by ${names.histogramLabels.join(', ')}.`, names.histogramLabels, [
        `buckets: [${opts.buckets.join(', ')}],`,
      ]),
    );
  }
  if (needs.span && !mod.tracerVar) decls.push(`const ${names.tracer} = ${ref('@opentelemetry/api', 'trace')}.getTracer(${q(opts.tracerName)})${semi}`);
  if (needs.errorStatus && !mod.topNames.has(ERROR_STATUS_FN)) {
    const e = ts ? `err as { status?: unknown; statusCode?: unknown } | null` : 'err';
    decls.push(
      [
        '',
        `/** Status of an error escaping a handler, as the frameworks answer it: err.status / err.statusCode (http-errors, ctx.throw, HTTPException), else 500. */`,
        `function ${ERROR_STATUS_FN}(err${ts ? ': unknown' : ''})${ts ? ': number' : ''} {`,
        `${unit}const e = ${e}${semi}`,
        `${unit}return typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : 500${semi}`.replace(/'/g, style.quote),
        '}',
      ].join(eol),
    );
  }
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

export function emptyJsNeeds(): JsNeeds {
  return { counter: false, histogram: false, span: false, httpException: false, errorStatus: false };
}
