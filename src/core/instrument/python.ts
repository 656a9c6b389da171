/**
 * Python (FastAPI, Flask) instrumentation: prometheus_client Counter/Histogram defined once per module and
 * shared by all handlers, an OpenTelemetry span per handler. Pure: works on the tree-sitter syntax tree.
 *
 * Status rule (documented for users, see `_telemetry_status` in the generated code):
 *  - an exception escaping the handler → its `status_code` (FastAPI/Starlette HTTPException) or `code`
 *    (werkzeug HTTPException, Flask `abort()`), else 500;
 *  - FastAPI: the returned object's `status_code` when it is a Response, else the decorator's `status_code=`, else 200;
 *  - Flask: `(body, status[, headers])` tuples → status; a Response → its status_code; else 200.
 * Return values are captured with an assignment expression `return (_telemetry_result := value)` (Python ≥ 3.8);
 * literal returns (dicts, strings, …) are left untouched because they can only mean the default status.
 */
import { calleeName, findAll, type Node, pyStringValue as stringValue, usesIdentifier, walk } from '../parsing/nodes';
import { pyParamNames } from '../parsing/python';
import type { Route } from '../routes/types';
import { routeLabel, routeTemplate } from '../routes/route';
import {
  type LabelKind,
  eolOf,
  labelKinds,
  lineEndAt,
  lineStartAt,
  lineStarts,
  listAppendEdit,
  metricNames,
  offsetOf,
  orderedAspects,
  pathParams,
  pyString,
  reindentEdits,
  rowsInsideStrings,
  spanName,
  detectIndentUnit,
} from './common';
import type { Aspect, HandlerOutcome, InstrumentOptions, TextEdit } from './types';

interface ExistingMetric {
  variable: string;
  labels: string[] | null;
}

export interface PyModule {
  root: Node;
  text: string;
  eol: string;
  unit: string;
  /** Where new import lines go (a line start). */
  importAt: number;
  /** Where the metrics block goes (end of the last leading import line), or undefined → right after new imports. */
  blockAt: number | undefined;
  counter?: ExistingMetric;
  histogram?: ExistingMetric;
  tracerVar?: string;
  hasStatusHelper: boolean;
  /** `time` is bound to something other than the time module (e.g. `from datetime import time`). */
  timeShadowed: boolean;
  topNames: Set<string>;
  /** Local names bound by top-level imports → the module they come from. */
  importedNames: Map<string, string>;
  fromImports: Node[];
  plainImports: Node[];
}

const LITERAL_TYPES = new Set([
  'string',
  'concatenated_string',
  'integer',
  'float',
  'true',
  'false',
  'none',
  'dictionary',
  'list',
  'set',
  'dictionary_comprehension',
  'list_comprehension',
  'set_comprehension',
]);

function stringList(n: Node | null | undefined): string[] | null {
  if (!n || (n.type !== 'list' && n.type !== 'tuple')) return null;
  const out: string[] = [];
  for (const c of n.namedChildren) {
    const v = stringValue(c);
    if (v === undefined) return null;
    out.push(v);
  }
  return out;
}

function isDocstring(n: Node | undefined | null): boolean {
  return !!n && n.type === 'expression_statement' && n.namedChildCount === 1 && n.namedChildren[0]!.type === 'string';
}

