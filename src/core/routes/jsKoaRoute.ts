/**
 * koa-route (koajs/route, not koa-router), as it works (index.js, 3.x): `get(path, fn, opts)` (also `route.get`, `del`,
 * `all`, any method of the `methods` list) builds one middleware that answers that method at `path`, matched against
 * `ctx.path`; `opts.end: false` matches `path` as a prefix, a guard in front of other middleware, not a route. Each call
 * is a tiny Koa router holding its one route: `app.use(get('/', h))` serves it at the path written, `mount('/api', …)`
 * (koa-mount) under a prefix. Route modules export arrays of them, merged with `concat` (`module.exports = [get(…),
 * post(…)].concat(require('./users'))`) and used in a loop (`for (const route of [].concat(require('./a'), …))
 * app.use(route)`): such a concatenation is an array whose arguments are its elements or, when they are arrays of
 * another module, spread into it (CallGraph.arrayOf). Pure.
 */
import { lineOf, named, rangeOf, rootOf, type SyntaxNode as Node } from '../parsing/nodes';
import { unwrapExpr } from '../parsing/javascript';
import { toMethod } from './common';
import type { JsAnalyzer } from './javascript';
import { arrayRef } from './jsCalls';
import { handler } from './jsRegistrations';
import { MAX_ELEMENTS } from './loops';
import type { Ref } from './model';

/** The value of a call: a koa-route middleware or an array concatenation; null for any other call. */
export function koaRouteValue(A: JsAnalyzer, n: Node): Ref | null {
  const fn = n.childForFieldName('function');
  const args = n.childForFieldName('arguments');
  if (!fn || !args) return null;
  const argv = named(args).filter((a) => a.type !== 'comment');
  if (fn.type === 'member_expression' && fn.childForFieldName('property')?.text === 'concat') return concat(A, fn, argv);
  if (!/^(?:identifier|member_expression|call_expression)$/.test(fn.type)) return null;
  const pkg = A.pkgOf(A.refOf(fn));
  if (pkg && /^(?:default|cjs|\*)$/.test(pkg.name) && !FRAMEWORK_PKG.test(pkg.pkg) && wrapperApp(A, n))
    return A.newObj(n, 'koa', 'app', null);
  if (pkg?.pkg !== 'koa-route' || argv.length < 2) return null;
  const method = pkg.name === 'all' ? 'ALL' : toMethod(pkg.name);
  if (!method) return null;
  const obj = A.newObj(n, 'koa', 'router', null);
  const opts = unwrapExpr(argv[2] ?? null);
  const end = opts?.type === 'object' ? A.prop(opts, 'end') : null;
  if (end?.text === 'false') return obj; // a prefix guard: `all('/admin', mustBeAdmin, { end: false })`
  const at = fn.type === 'member_expression' ? fn.childForFieldName('property')! : fn;
  for (const path of A.paths(argv[0]!))
    A.fa.routes.push({
      owner: obj,
      framework: null,
      flavour: 'js-method',
      methods: [method],
      path,
      line: lineOf(at),
      range: { start: rangeOf(at).start, end: rangeOf(n).end },
      handler: handler(A, argv[1]!),
    });
  return obj;
}

/** Packages whose objects the analyzer knows (javascript.ts callRef): never a wrapper of Koa. */
const FRAMEWORK_PKG =
  /^(?:koa|koa-(?:route|mount|router|joi-router|combine-routers)|@koa\/.*|express|fastify.*|@fastify\/.*|hono(?:\/.*)?|honox\/.*|@hono\/.*|@nestjs\/.*|routing-controllers)$/;

/** Whether each analysed file loads koa-route, read once from its text. */
const koaRouteFiles = new WeakMap<JsAnalyzer, boolean>();

/**
 * A Koa application from a package that wraps Koa (`const app = require('ozymandias')()`, the author's Koa subclass): in
 * a file that loads koa-route, the object a package's export makes and that the file `use`s (`app.use(…)`) takes Koa
 * middleware, so it is a Koa app.
 */
function wrapperApp(A: JsAnalyzer, n: Node): boolean {
  const root = rootOf(n);
  let loads = koaRouteFiles.get(A);
  if (loads === undefined) koaRouteFiles.set(A, (loads = /\brequire\(\s*['"]koa-route['"]|\bfrom\s*['"]koa-route['"]/.test(root.text)));
  let d: Node | null = n.parent;
  while (d && (d.type === 'assignment_expression' || d.type === 'parenthesized_expression')) d = d.parent;
  const name = d?.type === 'variable_declarator' ? d.childForFieldName('name') : null;
  return loads && name?.type === 'identifier' && root.text.includes(`${name.text}.use(`);
}

/**
 * `xs.concat(a, b)` of an array: its elements, then each argument's (an array's spread, anything else one element).
 * Repository input: past MAX_ELEMENTS elements and spreads the rest is left out, as a longer literal table is.
 */
function concat(A: JsAnalyzer, fn: Node, argv: readonly Node[]): Ref | null {
  const obj = unwrapExpr(fn.childForFieldName('object'));
  const base = obj?.type === 'array' ? (arrayRef(A, obj) ?? { k: 'arr' as const, els: [] }) : A.refOf(obj);
  if (base.k !== 'arr') return null;
  const els: Ref[] = [];
  const spreads: Ref[] = [];
  const add = (to: Ref[], rs: readonly Ref[]): void => {
    to.push(...rs.slice(0, MAX_ELEMENTS - els.length - spreads.length));
  };
  add(els, base.els);
  add(spreads, base.spreads ?? []);
  for (const a of argv.slice(0, MAX_ELEMENTS)) {
    const r = A.refOf(a);
    if (r.k === 'arr') {
      add(els, r.els);
      add(spreads, r.spreads ?? []);
    } else if (r.k === 'obj' || r.k === 'fn' || r.k === 'inst') add(els, [r]);
    else if (r.k !== 'none') add(spreads, [r]);
  }
  return { k: 'arr', els, spreads };
}
