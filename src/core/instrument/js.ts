/**
 * TypeScript/JavaScript (Express, Fastify, Koa, Hono, NestJS) instrumentation: prom-client Counter/Histogram
 * defined once per module on the default `register` (re-used when another instrumented module already registered
 * the same name, so several instrumented files can coexist), `@opentelemetry/api` tracer, each handler body wrapped
 * in `tracer.startActiveSpan(...)`.
 *
 * - The span callback is `async` only when the handler is: a sync handler keeps returning synchronously.
 * - `return` inside the original body returns from the span callback, whose result the handler returns.
 * - A sync handler that may return a promise (any returned value but a literal or the response itself), and a NestJS
 *   `@Redirect()` method, run their body through the module's `telemetrySettled` instead of try/catch/finally: the
 *   end is recorded once a returned promise settles, and the resolved value can give the status.
 * - Status label: Express `res.statusCode`, Fastify `reply.statusCode`, Koa `ctx.status` (read in `finally`, i.e.
 *   after the body ran), Hono the returned Response's `status` (Hono's `c.res` is only set after the handler
 *   returns), NestJS the `@HttpCode()` of the method else 201 for POST / 200 otherwise (`@Res()`: that response's
 *   statusCode; `@Redirect()`: its code, else 302, or a returned `{ url, statusCode }`'s); an escaping error → its
 *   `status`/`statusCode` (http-errors, Koa `ctx.throw`, Hono HTTPException — what the frameworks answer) else 500
 *   (NestJS: `HttpException.getStatus()`). A NestJS method declared to return an Observable is refused.
 * - NestJS: method-body wrapping rather than an interceptor. It keeps every edit inside the chosen handler (one
 *   local, reviewable diff; no providers/modules to register; idempotence is visible in the method itself), and the
 *   status is deterministic from the decorators; an interceptor would need DI wiring in a module file and would
 *   instrument every route of the controller, not the one the user picked.
 *
 * The module side (imports, declarations) is in ./jsModule, the per-framework rules in ./jsFrameworks.
 */
import { findAll, jsStaticString as strValue, type Node, usesIdentifier } from '../parsing/nodes';
import { JS_HANDLER_FUNCTION_TYPES as FUNCTION_TYPES, jsObjectProp, jsParamNames } from '../parsing/javascript';
import type { Route } from '../routes/types';
import { routeLabel, routeTemplate } from '../routes/route';
import {
  type LabelKind,
  indentOfLineAt,
  jsString,
  labelKinds,
  lineEndAt,
  lineStartAt,
  lineStarts,
  offsetOf,
  presentAspects,
  spanParams,
  reindentEdits,
  rowsInsideStrings,
  spanName,
} from './common';
import {
  decoratorsOf,
  frameworkParams,
  frameworkRules,
  nestRedirect,
  nestResponseParam,
  nestReturnsObservable,
  nestStatus,
} from './jsFrameworks';
import { awaitPrefix, awaitReturnEdits, mayReturnThenable } from './jsReturns';
import { ERROR_STATUS_FN, SETTLED_FN, jsLocal, jsRef, type JsModule, type JsNames, type JsNeeds } from './jsModule';
import type { Aspect, HandlerOutcome, InstrumentOptions, TextEdit } from './types';

/** A JS call's arguments, comments left out. */
export function callArgs(c: Node): Node[] {
  return (c.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'comment');
}

/** The calls starting on the route's line; in a chain (`router.get('/a', h).post('/b', c)`) every call starts there:
 *  the one registering this route's path first. */
export function registrationCalls(root: Node, route: Route): Node[] {
  const calls = findAll(root, (n) => n.type === 'call_expression' && n.startPosition.row + 1 === route.line);
  const own = (c: Node) => strValue(callArgs(c)[0] ?? null) === route.path;
  return calls.sort((a, b) => Number(own(b)) - Number(own(a)));
}

/**
 * A routing-controllers controller method (`@Get('/:id') getOne(@Param('id') id)` in a `@JsonController`): it takes
 * the resolved parameters, not (req, res), and answers with routing-controllers' own statuses (`@HttpCode`, else 200;
 * `@OnUndefined`, else 404; `@OnNull`, else 204; a thrown `HttpError`'s httpCode, else 500). The wrapper style
 * observes it with the helper's method decorator, which reads them from routing-controllers' metadata storage.
 */
