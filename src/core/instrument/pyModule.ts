/**
 * The module side of Python instrumentation: what a module already has (indentation, imports, metrics, tracer,
 * names in use), how it refers to a symbol of a package, and the module-level edits (imports, metric and tracer
 * definitions, the status helper) that the planned handlers need. Pure.
 */
import { calleeName, type Node, pyStringValue as stringValue } from '../parsing/nodes';
import { detectIndentUnit, eolOf, lineEndAt, lineStartAt, listAppendEdit, metricNames, pyRegisteredLines, pyString } from './common';
import type { InstrumentOptions, TextEdit } from './types';

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
  /** The in-flight requests gauge (`…http_requests_in_progress`). */
  inflight?: ExistingMetric;
  tracerVar?: string;
  hasStatusHelper: boolean;
  /** `time` is bound to something other than the time module (e.g. `from datetime import time`). */
  timeShadowed: boolean;
  topNames: Set<string>;
  /** Local names bound by top-level imports → the module they come from. */
  importedNames: Map<string, string>;
  /** Local names bound by top-level imports → where the first of those imports starts (it binds them from there on). */
  importedAt: Map<string, number>;
  fromImports: Node[];
  plainImports: Node[];
}

export const LITERAL_TYPES = new Set([
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

export function isDocstring(n: Node | undefined | null): boolean {
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
  else if (afterHeader !== undefined)
    importAt = lineEndAt(text, afterHeader); // only a docstring: add after it
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
    importedAt: new Map(),
    fromImports: stmts.filter((s) => s.type === 'import_from_statement'),
    plainImports: stmts.filter((s) => s.type === 'import_statement'),
  };
  const bind = (local: string, from: string, s: Node) => {
    mod.importedNames.set(local, from);
    if (!mod.importedAt.has(local) || mod.importedAt.get(local)! > s.startIndex) mod.importedAt.set(local, s.startIndex);
  };
  for (const s of mod.plainImports) {
    for (const c of s.namedChildren) {
      // `import a.b` binds `a`; `import a.b as c` binds `c`
      if (c?.type === 'dotted_name') bind(c.text.split('.')[0]!, c.text, s);
      if (c?.type === 'aliased_import') bind(c.childForFieldName('alias')?.text ?? '', c.childForFieldName('name')?.text ?? '', s);
    }
  }
  const names = metricNames(opts);
  for (const s of mod.fromImports) {
    const from = s.childForFieldName('module_name')?.text ?? '';
    for (const c of s.namedChildren.slice(1)) {
      if (c?.type === 'dotted_name') bind(c.text, from, s);
      if (c?.type === 'aliased_import') bind(c.childForFieldName('alias')?.text ?? '', from, s);
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
    if (
      /Counter$/.test(fn) &&
      metricName &&
      (metricName.endsWith('http_requests_total') || metricName === names.counter.replace(/_total$/, ''))
    ) {
      mod.counter ??= { variable: left.text, labels: stringList(labelsArg) };
    } else if (/Histogram$/.test(fn) && metricName && metricName.endsWith('http_request_duration_seconds')) {
      mod.histogram ??= { variable: left.text, labels: stringList(labelsArg) };
    } else if (/Gauge$/.test(fn) && metricName && metricName.endsWith('http_requests_in_progress')) {
      mod.inflight ??= { variable: left.text, labels: stringList(labelsArg) };
    } else if (fn === 'get_tracer') {
      mod.tracerVar ??= left.text;
    }
  }
  return mod;
}

/** The function_definition a route points at. */
export interface PyNeeds {
  time: boolean;
  /** `from time import perf_counter as _telemetry_perf_counter` (when `time` is shadowed) */
  perfCounter: boolean;
  counter: boolean;
  histogram: boolean;
  inflight: boolean;
  span: boolean;
  statusHelper: boolean;
  flaskRequest: boolean;
}

/** Alias for a name we import when the module already binds it to something else (`from collections import Counter`). */
const PY_IMPORT_ALIASES: Record<string, string> = {
  Counter: 'PromCounter',
  Histogram: 'PromHistogram',
  Gauge: 'PromGauge',
  REGISTRY: 'PROM_REGISTRY',
  trace: 'otel_trace',
  Status: 'OtelStatus',
  StatusCode: 'OtelStatusCode',
  request: 'flask_request',
};

type PySymbol = 'Counter' | 'Histogram' | 'Gauge' | 'REGISTRY' | 'trace' | 'Status' | 'StatusCode' | 'request';
const PY_SYMBOL_MODULES: Record<PySymbol, string> = {
  Counter: 'prometheus_client',
  Histogram: 'prometheus_client',
  Gauge: 'prometheus_client',
  REGISTRY: 'prometheus_client',
  trace: 'opentelemetry',
  Status: 'opentelemetry.trace',
  StatusCode: 'opentelemetry.trace',
  request: 'flask',
};

/** How the module refers to `name` from `module`: as already imported, else itself, else an alias when taken. */
function pyLocal(mod: PyModule, module: string, name: string): string {
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
  inflight: string;
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
    inflight: mod.inflight?.variable ?? 'HTTP_REQUESTS_IN_PROGRESS',
    tracer: mod.tracerVar ?? (mod.topNames.has('tracer') ? '_telemetry_tracer' : 'tracer'),
    counterLabels: mod.counter?.labels ?? opts.labels,
    histogramLabels: mod.histogram?.labels ?? opts.labels,
  };
}

/**
 * Where module-level lines go (the metrics block, the helper's import) so that they run before the line `limit`
 * (firstUseAt: the first planned edit): after the last leading import when that is above it (where an engineer puts
 * them), else after the last import above it (imports interleaved with registrations), else undefined: with the new
 * imports, after the docstring and `from __future__` imports.
 */
export function pyBlockAt(mod: PyModule, limit: number | undefined): number | undefined {
  if (limit === undefined || mod.blockAt === undefined || mod.blockAt < limit) return mod.blockAt;
  let at: number | undefined;
  for (const s of [...mod.fromImports, ...mod.plainImports]) {
    const end = lineEndAt(mod.text, s.endIndex);
    if (end < limit && (at === undefined || end > at)) at = end;
  }
  return at;
}

/** Whether the module imports `name` (or the module itself) by a top-level import starting before `before`. */
function hasImport(mod: PyModule, module: string, name?: string, before = Infinity): boolean {
  if (!name) {
    return mod.plainImports.some(
      (s) => s.startIndex < before && s.namedChildren.some((c) => c?.type === 'dotted_name' && c.text === module),
    );
  }
  return mod.fromImports.some(
    (s) =>
      s.startIndex < before &&
      s.childForFieldName('module_name')?.text === module &&
      (s.namedChildren.some((c) => c?.type === 'wildcard_import') ||
        s.namedChildren.some(
          (c, i) => i > 0 && (c?.type === 'dotted_name' || c?.type === 'aliased_import') && c.text.replace(/\s+/g, ' ') === name,
        )),
  );
}

/** A name to import; `before`: module-level code uses it from that offset, an import below it does not count. */
export interface PyWanted {
  module: string;
  name?: string;
  before?: number;
}

/** Edits adding the imports (merged into existing `from X import …` above their first use) for the names needed. */
export function pythonImportEdits(mod: PyModule, wanted: PyWanted[]): { edits: TextEdit[]; newLines: string[] } {
  const edits: TextEdit[] = [];
  const newLines: string[] = [];
  const byModule = new Map<string, { names: string[]; before: number }>();
  for (const w of wanted) {
    if (hasImport(mod, w.module, w.name, w.before)) continue;
    if (!w.name) {
      newLines.push(`import ${w.module}`);
      continue;
    }
    const entry = byModule.get(w.module) ?? { names: [], before: Infinity };
    if (!entry.names.includes(w.name)) entry.names.push(w.name);
    entry.before = Math.min(entry.before, w.before ?? Infinity);
    byModule.set(w.module, entry);
  }
  for (const [module, { names: list, before }] of byModule) {
    const existing = mod.fromImports.find(
      (s) =>
        s.startIndex < before &&
        s.childForFieldName('module_name')?.text === module &&
        !s.namedChildren.some((c) => c?.type === 'wildcard_import'),
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

/**
 * Module-level edits (imports, metrics, tracer, helper) for the accumulated needs, run before the line `limit` (the
 * first planned edit). The metrics block runs at import: the symbols it uses are imported above it.
 */
export function pythonModuleEdits(
  mod: PyModule,
  framework: string,
  opts: InstrumentOptions,
  names: PyNames,
  needs: PyNeeds,
  limit?: number,
): TextEdit[] {
  const { eol, unit } = mod;
  const blockAt = pyBlockAt(mod, limit);
  const wanted: PyWanted[] = [];
  const { sym } = names;
  // Counter, Histogram, Gauge, REGISTRY and trace run in the block; the handlers' names only when a request comes
  const atImport = new Set<PySymbol>(['Counter', 'Histogram', 'Gauge', 'REGISTRY', 'trace']);
  const want = (k: PySymbol) =>
    wanted.push({
      module: PY_SYMBOL_MODULES[k],
      name: sym[k] === k ? k : `${k} as ${sym[k]}`,
      ...(atImport.has(k) ? { before: blockAt ?? mod.importAt } : {}),
    });
  if (needs.time) wanted.push({ module: 'time' });
  if (needs.perfCounter) wanted.push({ module: 'time', name: 'perf_counter as _telemetry_perf_counter' });
  if (needs.counter && !mod.counter) want('Counter');
  if (needs.histogram && !mod.histogram) want('Histogram');
  if (needs.inflight && !mod.inflight) want('Gauge');
  if ((needs.counter && !mod.counter) || (needs.histogram && !mod.histogram) || (needs.inflight && !mod.inflight)) want('REGISTRY');
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
  // Another library's metric of the name, with other labels, would fail every request: refused at import instead.
  const guarded = (variable: string, metric: string, labels: string[], ctor: string[]) => [
    'try:',
    ...ctor.map((l) => unit + l),
    'except ValueError:  # already registered by another instrumented module: share it',
    ...pyRegisteredLines(variable, sym.REGISTRY, metric, labels, unit),
  ];
  if (needs.counter && !mod.counter) {
    decls.push(
      ...guarded(names.counter, mn.counter, names.counterLabels, [
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
      ...guarded(names.histogram, mn.histogram, names.histogramLabels, [
        `${names.histogram} = ${sym.Histogram}(`,
        `${unit}${pyString(mn.histogram)},`,
        `${unit}"HTTP request duration in seconds by ${names.histogramLabels.join(', ')}.",`,
        `${unit}${list(names.histogramLabels)},`,
        `${unit}buckets=(${opts.buckets.map((b) => (Number.isInteger(b) ? `${b}.0` : String(b))).join(', ')}),`,
        ')',
      ]),
    );
  }
  if (needs.inflight && !mod.inflight) {
    decls.push(
      ...guarded(
        names.inflight,
        mn.inflight,
        [],
        [`${names.inflight} = ${sym.Gauge}(${pyString(mn.inflight)}, "HTTP requests in progress.")`],
      ),
    );
  }
  if (needs.span && !mod.tracerVar) decls.push(`${names.tracer} = ${sym.trace}.get_tracer(${pyString(opts.tracerName)})`);
  let block = decls.length ? decls.join(eol) : '';
  if (needs.statusHelper && !mod.hasStatusHelper) {
    block += (block ? eol + eol + eol : '') + statusHelper(framework, eol, unit);
  }
  if (blockAt !== undefined) {
    if (newLines.length) edits.push({ start: mod.importAt, end: mod.importAt, newText: newLines.join(eol) + eol });
    if (block)
      edits.push({
        start: blockAt,
        end: blockAt,
        newText: eol + eol + eol + block + (needs.statusHelper && !mod.hasStatusHelper ? eol : ''),
      });
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
  return {
    time: false,
    perfCounter: false,
    counter: false,
    histogram: false,
    inflight: false,
    span: false,
    statusHelper: false,
    flaskRequest: false,
  };
}