export function analysePythonModule(root: Node, text: string, opts: InstrumentOptions): PyModule {
  const stmts = root.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  let i = 0;
  let afterHeader: number | undefined;
  if (isDocstring(stmts[0])) {
    afterHeader = stmts[0]!.endIndex;
    i = 1;
  }
  while (stmts[i]?.type === 'future_import_statement') afterHeader = stmts[i++]!.endIndex;
  const eol = eolOf(text);
  let importAt: number;
  if (stmts[i]) importAt = lineStartAt(text, stmts[i]!.startIndex);
  else if (afterHeader !== undefined) importAt = lineEndAt(text, afterHeader); // only a docstring: add after it
  else importAt = 0;

  let lastImport: Node | undefined;
  for (const s of stmts) {
    if (['function_definition', 'class_definition', 'decorated_definition'].includes(s.type)) break;
    if (s.type === 'import_statement' || s.type === 'import_from_statement') lastImport = s;
  }
  const mod: PyModule = {
    root,
    text,
    eol,
    unit: detectIndentUnit(text, '    '),
    importAt,
    blockAt: lastImport ? lineEndAt(text, lastImport.endIndex) : undefined,
    hasStatusHelper: false,
    timeShadowed: false,
    topNames: new Set(),
    importedNames: new Map(),
    fromImports: stmts.filter((s) => s.type === 'import_from_statement'),
    plainImports: stmts.filter((s) => s.type === 'import_statement'),
  };
  for (const s of mod.plainImports) {
    for (const c of s.namedChildren) {
      // `import a.b` binds `a`; `import a.b as c` binds `c`
      if (c?.type === 'dotted_name') mod.importedNames.set(c.text.split('.')[0]!, c.text);
      if (c?.type === 'aliased_import') mod.importedNames.set(c.childForFieldName('alias')?.text ?? '', c.childForFieldName('name')?.text ?? '');
    }
  }
  const names = metricNames(opts);
  for (const s of mod.fromImports) {
    const from = s.childForFieldName('module_name')?.text ?? '';
    for (const c of s.namedChildren.slice(1)) {
      if (c?.type === 'dotted_name') mod.importedNames.set(c.text, from);
      if (c?.type === 'aliased_import') mod.importedNames.set(c.childForFieldName('alias')?.text ?? '', from);
      if (c?.type === 'dotted_name' && c.text === 'time') mod.timeShadowed = true;
      if (c?.type === 'aliased_import' && c.childForFieldName('alias')?.text === 'time') mod.timeShadowed = true;
    }
  }
  // top-level statements, including those inside a top-level `try:` (the shared-registration guard)
  const flat: Node[] = [];
  for (const s of stmts) {
    flat.push(s);
    if (s.type === 'try_statement') {
      for (const part of [s.childForFieldName('body'), ...s.namedChildren.filter((c) => c?.type === 'except_clause')]) {
        const block = part?.type === 'block' ? part : part?.namedChildren.find((c) => c?.type === 'block');
        for (const c of block?.namedChildren ?? []) if (c && c.type !== 'comment') flat.push(c);
      }
    }
  }
  for (const s of flat) {
    if (s.type === 'function_definition' || s.type === 'class_definition') {
      const n = s.childForFieldName('name')?.text;
      if (n) mod.topNames.add(n);
      if (n === '_telemetry_status') mod.hasStatusHelper = true;
    }
    if (s.type !== 'expression_statement') continue;
    const a = s.namedChildren[0];
    if (a?.type !== 'assignment') continue;
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type !== 'identifier') continue;
    mod.topNames.add(left.text);
    if (left.text === 'time') mod.timeShadowed = true;
    if (right?.type !== 'call') continue;
    const fn = calleeName(right);
    const args = right.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c) ?? [];
    const metricName = stringValue(args[0]);
    const labelsArg =
      args.find((c) => c.type === 'keyword_argument' && c.childForFieldName('name')?.text === 'labelnames')?.childForFieldName('value') ??
      (args[2] && args[2].type !== 'keyword_argument' ? args[2] : undefined);
    if (/Counter$/.test(fn) && metricName && (metricName.endsWith('http_requests_total') || metricName === names.counter.replace(/_total$/, ''))) {
      mod.counter ??= { variable: left.text, labels: stringList(labelsArg) };
    } else if (/Histogram$/.test(fn) && metricName && metricName.endsWith('http_request_duration_seconds')) {
      mod.histogram ??= { variable: left.text, labels: stringList(labelsArg) };
    } else if (fn === 'get_tracer') {
      mod.tracerVar ??= left.text;
    }
  }
  return mod;
}

/** The function_definition a route points at. */
export function findPythonHandler(root: Node, text: string, route: Route): Node | undefined {
  const starts = lineStarts(text);
  const defs = findAll(root, (n) => n.type === 'function_definition');
  if (route.handlerRange) {
    const off = offsetOf(starts, route.handlerRange.start.line, route.handlerRange.start.column);
    const exact = defs.find((d) => d.startIndex === off || (d.parent?.type === 'decorated_definition' && d.parent.startIndex === off));
    if (exact) return exact;
  }
  const onLine = defs.filter((d) => d.startPosition.row + 1 === route.handlerLine);
  if (onLine.length) return onLine[0];
  // handlerLine may be the decorator line
  return defs.find(
    (d) =>
      d.parent?.type === 'decorated_definition' &&
      d.parent.startPosition.row + 1 <= route.handlerLine &&
      d.startPosition.row + 1 > route.handlerLine,
  );
}