export function routingControllersMethod(mod: JsModule, route: Route): Node | undefined {
  if (route.framework === 'nestjs' || !mod.imports.some((i) => i.module === 'routing-controllers')) return undefined;
  const fn = findJsHandler(mod.root, mod.text, route);
  return fn?.type === 'method_definition' && decoratorsOf(fn).length ? fn : undefined;
}

/**
 * An inversify-express-utils controller method (`@httpGet('/:id') one(req, res)` in a `@controller` class): the library
 * calls it by name and answers with what it returns (`this.json(x, 201)`, a value) once it has returned, so the inline
 * style's status would be read too early. The wrapper style observes it with the helper's method decorator, which finds
 * the response among the arguments (the library passes `req, res, next` last) and reads its status when it is finished.
 */
export function inversifyMethod(mod: JsModule, route: Route): Node | undefined {
  if (route.framework === 'nestjs' || !mod.imports.some((i) => i.module === 'inversify-express-utils')) return undefined;
  const fn = findJsHandler(mod.root, mod.text, route);
  return fn?.type === 'method_definition' && decoratorsOf(fn).length ? fn : undefined;
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
  const isArg = (f: Node) =>
    f.parent?.type === 'arguments' || (f.parent?.type === 'pair' && f.parent.childForFieldName('key')?.text === 'handler');
  const args = onLine.filter(isArg);
  if (args.length) return args[args.length - 1];
  if (onLine.length) return onLine[0];
  // inline handler on a later line of a multi-line registration: the last argument of the call at route.line, when it
  // is a function (an inline middleware before a `swaggerUi.setup(…)` handler is not the handler)
  for (const c of registrationCalls(root, route)) {
    const last = callArgs(c).at(-1);
    if (last && FUNCTION_TYPES.includes(last.type)) return last;
  }
  return undefined;
}

function fnBody(fn: Node): Node | null {
  return fn.childForFieldName('body');
}

/** Why a registration has no function to wrap: its handler is an expression, e.g. `passport.authenticate('x')`. */
function notAFunction(root: Node, route: Route): string | undefined {
  for (const c of registrationCalls(root, route)) {
    const args = callArgs(c);
    let last: Node | undefined = args[args.length - 1];
    // Fastify route options: `{ schema, handler: ctrl.get.bind(ctrl) }`
    if (last?.type === 'object') last = jsObjectProp(last, 'handler');
    if (args.length < 2 || !last || FUNCTION_TYPES.includes(last.type) || strValue(last) !== undefined) continue;
    const fn = last.type === 'call_expression' ? last.childForFieldName('function') : null;
    // `ctrl.get.bind(ctrl)`: a method defined elsewhere, not a factory
    const bound = fn?.type === 'member_expression' && fn.childForFieldName('property')?.text === 'bind';
    const shown = shortExpr((bound ? fn.childForFieldName('object')! : last).text);
    if (last.type === 'spread_element') {
      const where =
        route.framework === 'koa' || route.framework === 'hono'
          ? 'the wrapper style observes them at the registration'
          : 'observe the last of them where the list is declared';
      return `its handlers are spread in from \`${shortExpr(last.text.slice(3))}\`, a list of functions, not one written here: ${where}`;
    }
    return last.type === 'call_expression' && !bound
      ? `its handler \`${shown}\` is built by a call (a middleware factory), not a function written here: nothing to wrap`
      : `its handler \`${shown}\` is not a function defined in this file: instrument it where it is defined`;
  }
  return undefined;
}

/** An expression as a message quotes it: its first line, at most 48 characters. */
function shortExpr(text: string): string {
  const line = text.split(/\r?\n/)[0]!;
  return line.length > 48 || line !== text ? `${line.slice(0, 45).trimEnd()}…` : line;
}

/**
 * The registration's handler expression when it is a call around the handler defined elsewhere in the file
 * (`controllerAdaptor(createArea)`): the framework then calls the function that call returns, not `fn`.
 */
