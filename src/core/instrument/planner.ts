/**
 * Instrumentation edit planner: the public API the extension and the CLI call. Pure (no `vscode` import).
 * Every plan is a list of non-overlapping insert/replace edits on the original text (one WorkspaceEdit = one undo),
 * validated by re-parsing the result: a plan that would introduce syntax errors is refused.
 */
import * as path from 'node:path';
import { grammarForFile } from '../parsing/treeSitter';
import type { Route } from '../routes/types';
import { applyEdits, besideBom, firstUseAt, labelKinds, metricNames, normalizeEdits, orderedAspects } from './common';
import { isStaticRoute, routeId, routeLabel, routeTemplate } from '../routes/route';
import type { Node } from '../parsing/nodes';
import { planJsHandler } from './js';
import { readSmallFile } from '../smallFile';
import { missingDependencies } from './dependencies';
import { serverlessNote } from './serverless';
import { isMiddlewareArray } from './jsArrayHandlers';
import { optionsFactory, type OptionsFactory } from './jsOptionsFactories';
import { sameFile } from './moduleImports';
import { type Exposition, scrapeExposition } from './scrapeEndpoint';
import { type PrivateRegistry, privateRegistry, servicePrivateRegistry } from './servedRegistry';
import { webSocketRefusal } from './jsWebSocket';
import { analyseJsModule, emptyJsNeeds, jsModuleEdits, jsNames } from './jsModule';
import { planPythonHandler } from './python';
import { analysePythonModule, emptyNeeds, pythonModuleEdits, pythonNames } from './pyModule';
import { type Aspect, DEFAULT_OPTIONS, type EditPlan, type HandlerOutcome, type InstrumentOptions, type TextEdit } from './types';
import { jsHandlerCallee, jsWrapperModuleEdits, planJsWrapper, planPythonWrapper, pythonWrapperModuleEdits } from './wrapper';
import { foreignMetricsRefusal } from './foreignMetrics';
import { workersRefusal } from './workers';
import { planJsHelperCall, planPythonHelperCall } from './helperCalls';
import { type HelperLocation, jsHelperLocation, pythonHelperLocation } from './helperLocation';
import { PY_HELPER_FN, PY_HELPER_PER_REGISTRATION, PY_HELPER_STACKED, PY_RESOURCE_FN, pythonHelper } from './helperPy';
import { JS_HELPER_FN, JS_HELPER_RC, NEST_HELPER_DECORATOR, jsHelper } from './helperJs';

export { applyEdits } from './common';
export { validateResult } from './validate';
import { validateResult } from './validate';
import { withTree } from '../parsing/treeSitter';
export { planAppSetup, findApps, findApps as findAppObjects } from './appSetup';
export type { Aspect, AppObject, AppSetupOptions, EditPlan, InstrumentOptions, TextEdit } from './types';
export { DEFAULT_OPTIONS } from './types';

/** One language's instrumentation of a file: each handler planned in turn, then the module-level edits they need. */
interface Instrumenter {
  /** Plans one handler, noting what the module must provide for it. */
  handler(route: Route): HandlerOutcome;
  /** Imports and declarations for every handler planned so far, in place before the first of their `edits` runs. */
  moduleEdits(edits: TextEdit[]): TextEdit[];
}

interface FilePlan {
  root: Node;
  text: string;
  file: string;
  routes: Route[];
  /** the file's other routes (a Flask view under stacked route decorators is labelled with every one of them) */
  fileRoutes: Route[];
  aspects: Aspect[];
  opts: InstrumentOptions;
  /** wrapper style: where the helper module is and how this file imports it */
  helper?: HelperLocation;
  /** wrapper style: the helper has (or will have) its latest parts: Python `observe_resource`, JS routing-controllers support */
  helperResources?: boolean;
  /** wrapper style: the Python helper labels the stacked route decorators of one view apart */
  helperStacked?: boolean;
  /** wrapper style: the Python helper wraps the handler itself under each stacked FastAPI route decorator */
  helperPerRegistration?: boolean;
  /** wrapper style, JS: the project functions called as handler expressions that make Fastify route options */
  optionsFactories?: ReadonlyMap<string, OptionsFactory>;
}