/** Aspects already present in a handler body. */
export function pythonPresentAspects(fn: Node, mod: PyModule): Aspect[] {
  const body = fn.childForFieldName('body');
  if (!body) return [];
  const present = new Set<Aspect>();
  walk(body, (n) => {
    if (n.type === 'call') {
      const name = calleeName(n);
      if (name === 'start_as_current_span' || name === 'start_span') present.add('span');
    }
    if (n.type === 'identifier') {
      if (mod.counter && n.text === mod.counter.variable) present.add('counter');
      if (mod.histogram && n.text === mod.histogram.variable) present.add('histogram');
    }
  });
  return orderedAspects(present);
}

/** The name of the first parameter annotated with a type whose last segment is `typeName` (e.g. Request). */
function paramTyped(fn: Node, typeName: string): string | undefined {
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p || (p.type !== 'typed_parameter' && p.type !== 'typed_default_parameter')) continue;
    const t = p.childForFieldName('type')?.text.split('.').pop();
    const id = p.type === 'typed_parameter' ? p.namedChildren.find((c) => c?.type === 'identifier') : p.childForFieldName('name');
    if (t === typeName && id) return id.text;
  }
  return undefined;
}

/** `status_code=` of the route decorator (FastAPI), as source text. */
function fastapiDefaultStatus(fn: Node, route: Route): string {
  const dec = fn.parent?.type === 'decorated_definition' ? fn.parent : undefined;
  if (!dec) return '200';
  const decorators = dec.namedChildren.filter((c): c is Node => !!c && c.type === 'decorator');
  const at = decorators.find((d) => d.startPosition.row + 1 === route.line) ?? decorators[0];
  const call = at?.namedChildren.find((c) => c?.type === 'call');
  const kw = call
    ?.childForFieldName('arguments')
    ?.namedChildren.find((c) => c?.type === 'keyword_argument' && c.childForFieldName('name')?.text === 'status_code');
  return kw?.childForFieldName('value')?.text ?? '200';
}

export interface PyNeeds {
  time: boolean;
  /** `from time import perf_counter as _telemetry_perf_counter` (when `time` is shadowed) */
  perfCounter: boolean;
  counter: boolean;
  histogram: boolean;
  span: boolean;
  statusHelper: boolean;
  flaskRequest: boolean;
}

/** Alias for a name we import when the module already binds it to something else (`from collections import Counter`). */
const PY_IMPORT_ALIASES: Record<string, string> = {
  Counter: 'PromCounter',
  Histogram: 'PromHistogram',
  REGISTRY: 'PROM_REGISTRY',
  trace: 'otel_trace',
  Status: 'OtelStatus',
  StatusCode: 'OtelStatusCode',
  request: 'flask_request',
};

type PySymbol = 'Counter' | 'Histogram' | 'REGISTRY' | 'trace' | 'Status' | 'StatusCode' | 'request';
const PY_SYMBOL_MODULES: Record<PySymbol, string> = {
  Counter: 'prometheus_client',
  Histogram: 'prometheus_client',
  REGISTRY: 'prometheus_client',
  trace: 'opentelemetry',
  Status: 'opentelemetry.trace',
  StatusCode: 'opentelemetry.trace',
  request: 'flask',
};

/** How the module refers to `name` from `module`: as already imported, else itself, else an alias when taken. */
export function pyLocal(mod: PyModule, module: string, name: string): string {
  for (const s of mod.fromImports) {
    if (s.childForFieldName('module_name')?.text !== module) continue;
    for (const c of s.namedChildren.slice(1)) {
      if (c?.type === 'wildcard_import' || (c?.type === 'dotted_name' && c.text === name)) return name;
      if (c?.type === 'aliased_import' && c.childForFieldName('name')?.text === name) return c.childForFieldName('alias')?.text ?? name;
    }
  }
  const taken = (n: string) => mod.topNames.has(n) || mod.importedNames.has(n);
  if (!taken(name)) return name;
  let alias = PY_IMPORT_ALIASES[name] ?? `_telemetry_${name}`;
  while (taken(alias)) alias = `_telemetry_${alias}`;
  return alias;
}