function wrappingCall(root: Node, route: Route, fn: Node): Node | undefined {
  for (const c of registrationCalls(root, route)) {
    const last = callArgs(c).at(-1);
    if (last?.type === 'call_expression' && (fn.endIndex <= last.startIndex || fn.startIndex >= last.endIndex)) return last;
  }
  return undefined;
}

/** What is wanted of one handler, once the checks passed. */
interface HandlerPlan {
  mod: JsModule;
  route: Route;
  fn: Node;
  body: Node;
  counter: { name: string; kind: LabelKind }[] | null;
  histogram: { name: string; kind: LabelKind }[] | null;
  /** The opt-in in-flight gauge: raised before the try, lowered first thing in its finally. */
  inflight: boolean;
  span: boolean;
  needStatus: boolean;
  isAsync: boolean;
  /**
   * The body runs in a function passed to the module's `telemetrySettled` (see jsModule), which records the end when
   * a returned promise settles: a sync handler that may return one, a NestJS `@Redirect()` method (its result's
   * statusCode is the status).
   */
  settle: boolean;
}

/** The handler function, or why it cannot be instrumented (or is already). */
function checkHandler(
  mod: JsModule,
  route: Route,
  aspects: Aspect[],
  refuse: (why: string, key?: number) => HandlerOutcome,
): { fn: Node; body: Node; missing: Aspect[] } | HandlerOutcome {
  const fn = findJsHandler(mod.root, mod.text, route);
  if (!fn) return refuse(notAFunction(mod.root, route) ?? `handler function not found at line ${route.handlerLine}`);
  if (fn.hasError) return refuse('the handler has syntax errors; fix them first', fn.startIndex);
  const body = fnBody(fn);
  if (!body) return refuse('the handler has no body');
  if (
    fn.type === 'function_declaration' ||
    fn.type === 'function_expression' ||
    fn.type === 'function' ||
    fn.type === 'method_definition'
  ) {
    if (/^\s*(async\s+)?(function\s*)?\*/.test(fn.text) || fn.children.some((c) => c?.type === '*'))
      return refuse('generator handlers are not supported');
  }
  const present = presentAspects(fnBody(fn), mod, ['startActiveSpan', 'startSpan']);
  const missing = aspects.filter((a) => !present.includes(a));
  if (!missing.length) return { route, edits: [], already: present, key: fn.startIndex };
  if (present.length) {
    return {
      ...refuse(
        `already partially instrumented (${present.join(', ')}); remove that instrumentation to add ${missing.join(', ')}`,
        fn.startIndex,
      ),
      already: present,
    };
  }
  return { fn, body, missing };
}

/**
 * A sync handler declared to return a Promise (`create(dto): Promise<User> { return this.users.create(dto); }`) is
 * made async, so that the metrics and the span cover the promise, not just its creation; its type is unchanged.
 * Whether the handler is async afterwards.
 */
function asyncEdits(fn: Node, edits: TextEdit[]): boolean {
  const declaredAsync = fn.children.some((c) => c?.type === 'async');
  // `Promise<T>` itself: an async function may not be declared `Promise<T> | undefined` (the settle variant observes that)
  const type = fn.childForFieldName('return_type')?.namedChildren.find((c) => c?.type !== 'comment');
  const returnsPromise = !declaredAsync && type?.type === 'generic_type' && type.childForFieldName('name')?.text === 'Promise';
  if (!returnsPromise) return declaredAsync;
  const at = fn.type === 'method_definition' ? fn.childForFieldName('name')?.startIndex : fn.startIndex;
  if (at === undefined) return false;
  edits.push({ start: at, end: at, newText: 'async ' });
  return true;
}

/** Lines are [relative level, text]: before the original body (prologue) and after it (epilogue). */
type Lines = [number, string][];