const INSTRUMENTERS: Record<'python' | 'javascript', (p: FilePlan) => Instrumenter> = {
  python: ({ root, text, routes, aspects, opts }) => {
    const mod = analysePythonModule(root, text, opts);
    const names = pythonNames(mod, opts);
    const needs = emptyNeeds();
    return {
      handler: (r) => planPythonHandler(mod, r, aspects, opts, names, needs),
      moduleEdits: (edits) => pythonModuleEdits(mod, routes[0]!.framework, opts, names, needs, firstUseAt(root, text, edits)),
    };
  },
  javascript: ({ root, text, file, aspects, opts }) => {
    const mod = analyseJsModule(root, text, file, opts);
    const names = jsNames(mod, opts);
    const needs = emptyJsNeeds();
    return {
      handler: (r) => planJsHandler(mod, r, aspects, opts, names, needs),
      moduleEdits: () => jsModuleEdits(mod, opts, names, needs),
    };
  },
};

/** The wrapper style: one line per handler, the helper module imported. */
const WRAPPERS: Record<'python' | 'javascript', (p: FilePlan) => Instrumenter> = {
  python: ({ root, text, routes, fileRoutes, opts, helper, helperResources, helperStacked, helperPerRegistration }) => {
    const mod = analysePythonModule(root, text, opts);
    const needs = {
      module: helper!.module,
      names: new Set<string>(),
      routes,
      resources: helperResources !== false,
      stacked: helperStacked !== false,
      perRegistration: helperPerRegistration !== false,
      known: [...routes, ...fileRoutes],
      wrapped: new Set<number>(),
    };
    return {
      handler: (r) => (r.helperCall ? planPythonHelperCall(mod, r, needs) : planPythonWrapper(mod, r, needs)),
      moduleEdits: (edits) => pythonWrapperModuleEdits(mod, needs, firstUseAt(root, text, edits)),
    };
  },
  javascript: ({ root, text, file, routes, fileRoutes, opts, helper, helperResources, optionsFactories }) => {
    const mod = analyseJsModule(root, text, file, opts);
    const needs = {
      spec: helper!.module,
      names: new Set<string>(),
      routingControllers: helperResources !== false,
      wrapped: new Set<number>(),
      optionsFactories: optionsFactories ?? new Map(),
    };
    const known = [...routes, ...fileRoutes];
    return {
      handler: (r) => (r.helperCall ? planJsHelperCall(mod, r, needs, known) : planJsWrapper(mod, r, needs)),
      moduleEdits: () => jsWrapperModuleEdits(mod, needs),
    };
  },
};