export interface PyNames {
  /** local names of the imported symbols (aliased when the module binds the plain name otherwise) */
  sym: Record<PySymbol, string>;
  counter: string;
  histogram: string;
  tracer: string;
  counterLabels: string[];
  histogramLabels: string[];
}

export function pythonNames(mod: PyModule, opts: InstrumentOptions): PyNames {
  const sym = {} as Record<PySymbol, string>;
  for (const k of Object.keys(PY_SYMBOL_MODULES) as PySymbol[]) sym[k] = pyLocal(mod, PY_SYMBOL_MODULES[k], k);
  return {
    sym,
    counter: mod.counter?.variable ?? 'HTTP_REQUESTS_TOTAL',
    histogram: mod.histogram?.variable ?? 'HTTP_REQUEST_DURATION_SECONDS',
    tracer: mod.tracerVar ?? (mod.topNames.has('tracer') ? '_telemetry_tracer' : 'tracer'),
    counterLabels: mod.counter?.labels ?? opts.labels,
    histogramLabels: mod.histogram?.labels ?? opts.labels,
  };
}

/** Plans the wrapping of one handler. Module-level needs are accumulated into `needs`. */
export function planPythonHandler(
  mod: PyModule,
  route: Route,
  aspects: Aspect[],
  opts: InstrumentOptions,
  names: PyNames,
  needs: PyNeeds,
): HandlerOutcome {
  const { text, eol, unit } = mod;
  const label = routeLabel(route);
  const fn = findPythonHandler(mod.root, text, route);
  if (!fn) return { route, edits: [], already: [], refused: `${label}: handler function not found at line ${route.handlerLine}` };
  const outer = fn.parent?.type === 'decorated_definition' ? fn.parent : fn;
  if (outer.hasError) {
    return { route, edits: [], already: [], refused: `${label}: the handler ${fn.childForFieldName('name')?.text ?? ''} has syntax errors; fix them first` };
  }
  const present = pythonPresentAspects(fn, mod);
  const missing = aspects.filter((a) => !present.includes(a));
  if (!missing.length) return { route, edits: [], already: present, key: fn.startIndex };
  if (present.length) {
    return {
      route,
      edits: [],
      already: present,
      refused: `${label}: already partially instrumented (${present.join(', ')}); remove that instrumentation to add ${missing.join(', ')}`,
      key: fn.startIndex,
    };
  }
  const body = fn.childForFieldName('body')!;
  const stmts = body.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  const first = stmts[isDocstring(stmts[0]) ? 1 : 0];
  const last = stmts[stmts.length - 1];
  if (!first || !last) return { route, edits: [], already: [], refused: `${label}: the handler has no statements to wrap` };
  if (body.startPosition.row === fn.startPosition.row || first.startPosition.row === (stmts[0] === first ? -1 : stmts[0]!.endPosition.row)) {
    return { route, edits: [], already: [], refused: `${label}: put the handler body on its own lines (not on the def line) to instrument it` };
  }
  const kinds = (labels: string[]) => labelKinds(labels);
  const wantCounter = missing.includes('counter');
  const wantHist = missing.includes('histogram');
  const wantSpan = missing.includes('span');
  const counterKinds = wantCounter ? kinds(names.counterLabels) : [];
  const histKinds = wantHist ? kinds(names.histogramLabels) : [];
  if (typeof counterKinds === 'string') return { route, edits: [], already: [], refused: counterKinds };
  if (typeof histKinds === 'string') return { route, edits: [], already: [], refused: histKinds };
  const needStatus = [...counterKinds, ...histKinds].some((k) => k.kind === 'status');
  const handlerName = fn.childForFieldName('name')?.text ?? '';
  const bodyUses = (n: string) => usesIdentifier(body, n) || pyParamNames(fn).includes(n);
  const spanVar = bodyUses('span') ? 'otel_span' : 'span';
  const tpl = routeTemplate(route);
  let methodExpr = pyString(route.methods.join('|'));
  if (route.methods.length !== 1 || route.methods[0] === 'ALL') {
    if (route.framework === 'flask') {
      methodExpr = `${names.sym.request}.method`;
      if (names.sym.request !== 'request' || !bodyUses('request')) needs.flaskRequest = true;
    } else {
      // FastAPI: the request's method when the handler takes a Request, else the declared methods
      const req = paramTyped(fn, 'Request');
      if (req) methodExpr = `${req}.method`;
    }
  }
  const value = (k: LabelKind) =>
    k === 'method' ? methodExpr : k === 'route' ? pyString(tpl) : k === 'handler' ? pyString(handlerName) : '_telemetry_code';
  const labelArgs = (ks: { name: string; kind: LabelKind }[]) =>
    ks.length ? `.labels(${ks.map((k) => `${k.name}=${value(k.kind)}`).join(', ')})` : '';

  const perf = mod.timeShadowed || bodyUses('time') ? '_telemetry_perf_counter()' : 'time.perf_counter()';
  if (wantHist && perf !== 'time.perf_counter()') needs.perfCounter = true;
  const B = text.slice(lineStartAt(text, first.startIndex), first.startIndex);
  if (B.trim()) return { route, edits: [], already: [], refused: `${label}: unusual body layout; cannot wrap it` };
  const ind = (n: number) => B + unit.repeat(n);
  const s = wantSpan ? 1 : 0;
  const pro: string[] = [];
  if (wantHist) pro.push(`${ind(0)}_telemetry_start = ${perf}`);
  if (needStatus) pro.push(`${ind(0)}_telemetry_result = _telemetry_error = None`);
  if (wantSpan) {
    pro.push(`${ind(0)}with ${names.tracer}.start_as_current_span(${pyString(spanName(opts, route))}) as ${spanVar}:`);
    pro.push(`${ind(1)}${spanVar}.set_attribute("http.route", ${pyString(tpl)})`);
    const params = pyParamNames(fn);
    for (const p of pathParams(tpl)) {
      if (params.includes(p)) pro.push(`${ind(1)}${spanVar}.set_attribute(${pyString(`http.route.param.${p}`)}, str(${p}))`);
    }
  }
  pro.push(`${ind(s)}try:`);
  const epi: string[] = [];
  epi.push(`${ind(s)}except Exception as e:`);
  if (needStatus) epi.push(`${ind(s + 1)}_telemetry_error = e`);
  if (wantSpan) {
    epi.push(`${ind(s + 1)}${spanVar}.record_exception(e)`);
    epi.push(`${ind(s + 1)}${spanVar}.set_status(${names.sym.Status}(${names.sym.StatusCode}.ERROR))`);
  }
  epi.push(`${ind(s + 1)}raise`);
  if (wantCounter || wantHist) {
    epi.push(`${ind(s)}finally:`);
    if (needStatus) {
      let dflt = route.framework === 'fastapi' ? fastapiDefaultStatus(fn, route) : '200';
      // FastAPI: a `response: Response` parameter whose status_code the handler may set
      const resp = route.framework === 'fastapi' ? paramTyped(fn, 'Response') : undefined;
      if (resp) dflt = `${resp}.status_code or ${dflt}`;
      epi.push(`${ind(s + 1)}_telemetry_code = _telemetry_status(_telemetry_result, _telemetry_error, ${dflt})`);
    }
    if (wantHist) {
      epi.push(`${ind(s + 1)}${names.histogram}${labelArgs(histKinds)}.observe(${perf} - _telemetry_start)`);
    }
    if (wantCounter) epi.push(`${ind(s + 1)}${names.counter}${labelArgs(counterKinds)}.inc()`);
  }
  if (!wantSpan && !needStatus) {
    // counter/histogram without a status label: no except clause needed
    epi.splice(epi.findIndex((l) => l.trim().startsWith('except')), 2);
  }

  const starts = lineStarts(text);
  const edits: TextEdit[] = [];
  const firstLine = lineStartAt(text, first.startIndex);
  edits.push({ start: firstLine, end: firstLine, newText: pro.join(eol) + eol });
  const skip = rowsInsideStrings(fn, ['string', 'concatenated_string']);
  edits.push(...reindentEdits(text, starts, first.startPosition.row, last.endPosition.row, unit.repeat(s + 1), skip));
  // capture return values for the status label
  if (needStatus) {
    walk(body, (n) => {
      if (n.type === 'function_definition' || n.type === 'lambda' || n.type === 'class_definition') return false;
      if (n.type === 'return_statement') {
        const v = n.namedChildren.find((c) => c && c.type !== 'comment');
        if (!v || LITERAL_TYPES.has(v.type)) return false;
        const tuple = v.type === 'expression_list';
        edits.push({ start: v.startIndex, end: v.startIndex, newText: tuple ? '(_telemetry_result := (' : '(_telemetry_result := ' });
        edits.push({ start: v.endIndex, end: v.endIndex, newText: tuple ? '))' : ')' });
        return false;
      }
      return true;
    });
    needs.statusHelper = true;
  }
  const endLine = lineEndAt(text, last.endIndex);
  edits.push({ start: endLine, end: endLine, newText: eol + epi.join(eol) });
  needs.time ||= wantHist && perf === 'time.perf_counter()';
  needs.counter ||= wantCounter;
  needs.histogram ||= wantHist;
  needs.span ||= wantSpan;
  return { route, edits, already: present, key: fn.startIndex };
}