/** The wrapper around the body: span, timer, status bookkeeping, try/catch/finally. `k`: level of the original body. */
function wrapperLines(
  h: HandlerPlan,
  opts: InstrumentOptions,
  names: JsNames,
  needs: JsNeeds,
  req: string | undefined,
  res: string | undefined,
): { pro: Lines; epi: Lines; k: number; hono: boolean } {
  const { mod, route, fn, body, needStatus, isAsync } = h;
  const { style } = mod;
  const { semi, ts } = style;
  const q = (s: string) => (style.quote === '"' ? JSON.stringify(s) : jsString(s));
  const rules = frameworkRules(route.framework);
  const tpl = routeTemplate(route);
  const multi = route.methods.length !== 1 || route.methods[0] === 'ALL';
  const methodExpr = !multi ? q(route.methods[0]!) : rules.method ? rules.method(req!) : q(route.methods.join('|'));
  const handlerName = route.handlerName ?? fn.childForFieldName('name')?.text ?? 'anonymous';
  const value = (k: LabelKind) =>
    k === 'method' ? methodExpr : k === 'route' ? q(tpl) : k === 'handler' ? q(handlerName) : 'telemetryStatus';
  const labelObj = (ks: { name: string; kind: LabelKind }[]) =>
    `{ ${ks.map((k) => `${/^[A-Za-z_$][\w$]*$/.test(k.name) ? k.name : q(k.name)}: ${value(k.kind)}`).join(', ')} }`;

  const spanVar = usesIdentifier(body, 'span') ? 'telemetrySpan' : 'span';
  const hono = rules.status.kind === 'returned' && needStatus && !h.settle;
  const pro: Lines = [];
  const epi: Lines = [];
  let s = 0;
  if (h.span) {
    pro.push([
      0,
      `return ${names.tracer}.startActiveSpan(${q(spanName(opts, route))}, ${isAsync && !h.settle ? 'async ' : ''}(${spanVar}) => {`,
    ]);
    s = 1;
    pro.push([1, `${spanVar}.setAttribute('http.route', ${q(tpl)})${semi}`.replace(/'/g, style.quote)]);
    for (const p of spanParams(tpl)) {
      const expr = rules.pathParam({ req, fn, name: p, q, ts });
      if (expr) pro.push([1, `${spanVar}.setAttribute(${q(`http.route.param.${p}`)}, String(${expr}))${semi}`]);
    }
  }
  if (h.histogram) pro.push([s, `const telemetryEndTimer = ${names.histogram}.startTimer()${semi}`]);
  const fail: string[] = [];
  /** settle variant: what the result (the resolved value of a returned promise) tells of the status */
  const resultLines: string[] = [];
  let statusExpr = '';
  if (needStatus) {
    if (rules.status.kind === 'response') {
      pro.push([s, `let telemetryErrorCode = 0${semi}`]);
      fail.push(`telemetryErrorCode = ${ERROR_STATUS_FN}(err)${semi}`);
      statusExpr = `String(telemetryErrorCode || ${rules.status.expr(req, res)})`;
      needs.errorStatus = true;
    } else if (rules.status.kind === 'returned') {
      pro.push([s, `let telemetryCode = 500${semi}`]);
      fail.push(`telemetryCode = ${ERROR_STATUS_FN}(err)${semi}`);
      if (h.settle) resultLines.push(`telemetryCode = telemetryResult instanceof Response ? telemetryResult.status : 200${semi}`);
      statusExpr = 'String(telemetryCode)';
      needs.errorStatus = true;
    } else {
      const he = jsLocal(mod, '@nestjs/common', 'HttpException');
      if (!jsRef(mod, '@nestjs/common', 'HttpException')) needs.httpException = true;
      const nestRes = nestResponseParam(fn);
      // `@Res() res`: the method answers (or sets the status, `passthrough`) on the response: its status at the end
      const code = nestRes ? 'telemetryErrorCode' : 'telemetryCode';
      pro.push([s, `let ${code} = ${nestRes ? '0' : nestStatus(fn, route)}${semi}`]);
      fail.push(`${code} = err instanceof ${he} ? err.getStatus() : 500${semi}`);
      statusExpr = nestRes ? `String(telemetryErrorCode || ${nestRes}.statusCode)` : 'String(telemetryCode)';
      if (h.settle && !nestRes && nestRedirect(fn)) {
        // Nest redirects with the statusCode of a returned `{ url, statusCode }`, else the decorator's
        const r = ts ? 'telemetryResult as { statusCode?: unknown } | null | undefined' : 'telemetryResult';
        resultLines.push(`const telemetryRedirect = ${r}${semi}`);
        resultLines.push(
          `if (typeof telemetryRedirect?.statusCode === 'number' && telemetryRedirect.statusCode) telemetryCode = telemetryRedirect.statusCode${semi}`.replace(
            /'/g,
            style.quote,
          ),
        );
      }
    }
  }
  if (h.inflight) pro.push([s, `${names.inflight}.inc()${semi}`]);
  const catchLines: string[] = [...fail];
  const sc = jsLocal(mod, '@opentelemetry/api', 'SpanStatusCode');
  if (h.span) {
    catchLines.push(`${spanVar}.recordException(${ts ? 'err as Error' : '/** @type {Error} */ (err)'})${semi}`);
    catchLines.push(`${spanVar}.setStatus({ code: ${sc}.ERROR })${semi}`);
  }
  const finallyLines: string[] = h.inflight ? [`${names.inflight}.dec()${semi}`] : [];
  if (needStatus) finallyLines.push(`const telemetryStatus = ${statusExpr}${semi}`);
  if (h.counter) finallyLines.push(`${names.counter}.inc(${h.counter.length ? labelObj(h.counter) : ''})${semi}`);
  if (h.histogram) finallyLines.push(`telemetryEndTimer(${h.histogram.length ? labelObj(h.histogram) : ''})${semi}`);
  if (h.span) {
    if (needStatus) {
      finallyLines.push(`${spanVar}.setAttribute('http.response.status_code', Number(telemetryStatus))${semi}`.replace(/'/g, style.quote));
      // a 5xx answer is an error of the server's span, thrown or returned (OpenTelemetry HTTP conventions)
      finallyLines.push(`if (Number(telemetryStatus) >= 500) ${spanVar}.setStatus({ code: ${sc}.ERROR })${semi}`);
    }
    finallyLines.push(`${spanVar}.end()${semi}`);
  }
  if (h.settle) {
    // telemetrySettled(run, end, fail, result): the body runs in `run`; `end` once its result is there (a promise's
    // once it settles), after `fail` (an error, rethrown) or `result` (its value: a Hono Response, a Nest redirect)
    needs.settled = true;
    const callbacks: [string, string[]][] = [['()', finallyLines]];
    if (catchLines.length || resultLines.length) callbacks.push(['(err)', catchLines]);
    if (resultLines.length) callbacks.push(['(telemetryResult)', resultLines]);
    pro.push([s, `return ${SETTLED_FN}(`]);
    pro.push([s + 1, `${isAsync ? 'async ' : ''}() => {`]);
    epi.push([s + 1, '},']);
    callbacks.forEach(([params, lines], i) => {
      epi.push([s + 1, `${params} => {`]);
      for (const l of lines) epi.push([s + 2, l]);
      epi.push([s + 1, i < callbacks.length - 1 ? '},' : '}']);
    });
    epi.push([s, `)${semi}`]);
    if (h.span) epi.push([0, `})${semi}`]);
    return { pro, epi, k: s + 2, hono: false };
  }
  pro.push([s, 'try {']);
  let k = s + 1; // level of the original body
  if (hono) {
    pro.push([k, `const telemetryResponse = ${isAsync ? 'await ' : ''}(${isAsync ? 'async ' : ''}() => {`]);
    k++;
    epi.push([k - 1, `})()${semi}`]);
    // TS goes through `unknown`: a handler that only throws (or returns nothing) types telemetryResponse as never /
    // void, which `instanceof` and `.status` reject (and that unreachable code is not narrowed either)
    const [r, rr] = ts
      ? ['(telemetryResponse as unknown)', '(telemetryResponse as unknown as Response)']
      : ['telemetryResponse', 'telemetryResponse'];
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
  if (h.span) epi.push([0, `})${semi}`]);
  return { pro, epi, k, hono };
}

/** Splices the wrapper around the body: the prologue before its first statement, the epilogue after its last, the body re-indented. */
function spliceBody(h: HandlerPlan, w: { pro: Lines; epi: Lines; k: number; hono: boolean }, edits: TextEdit[]): void {
  const { mod, fn, body, isAsync } = h;
  const { text, style } = mod;
  const { eol, unit, semi } = style;
  const { pro, epi, k, hono } = w;
  const starts = lineStarts(text);
  const skip = rowsInsideStrings(fn, ['template_string']);
  const render = (lines: [number, string][], B: string) => lines.map(([lv, l]) => B + unit.repeat(lv) + l).join(eol);
  const fnIndent = indentOfLineAt(text, fn.startIndex);

  // An async handler's `return promise` inside try/finally returns before the promise settles: the finally would
  // record the metrics and end the span at once, and a rejection would escape the catch. `return await` keeps
  // them around the whole work (Hono's body runs in an awaited inner function already, the settle variant's in `run`).
  const awaitReturns = isAsync && !hono && !h.settle;
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
      edits.push(
        ...reindentEdits(text, starts, body.startPosition.row + 1, closeRow - 1, unit.repeat(k), skip).filter(
          (e) => e.start > contentStart && e.start < contentEnd,
        ),
      );
      edits.push({ start: contentEnd, end: close, newText: `${eol}${render(epi, B)}${eol}${closeIndent}` });
    }
  }
}

export function planJsHandler(
  mod: JsModule,
  route: Route,
  aspects: Aspect[],
  opts: InstrumentOptions,
  names: JsNames,
  needs: JsNeeds,
): HandlerOutcome {
  const label = routeLabel(route);
  const refuse = (why: string, key?: number): HandlerOutcome => ({ route, edits: [], already: [], refused: `${label}: ${why}`, key });
  // the inline code reads a framework request/response, which a routing-controllers method does not receive
  if (routingControllersMethod(mod, route)) {
    return refuse('routing-controllers controller methods are observed by the wrapper style only (they receive no request/response)');
  }
  // the library answers with what the method returns, after it has returned: a status read in its body would be too early
  if (inversifyMethod(mod, route)) {
    return refuse(
      'inversify-express-utils controller methods are observed by the wrapper style only (the library answers with what the method returns, after it returns)',
    );
  }
  const checked = checkHandler(mod, route, aspects, refuse);
  if ('route' in checked) return checked;
  const { fn, body, missing } = checked;
  const ck = missing.includes('counter') ? labelKinds(names.counterLabels) : null;
  const hk = missing.includes('histogram') ? labelKinds(names.histogramLabels) : null;
  if (typeof ck === 'string') return refuse(ck);
  if (typeof hk === 'string') return refuse(hk);
  const needStatus = [...(ck ?? []), ...(hk ?? [])].some((k) => k.kind === 'status');
  const multi = route.methods.length !== 1 || route.methods[0] === 'ALL';
  if (route.framework === 'nestjs' && nestReturnsObservable(fn)) {
    return refuse(
      'it returns an Observable, which NestJS subscribes to after the method has returned: its time and status are not known when the method returns; return a Promise (`lastValueFrom(…)`) to have them observed',
    );
  }
  const edits: TextEdit[] = [];
  const isAsync = asyncEdits(fn, edits);
  const rules = frameworkRules(route.framework);
  const settle =
    (!isAsync && mayReturnThenable(body, (e) => !!rules.answers?.(e, jsParamNames(fn)))) ||
    (route.framework === 'nestjs' && needStatus && nestRedirect(fn) && !nestResponseParam(fn));
  const p = frameworkParams(fn, rules, { status: needStatus, method: multi && (!!ck || !!hk), ts: mod.style.ts }, edits);
  if (typeof p === 'string') {
    const wrapped = wrappingCall(mod.root, route, fn);
    // the framework calls what that call returns: `fn` gets the request and response only if the call passes them on
    if (wrapped)
      return refuse(
        `${p}, if \`${shortExpr(wrapped.text)}\` passes the request and response on; else the wrapper style observes it at its registration`,
      );
    return refuse(p);
  }
  const inflight = !!opts.inFlightGauge && (!!ck || !!hk);
  const h: HandlerPlan = {
    mod,
    route,
    fn,
    body,
    counter: ck,
    histogram: hk,
    inflight,
    span: missing.includes('span'),
    needStatus,
    isAsync,
    settle,
  };
  spliceBody(h, wrapperLines(h, opts, names, needs, p.req, p.res), edits);
  needs.counter ||= !!ck;
  needs.histogram ||= !!hk;
  needs.inflight ||= inflight;
  needs.span ||= h.span;
  return { route, edits, already: [], key: fn.startIndex };
}
