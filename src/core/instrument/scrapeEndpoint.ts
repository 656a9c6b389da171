/**
 * The Prometheus scrape endpoint among a file's routes: a handler that serves the registry's exposition, itself
 * (`generate_latest()`, `register.metrics()`, `make_asgi_app()`) or through a project helper one call away (a function
 * of this file or imported from a relative module, a method of its own class, a NestJS injected service's method).
 * Observing it would count every scrape as traffic: the planner leaves it alone. Text-level, with the helper's body read
 * from its syntax tree; other modules read through the planner's bounded cached `read`. Never throws.
 */
import type { Route } from '../routes/types';
import * as path from 'node:path';
import { routeTemplate } from '../routes/route';
import { withTree } from '../parsing/treeSitter';
import type { Node } from '../parsing/nodes';
import { jsImportedName, pyImportedName, type ReadModule, sameFile } from './moduleImports';

/** The registry's exposition, as `--setup metrics-endpoint` writes it or by hand: Python `generate_latest()` and the
 *  other prometheus_client.exposition helpers, prom-client `register.metrics()`. */
const SCRAPE_CALL =
  /\b(?:generate_latest|make_asgi_app|make_wsgi_app|choose_encoder)\s*\(|\b(?:register|[\w$]*[Rr]egistry)\.metrics\s*\(\s*\)/;

/** A route at `/metrics` whose handler returns any object's `metrics()` (a registry behind the service's own wrapper). */
const SCRAPE_PATH = /(?:^|\/)metrics\/?$/;
const ANY_METRICS_CALL = /\.metrics\s*\(\s*\)/;

/** How many of a handler's calls are followed (one level each). */
const MAX_CALLEES = 24;
const NOT_CALLEES = new Set(
  'if for while switch catch return function async await typeof new super def print isinstance len str int dict list'.split(' '),
);

/** Where a scrape handler reaches the exposition: the module and the body (the handler's or its helper's) calling it. */
export interface Exposition {
  file: string;
  text: string;
  body: string;
}

/** Whether a body serves the exposition (at `/metrics`, any object's `metrics()` does). */
function exposes(body: string, atMetricsPath: boolean): boolean {
  return SCRAPE_CALL.test(body) || (atMetricsPath && ANY_METRICS_CALL.test(body));
}

const FUNCTIONS = new Set(['function_declaration', 'generator_function_declaration', 'function_definition', 'method_definition']);
const CLASSES = new Set(['class_declaration', 'class', 'class_definition', 'abstract_class_declaration']);
const FUNCTION_VALUES = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);

/** A module's functions, methods and function-valued variables by name (the first of a name), and each class's. */
interface Definitions {
  any: Map<string, string>;
  classes: Map<string, Map<string, string>>;
}

/** The definitions under `root` (a class's own are also kept apart under its name). */
function definitions(root: Node, into: Definitions = { any: new Map(), classes: new Map() }, own?: Map<string, string>): Definitions {
  for (const n of root.namedChildren) {
    if (!n) continue;
    const name = n.childForFieldName('name')?.text;
    if (name && CLASSES.has(n.type)) {
      const methods = into.classes.get(name) ?? new Map<string, string>();
      into.classes.set(name, methods);
      definitions(n, into, methods);
      continue;
    }
    const value = n.type === 'variable_declarator' ? n.childForFieldName('value') : null;
    if (name && (FUNCTIONS.has(n.type) || (value && FUNCTION_VALUES.has(value.type)))) {
      if (!into.any.has(name)) into.any.set(name, n.text);
      if (own && !own.has(name)) own.set(name, n.text);
    }
    definitions(n, into, own);
  }
  return into;
}

/** NestJS: the class of an injected field (`constructor(private readonly metricsService: MetricsService)`). */
function fieldType(text: string, field: string): string | undefined {
  const m = new RegExp(`(?:^|[^\\w$.])${field.replace(/\$/g, '\\$')}\\s*\\??:\\s*([A-Za-z_$][\\w$]*)`, 'm').exec(text);
  return m?.[1];
}