function hasImport(mod: PyModule, module: string, name?: string): boolean {
  if (!name) {
    return mod.plainImports.some((s) =>
      s.namedChildren.some((c) => c?.type === 'dotted_name' && c.text === module),
    );
  }
  return mod.fromImports.some(
    (s) =>
      s.childForFieldName('module_name')?.text === module &&
      (s.namedChildren.some((c) => c?.type === 'wildcard_import') ||
        s.namedChildren.some((c, i) => i > 0 && (c?.type === 'dotted_name' || c?.type === 'aliased_import') && c.text.replace(/\s+/g, ' ') === name)),
  );
}

/** Edits adding the imports (merged into existing `from X import …`) for the names needed. */
export function pythonImportEdits(mod: PyModule, wanted: { module: string; name?: string }[]): { edits: TextEdit[]; newLines: string[] } {
  const edits: TextEdit[] = [];
  const newLines: string[] = [];
  const byModule = new Map<string, string[]>();
  for (const w of wanted) {
    if (hasImport(mod, w.module, w.name)) continue;
    if (!w.name) {
      newLines.push(`import ${w.module}`);
      continue;
    }
    const list = byModule.get(w.module) ?? [];
    if (!list.includes(w.name)) list.push(w.name);
    byModule.set(w.module, list);
  }
  for (const [module, list] of byModule) {
    const existing = mod.fromImports.find(
      (s) => s.childForFieldName('module_name')?.text === module && !s.namedChildren.some((c) => c?.type === 'wildcard_import'),
    );
    const lastName = existing?.namedChildren.filter((c) => c && (c.type === 'dotted_name' || c.type === 'aliased_import')).pop();
    if (existing && lastName && lastName !== existing.childForFieldName('module_name')) {
      edits.push(listAppendEdit(mod.text, lastName, list));
    } else newLines.push(`from ${module} import ${list.join(', ')}`);
  }
  return { edits, newLines };
}

