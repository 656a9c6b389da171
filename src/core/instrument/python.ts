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
import { findAll, type Node, usesIdentifier, walk } from '../parsing/nodes';
import { pyParamNames } from '../parsing/python';
import type { Route } from '../routes/types';
import { routeLabel, routeTemplate } from '../routes/route';
import {
  type LabelKind,
  labelKinds,
  lineEndAt,
  lineStartAt,
  lineStarts,
  offsetOf,
  presentAspects,
  spanParams,
  pyString,
  reindentEdits,
  rowsInsideStrings,
  spanName,
} from './common';
import { isDocstring, LITERAL_TYPES, type PyModule, type PyNames, type PyNeeds } from './pyModule';
import type { Aspect, HandlerOutcome, InstrumentOptions, TextEdit } from './types';

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
    return {
      route,
      edits: [],
      already: [],
      refused: `${label}: the handler ${fn.childForFieldName('name')?.text ?? ''} has syntax errors; fix them first`,
    };
  }
  const present = presentAspects(fn.childForFieldName('body'), mod, ['start_as_current_span', 'start_span']);
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
  if (
    body.startPosition.row === fn.startPosition.row ||
    first.startPosition.row === (stmts[0] === first ? -1 : stmts[0]!.endPosition.row)
  ) {
    return {
      route,
      edits: [],
      already: [],
      refused: `${label}: put the handler body on its own lines (not on the def line) to instrument it`,
    };
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
    for (const p of spanParams(tpl)) {
      if (params.includes(p)) pro.push(`${ind(1)}${spanVar}.set_attribute(${pyString(`http.route.param.${p}`)}, str(${p}))`);
    }
  }
  // The in-flight gauge (opt-in) goes with the metrics: raised before the try, lowered first thing in its finally.
  const wantGauge = !!opts.inFlightGauge && (wantCounter || wantHist);
  if (wantGauge) pro.push(`${ind(s)}${names.inflight}.inc()`);
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
    if (wantGauge) epi.push(`${ind(s + 1)}${names.inflight}.dec()`);
    if (needStatus) {
      let dflt = route.framework === 'fastapi' ? fastapiDefaultStatus(fn, route) : '200';
      // FastAPI: a `response: Response` parameter whose status_code the handler may set
      const resp = route.framework === 'fastapi' ? paramTyped(fn, 'Response') : undefined;
      if (resp) dflt = `${resp}.status_code or ${dflt}`;
      epi.push(`${ind(s + 1)}_telemetry_code = _telemetry_status(_telemetry_result, _telemetry_error, ${dflt})`);
      if (wantSpan) {
        // a 5xx answer is an error of the server's span, raised or returned (OpenTelemetry HTTP conventions)
        epi.push(`${ind(s + 1)}if _telemetry_code.isdigit() and int(_telemetry_code) >= 500:`);
        epi.push(`${ind(s + 2)}${spanVar}.set_status(${names.sym.Status}(${names.sym.StatusCode}.ERROR))`);
      }
    }
    if (wantHist) {
      epi.push(`${ind(s + 1)}${names.histogram}${labelArgs(histKinds)}.observe(${perf} - _telemetry_start)`);
    }
    if (wantCounter) epi.push(`${ind(s + 1)}${names.counter}${labelArgs(counterKinds)}.inc()`);
  }
  if (!wantSpan && !needStatus) {
    // counter/histogram without a status label: no except clause needed
    epi.splice(
      epi.findIndex((l) => l.trim().startsWith('except')),
      2,
    );
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
  needs.inflight ||= wantGauge;
  needs.span ||= wantSpan;
  return { route, edits, already: present, key: fn.startIndex };
}