/** Finds a scrape endpoint's exposition (see scrapeExposition), each module parsed once. */
class ScrapeReader {
  private readonly defs = new Map<string, Promise<Definitions>>();
  /** each call's helper, once per file and callee (the routes of a file call the same few) */
  private readonly callees = new Map<string, Promise<Exposition | undefined>>();
  constructor(private readonly read: ReadModule) {}

  /** The body of `name` (a method of class `inClass` when given) in a module, '' when it has none. */
  private async bodyIn(file: string, text: string, name: string, inClass?: string): Promise<string> {
    const key = path.resolve(file);
    if (!this.defs.has(key)) {
      const none: Definitions = { any: new Map(), classes: new Map() };
      this.defs.set(
        key,
        withTree(text, file, (root) => definitions(root)).then((d) => d ?? none),
      );
    }
    const d = await this.defs.get(key)!;
    return (inClass === undefined ? d.any.get(name) : d.classes.get(inClass)?.get(name)) ?? '';
  }

  /** The helper a call in a handler names, as a module and a body to read; undefined when it is none of the project's. */
  private async calleeBody(file: string, text: string, call: RegExpMatchArray, python: boolean): Promise<Exposition | undefined> {
    const [, receiver, field, fn] = call as unknown as [string, string | undefined, string | undefined, string];
    const imported = (name: string) => (python ? pyImportedName : jsImportedName)(file, text, name, this.read);
    if (receiver && field) {
      // `this.metricsService.getMetrics()`: the injected class's method, declared here or imported
      const type = fieldType(text, field);
      if (!type) return undefined;
      const at = (await imported(type)) ?? { file, text, name: type };
      return { file: at.file, text: at.text, body: await this.bodyIn(at.file, at.text, fn, at.name) };
    }
    const here = await this.bodyIn(file, text, fn);
    if (receiver || here) return { file, text, body: here };
    const at = await imported(fn);
    return at && { file: at.file, text: at.text, body: await this.bodyIn(at.file, at.text, at.name) };
  }

  /** See scrapeExposition. */
  async exposition(route: Route, text: string, file: string): Promise<Exposition | undefined> {
    // a handler that is an expression of the registration (`add_api_route("/m", make_asgi_app())`): its text
    const r = route.handlerRange ?? (sameFile(route.file, file) ? route.range : undefined);
    if (!r || !sameFile(route.handlerFile, file)) return undefined;
    const body = text
      .split('\n', r.end.line)
      .slice(r.start.line - 1)
      .join('\n');
    const atMetricsPath = SCRAPE_PATH.test(routeTemplate(route));
    if (exposes(body, atMetricsPath)) return { file, text, body };
    const python = /\.pyi?$/i.test(file);
    const seen = new Set<string>();
    for (const call of body.matchAll(CALL)) {
      const key = call.slice(1).join('.');
      if (NOT_CALLEES.has(call[3]!) || seen.has(key) || seen.size >= MAX_CALLEES) continue;
      seen.add(key);
      const at = `${path.resolve(file)}\0${key}`;
      if (!this.callees.has(at)) this.callees.set(at, this.calleeBody(file, text, call, python));
      const callee = await this.callees.get(at)!;
      if (callee?.body && callee.body !== body && exposes(callee.body, atMetricsPath)) return callee;
    }
    return undefined;
  }
}

/** A call in a handler's body: `this.field.fn(`, `self.fn(`, `fn(` (group 1 the receiver, 2 the field, 3 the name). */
const CALL = /(?<![\w$.])(?:(this|self)\s*\.\s*(?:([A-Za-z_$][\w$]*)\s*\.\s*)?)?([A-Za-z_$][\w$]*)\s*\(/g;

/**
 * A reader of where a route's handler, written in `file`, serves the Prometheus exposition: its own body, or the body of
 * the project helper one call away; undefined when it does not serve it (or its handler is in another file). Each module
 * is parsed once per reader (one reader per plan).
 */
export function scrapeExposition(read: ReadModule): (route: Route, text: string, file: string) => Promise<Exposition | undefined> {
  const reader = new ScrapeReader(read);
  return (route, text, file) => reader.exposition(route, text, file);
}