function statusHelper(framework: string, eol: string, unit: string): string {
  const i = (n: number) => unit.repeat(n);
  const lines =
    framework === 'flask'
      ? [
          'def _telemetry_status(result, error, default):',
          `${i(1)}"""Status label: an escaping exception's code (abort(404) -> 404) else 500; a (body, status) tuple's status; a Response's status_code; else the default."""`,
          `${i(1)}if error is not None:`,
          `${i(2)}code = getattr(error, "code", None)`,
          `${i(2)}return str(code if isinstance(code, int) else 500)`,
          `${i(1)}if isinstance(result, tuple):`,
          `${i(2)}if len(result) > 1 and isinstance(result[1], int):`,
          `${i(3)}return str(result[1])`,
          `${i(2)}result = result[0] if result else None`,
          `${i(1)}return str(getattr(result, "status_code", default))`,
        ]
      : [
          'def _telemetry_status(result, error, default):',
          `${i(1)}"""Status label: an escaping exception's status_code (HTTPException) else 500; a returned Response's status_code; else the route's default."""`,
          `${i(1)}if error is not None:`,
          `${i(2)}return str(getattr(error, "status_code", 500))`,
          `${i(1)}return str(getattr(result, "status_code", default))`,
        ];
  return lines.join(eol);
}