/** Where the helper module is, and its content when it must be written (wrapper style). */
async function helperFor(
  text: string,
  file: string,
  python: boolean,
  opts: InstrumentOptions,
  served?: PrivateRegistry,
): Promise<{
  helper: HelperLocation;
  newFiles: EditPlan['newFiles'];
  note?: string;
  resources?: boolean;
  stacked?: boolean;
  perRegistration?: boolean;
  /** its metrics are registered in the private registry the scrape endpoint serves */
  inServedRegistry?: boolean;
}> {
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const ts = /\.(c|m)?tsx?$/i.test(file);
  const helper = python ? await pythonHelperLocation(file, text) : await jsHelperLocation(file, text, ts);
  if (helper.exists) {
    // A helper is never overwritten (it may be edited, and other handlers use it): one written before the gauge
    // was switched on keeps working without it, and the plan says so.
    const gauge = metricNames(opts).inflight;
    const existing = await smallText(helper.path);
    // one written before observe_resource (Python) / routing-controllers support (JS) existed: the resources or
    // routing-controllers methods of a file are refused with the reason
    const resources = existing.includes(python ? `def ${PY_RESOURCE_FN}(` : JS_HELPER_RC);
    // one written before a Flask view's stacked route decorators were labelled apart: such views are refused
    const stacked = !python || existing.includes(PY_HELPER_STACKED);
    const perRegistration = !python || existing.includes(PY_HELPER_PER_REGISTRATION);
    const inServedRegistry = !!served && !python && /\bregisters:\s*\[/.test(existing);
    if (opts.inFlightGauge && !existing.includes(gauge)) {
      return {
        helper,
        newFiles: [],
        resources,
        stacked,
        perRegistration,
        inServedRegistry,
        note: `${path.basename(helper.path)} exists without the in-flight gauge ${gauge}: it is not overwritten; delete it and instrument again to have it written with the gauge`,
      };
    }
    return { helper, newFiles: [], resources, stacked, perRegistration, inServedRegistry };
  }
  const ext = path.extname(helper.path);
  const esm =
    ext === '.mjs' ||
    ext === '.mts' ||
    (ext !== '.cjs' && ext !== '.cts' && (/^\s*(import|export)\s/m.test(text) || (ts && !/\brequire\(/.test(text))));
  // a private registry served and importable from a module of its own (not the route file: a circular import)
  const registry = !python && served?.exported && !sameFile(served.file, file) ? registryImport(helper, served) : undefined;
  const content = python ? pythonHelper(opts, eol) : jsHelper(opts, { esm, ts: /\.(c|m)?ts$/.test(ext), eol, registry });
  return { helper, newFiles: [{ path: helper.path, content }], inServedRegistry: !!registry };
}

/** How the JS helper module imports the served registry: relative to it, with an extension as it imports others. */
function registryImport(helper: HelperLocation, served: PrivateRegistry): { spec: string; name: string } {
  const ext = path.extname(served.file);
  const helperExt = path.extname(helper.path);
  const runtime = (e: string) => ({ '.ts': '.js', '.tsx': '.js', '.mts': '.mjs', '.cts': '.cjs', '.jsx': '.js' })[e] ?? e;
  const written = /\.[cm]?[jt]sx?$/.exec(helper.module)?.[0];
  const suffix = written === undefined ? '' : written === helperExt && written !== runtime(helperExt) ? ext : runtime(ext);
  let spec = path
    .relative(path.dirname(helper.path), served.file.slice(0, served.file.length - ext.length))
    .split(path.sep)
    .join('/');
  if (!spec.startsWith('.')) spec = `./${spec}`;
  return { spec: spec + suffix, name: served.name };
}

/** The private registry a scrape endpoint among the file's routes serves, and that endpoint. */
async function servedPrivately(
  expositions: Map<Route, Exposition>,
  read: (f: string) => Promise<string | undefined>,
): Promise<{ route: Route; registry: PrivateRegistry } | undefined> {
  for (const [route, e] of expositions) {
    const registry = await privateRegistry(e, read);
    if (registry) return { route, registry };
  }
  return undefined;
}

/** The one sentence saying the scrape endpoint serves a private registry the new metrics are not in, and the fix. */
function notInServedRegistry(
  served: { route?: Route; registry: PrivateRegistry },
  file: string,
  wrapper: boolean,
  shown: (p: string) => string,
  helper: HelperLocation | undefined,
): string {
  const { registry: r, route } = served;
  const python = /\.pyi?$/i.test(file);
  const helperName = helper && path.basename(helper.path);
  const fix = python
    ? 'serve the default REGISTRY (generate_latest()), or register the route metrics in it'
    : !wrapper
      ? 'add it to their `registers`'
      : helper?.exists
        ? `${helperName} exists and is not overwritten: add it to its metrics' \`registers\``
        : sameFile(r.file, file)
          ? `declare it in a module of its own, exported, and add it to the \`registers\` of ${helperName}'s metrics (this file imports ${helperName})`
          : route || !r.exported
            ? `${r.member ? 'declare it at module level, exported (it is a class field)' : 'export it'}, or add it to the \`registers\` of ${helperName}'s metrics`
            : `import it in ${helperName} and add it to its metrics' \`registers\``;
  const whose = wrapper ? "the helper's" : 'the route';
  // found in another module of the service than this file's routes: what it serves is likely the /metrics Prometheus scrapes
  const who = route ? routeLabel(route) : `the service's scrape endpoint (through \`${r.name}.metrics()\`)`;
  return `${who} serves a private registry (${shown(r.file)}:${r.line}) that ${whose} metrics are not in: ${fix}`;
}

/** The largest module the planner reads for one fact (an existing helper, a handler's declaration). */
const MAX_MODULE = 1024 * 1024;

/** The text of a module: an existing helper, a handler's ('' when unreadable or larger than MAX_MODULE). */
async function smallText(file: string): Promise<string> {
  return (await readSmallFile(file, MAX_MODULE)) ?? '';
}

/** A call of the wrapper style's helper (observe_route, observe_resource, observeRoute, @ObserveRoute). */
const WRAPPED = new RegExp(`\\b(?:${[PY_HELPER_FN, PY_RESOURCE_FN, JS_HELPER_FN, NEST_HELPER_DECORATOR].join('|')})\\s*\\(`);

async function plan(
  text: string,
  file: string,
  routesIn: Route[],
  aspectsIn: Aspect[],
  optsIn: InstrumentOptions,
  fileRoutes: Route[],
): Promise<EditPlan> {
  const aspects = orderedAspects(aspectsIn);
  // settings may be partial or empty (unset VS Code settings): fall back to the defaults field by field
  const opts: InstrumentOptions = {
    metricPrefix: optsIn?.metricPrefix ?? DEFAULT_OPTIONS.metricPrefix,
    labels: optsIn?.labels ?? DEFAULT_OPTIONS.labels,
    buckets: optsIn?.buckets?.length ? [...optsIn.buckets].sort((a, b) => a - b) : DEFAULT_OPTIONS.buckets,
    tracerName: optsIn?.tracerName || DEFAULT_OPTIONS.tracerName,
    spanNameTemplate: optsIn?.spanNameTemplate || DEFAULT_OPTIONS.spanNameTemplate,
    style: optsIn?.style === 'inline' ? 'inline' : 'wrapper',
    inFlightGauge: optsIn?.inFlightGauge === true,
    workspaceRoot: optsIn?.workspaceRoot,
  };
  const wrapper = opts.style === 'wrapper';
  // another file named in a message: relative to the workspace when it is inside, else to this file's folder
  const shown = (p: string): string => {
    const inRoot = opts.workspaceRoot && !path.relative(opts.workspaceRoot, p).startsWith('..');
    return path
      .relative(inRoot ? opts.workspaceRoot! : path.dirname(file), p)
      .split(path.sep)
      .join('/');
  };
  if (!/^[a-zA-Z_:]?[a-zA-Z0-9_:]*$/.test(opts.metricPrefix)) {
    const why = `invalid metric prefix "${opts.metricPrefix}" (letters, digits, _ and : only, not starting with a digit)`;
    return { edits: [], summary: why, alreadyInstrumented: [], refused: why };
  }
  const refused = (why: string): EditPlan => ({ edits: [], summary: why, alreadyInstrumented: [], refused: why });
  if (!aspects.length) return refused('nothing to do: no aspect (counter, histogram, span) selected');
  if (!routesIn.length) return refused('no HTTP route handlers found in this file');
  const grammar = grammarForFile(file);
  if (!grammar) return refused(`unsupported file type: ${path.basename(file)}`);
  // a Cloudflare Worker's file: prom-client does not bundle there, and no registry would hold what Prometheus scrapes
  const worker = await workersRefusal(file, { python: grammar === 'python', action: 'metrics', root: opts.workspaceRoot });
  if (worker) return refused(worker);
  // other modules read for one fact about a handler, each once per plan (a controller many routes import, a scrape
  // endpoint's helper)
  const texts = new Map<string, Promise<string | undefined>>([[path.resolve(file), Promise.resolve(text)]]);
  const read = (f: string): Promise<string | undefined> => {
    const at = path.resolve(f);
    if (!texts.has(at)) texts.set(at, readSmallFile(at, MAX_MODULE));
    return texts.get(at)!;
  };
  // the scrape endpoint is left alone: observing it would count every scrape as traffic
  const expositions = new Map<Route, Exposition>();
  const exposition = scrapeExposition(read);
  for (const r of new Set([...routesIn, ...fileRoutes])) {
    const e = await exposition(r, text, file);
    if (e) expositions.set(r, e);
  }
  const routes = routesIn.filter((r) => !expositions.has(r));
  const servedHere = await servedPrivately(expositions, read);
  const elsewhere =
    servedHere || grammar === null ? undefined : await servicePrivateRegistry(file, grammar === 'python', opts.workspaceRoot);
  const served = servedHere ?? (elsewhere ? { registry: elsewhere } : undefined);
  const scrapeNote = (rs: Route[]) =>
    `${rs.map(routeLabel).join(', ')}: serves the Prometheus metrics; observing it would count every scrape as traffic`;
  if (!routes.length) return refused(scrapeNote(routesIn));
  const scrapes = routesIn.filter((r) => !routes.includes(r));
  const lk = labelKinds(opts.labels);
  if (typeof lk === 'string') return refused(lk);
  // a library of the service registering our metric names with other labels: every request would throw
  const mn = metricNames(opts);
  const ourNames = [
    ...(wrapper || aspects.includes('counter') ? [mn.counter] : []),
    ...(wrapper || aspects.includes('histogram') ? [mn.histogram] : []),
  ];
  const foreign = await foreignMetricsRefusal(file, grammar === 'python', opts.metricPrefix, { names: ourNames, labels: opts.labels });
  if (foreign) return refused(foreign);
  const helper = wrapper ? await helperFor(text, file, grammar === 'python', opts, servedHere?.registry) : undefined;
  // the inline style leaves a handler the wrapper style already observes as it is (never both)
  const observed = !wrapper && WRAPPED.test(text) ? await helperFor(text, file, grammar === 'python', opts) : undefined;
  // wrapper style: a handler that is an array of middleware cannot be wrapped as a function
  const arrays = new Set<Route>();
  for (const r of wrapper && grammar !== 'python' ? routes : [])
    if (r.handlerName && sameFile(r.file, file) && (await isMiddlewareArray(file, text, r.handlerName, read))) arrays.add(r);
  // wrapper style: a handler expression calling a project function that makes Fastify route options
  const optionsFactories = new Map<string, OptionsFactory>();
  if (wrapper && grammar !== 'python') {
    const callees = (await withTree(text, file, (root) => new Set(routes.map((r) => jsHandlerCallee(root, text, r))))) ?? new Set();
    for (const name of callees) {
      const made = name && (await optionsFactory(file, text, name, read));
      if (made) optionsFactories.set(name!, made);
    }
  }
  // each handler's declaration line: a named `upgradeWebSocket(…)` result, here or in another module, is a WebSocket's
  const declarations = new Map<Route, string>();
  for (const r of routes.filter((x) => x.framework === 'hono'))
    declarations.set(r, ((await read(r.handlerFile)) ?? '').split('\n')[r.handlerLine - 1] ?? '');
  const result = await withTree(text, file, (root, g) => {
    const outcomes: HandlerOutcome[] = [];
    const seen = new Map<number, Route>();
    let moduleEdits: TextEdit[] = [];
    const refuse = (route: Route, why: string, already: Aspect[] = []) =>
      outcomes.push({ route, edits: [], already, refused: `${routeLabel(route)}: ${why}` });
    const runOne = (route: Route, planOne: () => HandlerOutcome) => {
      if (!isStaticRoute(route)) {
        // the label, span name and http.route would carry source text (`AUTH.SIGNIN`, `prefix + 'tags'`)
        refuse(
          route,
          `its path is not known statically (${route.fullPathReason ?? 'an expression'}); a route label made of source text would be wrong`,
        );
        return;
      }
      if (route.fullPath === null && (route.unmounted || route.knownSuffix === undefined)) {
        // a prefix unknown at a level the path as written does not show (a router mounted nowhere the analysis sees,
        // a controller path that is an expression): labelled with the path as written, its requests would share the
        // label of another router's route (`/register` under `/user` and under `/account`, '' of every controller)
        refuse(route, `its prefix is not known (${route.fullPathReason ?? 'computed at run time'}); a label without it would be wrong`);
        return;
      }
      if (!wrapper && !sameFile(route.handlerFile, file)) {
        refuse(route, `its handler is in ${shown(route.handlerFile)}; instrument that file`);
        return;
      }
      const servedAt = served.get(`${routeId(route)} ${route.path}`);
      // the Flask helper counts each request under the URL rule it matched: one wrapper carries every prefix's label
      const labelledApart = wrapper && route.framework === 'flask' && [...(servedAt ?? [])].every((p) => !p.startsWith('…'));
      if (servedAt && servedAt.size > 1 && !labelledApart) {
        // one registration, one wrapper: the requests under every other prefix would be counted under its label
        refuse(
          route,
          `its registration is served under ${servedAt.size} paths (${[...servedAt].join(', ')}: a router mounted under several prefixes, or several API versions); one static label would miscount`,
        );
        return;
      }
      const o = planOne();
      const sharedBy = o.key === undefined || o.refused ? 0 : (shares.get(o.key) ?? 0);
      if (!wrapper && sharedBy > 1) {
        // one function body can hold one static label: the requests of every other route would be counted under it
        refuse(
          route,
          `its handler is shared by ${sharedBy} routes: one static label would miscount; the wrapper style labels each registration`,
          o.already,
        );
        return;
      }
      if (o.key !== undefined && seen.has(o.key) && !o.refused) {
        const first = seen.get(o.key)!;
        refuse(
          route,
          `handler shared with ${routeLabel(first)}, one handler serving several routes (route decorators, or a router mounted under several prefixes): observed under the first`,
          o.already,
        );
        return;
      }
      if (o.key !== undefined) seen.set(o.key, route);
      outcomes.push(o);
    };
    const lang = g === 'python' ? 'python' : 'javascript';
    const filePlan = { root, text, file, routes, fileRoutes, aspects, opts };
    const instrumenter = (wrapper ? WRAPPERS : INSTRUMENTERS)[lang]({
      ...filePlan,
      helper: helper?.helper,
      helperResources: helper?.resources,
      helperStacked: helper?.stacked,
      helperPerRegistration: helper?.perRegistration,
      optionsFactories,
    });
    const observer =
      observed &&
      WRAPPERS[lang]({
        ...filePlan,
        helper: observed.helper,
        helperResources: observed.resources,
        helperStacked: observed.stacked,
        helperPerRegistration: observed.perRegistration,
      });
    // the full paths each path of a registration serves (a router mounted under two prefixes, two; the several URLs
    // of a Flask-RESTful resource are labelled apart by its wrapper): one static label can't tell them apart, in either style
    const served = new Map<string, Set<string>>();
    for (const r of [...routes, ...fileRoutes]) {
      const k = `${routeId(r)} ${r.path}`;
      // a mount whose prefix is unknown serves its own paths too: `…/google` beside `/api/v1/google`
      served.set(k, (served.get(k) ?? new Set()).add(r.fullPath ?? `…${routeTemplate(r)}`));
    }
    // inline style: how many of the file's registrations each handler body serves (planned on a throwaway instrumenter)
    const shares = new Map<number, number>();
    if (!wrapper) {
      const probe = INSTRUMENTERS[lang](filePlan);
      // one entry per registration (a router mounted under two prefixes registers its routes twice)
      for (const r of new Map([...routes, ...fileRoutes].map((x) => [`${routeId(x)} ${routeLabel(x)}`, x])).values()) {
        const key = sameFile(r.handlerFile, file) ? probe.handler(r).key : undefined;
        if (key !== undefined) shares.set(key, (shares.get(key) ?? 0) + 1);
      }
    }
    for (const r of routes) {
      // a WebSocket registration: its handler gets a socket, there is no request/response to observe (both styles)
      const here = sameFile(r.file, file) || sameFile(r.handlerFile, file);
      const ws = lang === 'javascript' && here ? webSocketRefusal(root, r, declarations.get(r)) : undefined;
      if (ws) {
        refuse(r, ws);
        continue;
      }
      if (arrays.has(r)) {
        refuse(
          r,
          `its handler \`${r.handlerName}\` is an array of middleware (Express runs each element in turn): wrapping it as one function would break the route; observe its last function where the array is declared`,
        );
        continue;
      }
      const w = observer?.handler(r);
      if (w && !w.refused && !w.edits.length && w.already.length) outcomes.push(w);
      else if (wrapper && !sameFile(r.file, file)) refuse(r, `it is registered in ${shown(r.file)}; instrument that file`);
      else runOne(r, () => instrumenter.handler(r));
    }
    if (outcomes.some((o) => o.edits.length)) moduleEdits = instrumenter.moduleEdits(outcomes.flatMap((o) => o.edits));
    return { outcomes, moduleEdits };
  });
  if (!result) return refused(`could not parse ${path.basename(file)}`);
  const { outcomes, moduleEdits } = result;
  const done = outcomes.filter((o) => o.edits.length || o.alongside);
  const skipped = outcomes.filter((o) => o.refused);
  const already = outcomes.filter((o) => !o.refused && !o.edits.length && !o.alongside);
  const alreadyAspects = outcomes.length ? aspects.filter((a) => outcomes.every((o) => o.already.includes(a))) : [];
  if (!done.length) {
    if (skipped.length && !already.length) {
      return {
        edits: [],
        summary: skipped.map((o) => o.refused).join('; '),
        alreadyInstrumented: alreadyAspects,
        refused: skipped.map((o) => o.refused).join('; '),
      };
    }
    // nothing left to do here: what is done stays done, and what is not is said (a run again changes nothing)
    const alreadyDone = `already instrumented (${aspects.join(', ')}): ${already.map((o) => routeLabel(o.route)).join(', ')}`;
    return {
      edits: [],
      summary: [alreadyDone, ...(skipped.length ? [`skipped: ${skipped.map((o) => o.refused).join('; ')}`] : [])].join('; '),
      alreadyInstrumented: alreadyAspects,
    };
  }
  let edits: TextEdit[];
  try {
    edits = normalizeEdits([...moduleEdits, ...done.flatMap((o) => o.edits)]);
  } catch (e) {
    return refused(`internal planning error: ${(e as Error).message}`);
  }
  const after = applyEdits(text, edits);
  const invalid = await validateResult(text, after, file);
  if (invalid) return { ...refused(invalid), alreadyInstrumented: alreadyAspects };
  const how = wrapper
    ? `one line each${helper?.newFiles?.length ? `, new ${path.basename(helper.helper.path)}` : ''}`
    : `with ${aspects.join(', ')}`;
  const parts = [
    `instrument ${done.length} handler${done.length === 1 ? '' : 's'} ${how}: ${done.map((o) => routeLabel(o.route)).join(', ')}`,
  ];
  if (already.length) parts.push(`already instrumented: ${already.map((o) => routeLabel(o.route)).join(', ')}`);
  if (skipped.length) parts.push(`skipped: ${skipped.map((o) => o.refused).join('; ')}`);
  if (scrapes.length) parts.push(`left alone: ${scrapeNote(scrapes)}`);
  // a prefix known only at run time above the whole mount: the label is the path below it, said, never silently
  const below = done.filter((o) => o.route.fullPath === null).map((o) => o.route);
  const notes = [
    ...(below.length
      ? [
          `${below.map(routeLabel).join(', ')}: labelled with the path below a prefix known only at run time (${below[0]!.fullPathReason ?? 'computed at run time'}); the lens matches these labels, and they lack that prefix`,
        ]
      : []),
    ...(helper?.note ? [helper.note] : []),
    // the new metrics are not in the registry the scrape endpoint serves (spans alone add none)
    ...(served && !helper?.inServedRegistry && (wrapper || aspects.some((a) => a !== 'span'))
      ? [notInServedRegistry(served, file, wrapper, shown, helper?.helper)]
      : []),
  ];
  const python = grammar === 'python';
  const metrics = wrapper || aspects.some((a) => a !== 'span');
  const undeclared = await missingDependencies(file, {
    python,
    metrics,
    tracing: wrapper || aspects.includes('span'),
    root: opts.workspaceRoot,
  });
  if (undeclared) notes.push(undeclared);
  const serverless = metrics ? await serverlessNote(file, { python, root: opts.workspaceRoot }) : undefined;
  if (serverless) notes.push(serverless);
  parts.push(...notes);
  return {
    edits,
    summary: parts.join('; '),
    alreadyInstrumented: alreadyAspects,
    ...(helper?.newFiles?.length ? { newFiles: helper.newFiles } : {}),
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}

/**
 * Plans the instrumentation of one route handler (module-level metrics/tracer/imports included when missing).
 * `fileRoutes`: the other routes of the file, so that the inline style recognises a handler serving several of them.
 */
export async function planInstrumentRoute(
  text: string,
  file: string,
  route: Route,
  aspects: Aspect[],
  opts: InstrumentOptions,
  fileRoutes: Route[] = [],
): Promise<EditPlan> {
  return besideBom(text, (t) => plan(t, file, [route], aspects, opts, fileRoutes));
}

/** Plans the given routes of a file in one plan (metrics defined once, shared); `fileRoutes` as for planInstrumentRoute. */
export async function planInstrumentFile(
  text: string,
  file: string,
  routes: Route[],
  aspects: Aspect[],
  opts: InstrumentOptions,
  fileRoutes: Route[] = [],
): Promise<EditPlan> {
  return besideBom(text, (t) => plan(t, file, routes, aspects, opts, fileRoutes));
}