/** Module-level edits (imports, metrics, tracer, helper) for the accumulated needs. */
export function pythonModuleEdits(mod: PyModule, framework: string, opts: InstrumentOptions, names: PyNames, needs: PyNeeds): TextEdit[] {
  const { eol, unit } = mod;
  const wanted: { module: string; name?: string }[] = [];
  const { sym } = names;
  const want = (k: PySymbol) => wanted.push({ module: PY_SYMBOL_MODULES[k], name: sym[k] === k ? k : `${k} as ${sym[k]}` });
  if (needs.time) wanted.push({ module: 'time' });
  if (needs.perfCounter) wanted.push({ module: 'time', name: 'perf_counter as _telemetry_perf_counter' });
  if (needs.counter && !mod.counter) want('Counter');
  if (needs.histogram && !mod.histogram) want('Histogram');
  if ((needs.counter && !mod.counter) || (needs.histogram && !mod.histogram)) want('REGISTRY');
  if (needs.span) {
    if (!mod.tracerVar) want('trace');
    want('Status');
    want('StatusCode');
  }
  if (needs.flaskRequest) want('request');
  const { edits, newLines } = pythonImportEdits(mod, wanted);
  const mn = metricNames(opts);
  const decls: string[] = [];
  const list = (xs: string[]) => `[${xs.map(pyString).join(', ')}]`;
  // Each metric is registered once per process: when another module instrumented the same way registered it
  // already, prometheus_client raises ValueError ("Duplicated timeseries") and the existing collector is shared.
  const guarded = (variable: string, metric: string, ctor: string[]) => [
    'try:',
    ...ctor.map((l) => unit + l),
    'except ValueError:  # already registered by another instrumented module: share it',
    `${unit}${variable} = ${sym.REGISTRY}._names_to_collectors[${pyString(metric)}]`,
  ];
  if (needs.counter && !mod.counter) {
    decls.push(
      ...guarded(names.counter, mn.counter, [
        `${names.counter} = ${sym.Counter}(`,
        `${unit}${pyString(mn.counter)},`,
        `${unit}"Total HTTP requests by ${names.counterLabels.join(', ')}.",`,
        `${unit}${list(names.counterLabels)},`,
        ')',
      ]),
    );
  }
  if (needs.histogram && !mod.histogram) {
    decls.push(
      ...guarded(names.histogram, mn.histogram, [
        `${names.histogram} = ${sym.Histogram}(`,
        `${unit}${pyString(mn.histogram)},`,
        `${unit}"HTTP request duration in seconds by ${names.histogramLabels.join(', ')}.",`,
        `${unit}${list(names.histogramLabels)},`,
        `${unit}buckets=(${opts.buckets.map((b) => (Number.isInteger(b) ? `${b}.0` : String(b))).join(', ')}),`,
        ')',
      ]),
    );
  }
  if (needs.span && !mod.tracerVar) decls.push(`${names.tracer} = ${sym.trace}.get_tracer(${pyString(opts.tracerName)})`);
  let block = decls.length ? decls.join(eol) : '';
  if (needs.statusHelper && !mod.hasStatusHelper) {
    block += (block ? eol + eol + eol : '') + statusHelper(framework, eol, unit);
  }
  if (mod.blockAt !== undefined) {
    if (newLines.length) edits.push({ start: mod.importAt, end: mod.importAt, newText: newLines.join(eol) + eol });
    if (block) edits.push({ start: mod.blockAt, end: mod.blockAt, newText: eol + eol + eol + block + (needs.statusHelper && !mod.hasStatusHelper ? eol : '') });
  } else {
    // no leading imports: imports and block go together after the docstring / __future__ imports
    let t = newLines.join(eol);
    if (block) t += (t ? eol + eol + eol : '') + block;
    if (t) {
      const atEnd = mod.importAt > 0 && mod.text[mod.importAt - 1] !== '\n';
      edits.push({ start: mod.importAt, end: mod.importAt, newText: atEnd ? eol + eol + t + eol : t + eol + eol + eol });
    }
  }
  return edits;
}

export function emptyNeeds(): PyNeeds {
  return { time: false, perfCounter: false, counter: false, histogram: false, span: false, statusHelper: false, flaskRequest: false };
}

