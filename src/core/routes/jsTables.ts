/**
 * JS/TS mounts in a loop over a table another module exports (see ./jsLoops for a table of this file):
 * `Object.keys(routes).forEach((r) => app.use(r, routes[r]))`, `for (const [p, r] of Object.entries(routes))`,
 * `for (const k in routes)`, `routers.forEach(({ path, router }) => app.use(path, router))`, `for (const m of routers)
 * app.use(m.path, m.router)`, the table imported (`import routes from './routes'`, `require('./routes')`, a named export).
 * The mount records which part of each element it reads (TableSlot); the resolver reads the table where it is written
 * (callGraph.ts) and makes the mount once per element. One router mounted per element at a prefix computed from it
 * (`for (const { category } of conf.resources) router.use('/' + category, sub)`, the table a committed JSON file's
 * array too) is such a mount with a fixed child: one handler, a full path per element. Pure.
 */
import { jsEscape, jsStringLiteral as unquote, named, type SyntaxNode as Node } from '../parsing/nodes';
import { isInlineFunction, unwrapExpr } from '../parsing/javascript';
import type { JsAnalyzer } from './javascript';
import type { Mount, Ref, TableSlot } from './model';
import { none } from './common';
import { isLoaderThunk } from './jsImportHelpers';
import type { Part } from './loops';

type View = 'keys' | 'values' | 'entries' | 'array';

/** The table a loop's sequence reads and how: `Object.keys(x)`, `Object.values(x)`, `Object.entries(x)`, `for (k in x)`, `x`. */
function viewOf(seq: Node): { table: Node; view: View } | null {
  const loop = seq.parent;
  if (loop?.type === 'for_in_statement' && loop.childForFieldName('operator')?.text === 'in') return { table: seq, view: 'keys' };
  const u = unwrapExpr(seq);
  const f = u?.type === 'call_expression' ? u.childForFieldName('function') : null;
  const m =
    f?.type === 'member_expression' && f.childForFieldName('object')?.text === 'Object' ? f.childForFieldName('property')?.text : null;
  if (m === 'keys' || m === 'values' || m === 'entries') {
    const table = named(u!.childForFieldName('arguments')!)[0];
    return table ? { table, view: m } : null;
  }
  return u ? { table: u, view: 'array' } : null;
}

/** The slot a name bound by the loop reads, by how the loop binds it. */
function slotOf(view: View, part: Part): TableSlot | null {
  if (view === 'keys') return 'whole' in part ? 'key' : null;
  if (view === 'entries') return 'index' in part && part.index < 2 ? (part.index ? 'value' : 'key') : null;
  return 'whole' in part ? 'value' : 'key' in part ? { prop: part.key } : null;
}

interface TableLoop {
  node: Node;
  table: Node;
  view: View;
}

/** The slot an argument of a call in a loop reads (`r`, `routes[r]`, `m.path`), with the loop; null for anything else. */
function argSlot(A: JsAnalyzer, a: Node): { loop: TableLoop; slot: TableSlot } | null {
  const u = unwrapExpr(a);
  const index = u?.type === 'subscript_expression' ? unwrapExpr(u.childForFieldName('index')) : null;
  const id = u?.type === 'member_expression' ? u.childForFieldName('object') : (index ?? u);
  if (id?.type !== 'identifier' && id?.type !== 'shorthand_property_identifier') return null;
  const S = A.loops.syntax;
  for (let p = id.parent; p; p = p.parent) {
    const part = isInlineFunction(p) || p.type === 'for_in_statement' ? S.names(p).get(id.text) : undefined;
    if (!part) continue;
    const seq = S.loop(p)?.seq;
    const v = seq && !A.loops.of(p) ? viewOf(seq) : null; // a table of this file: ./jsLoops
    const slot = v ? slotOf(v.view, part) : null;
    if (!v || !slot) return null;
    const loop = { node: p, ...v };
    if (u!.type === 'member_expression') {
      const prop = u!.childForFieldName('property')?.text;
      return slot === 'value' && prop ? { loop, slot: { prop } } : null;
    }
    // `routes[r]`: the value at the key
    if (index) return slot === 'key' && u!.childForFieldName('object')?.text === v.table.text ? { loop, slot: 'value' } : null;
    return { loop, slot };
  }
  return null;
}

/**
 * `app.use(prefix, router)` / `app.use(router)` whose arguments read the elements of a loop over an imported table:
 * recorded as a table mount (true); false when they do not (the caller reads the call as it is).
 */
export function tableMount(A: JsAnalyzer, recv: Node, argv: readonly Node[], line: number, kind: Mount['kind']): boolean {
  if (argv.length < 1 || argv.length > 2) return false;
  if (argv.length === 2 && fixedChildMount(A, recv, argv, line, kind)) return true;
  const last = argv.at(-1)!;
  const spread = last.type === 'spread_element' && !!named(last)[0]; // `app.use(path, ...middlewares)`
  const slots = argv.map((a) => argSlot(A, a === last && spread ? named(last)[0]! : a));
  const loop = slots[0]?.loop;
  if (!loop || slots.some((s) => !s || s.loop.node.id !== loop.node.id)) return false;
  const of = A.refOf(loop.table);
  if (of.k !== 'imp' && of.k !== 'mem') return false;
  const child = slots[slots.length - 1]!.slot;
  const prefix = slots.length === 2 ? slots[0]!.slot : null;
  if (child === 'key') return false;
  (A.fa.tableMounts ??= []).push({ parent: A.refOf(recv), of, obj: loop.view !== 'array', child, prefix, line, kind });
  return true;
}

/**
 * Koa `app.use(compose(middlewares))` (koa-compose), `compose([auth, router.routes()])`: each element of the array, written
 * here or in another module (`export default [auth, useRoutes]`), mounted as `app.use(element)` would be: a table mount
 * (true); false when the call is not one.
 */
export function composeMount(A: JsAnalyzer, recv: Node, argv: readonly Node[], line: number): boolean {
  const c = argv.length === 1 ? unwrapExpr(argv[0]!) : null;
  const f = c?.type === 'call_expression' ? c.childForFieldName('function') : null;
  const args = f ? named(c!.childForFieldName('arguments')!).filter((a) => a.type !== 'comment') : [];
  if (args.length !== 1 || args[0]!.type === 'spread_element' || A.pkgOf(A.refOf(f!))?.pkg !== 'koa-compose') return false;
  (A.fa.tableMounts ??= []).push({
    parent: A.refOf(recv),
    of: A.refOf(args[0]!),
    obj: false,
    child: 'value',
    prefix: null,
    line,
    kind: 'use',
  });
  return true;
}

/** `'/' + category`, `` `/api/${m.name}` ``: strings and parts of the elements of one loop over an imported table, with
 *  that loop; null when some part is neither (or no part reads a loop). */
function prefixParts(A: JsAnalyzer, n0: Node, depth = 0): { loop: TableLoop | null; parts: (string | TableSlot)[] } | null {
  const n = unwrapExpr(n0);
  if (!n || depth > 8) return null;
  const join = (xs: Node[]): ReturnType<typeof prefixParts> => {
    const out = { loop: null as TableLoop | null, parts: [] as (string | TableSlot)[] };
    for (const x of xs) {
      const text = x.type === 'string_fragment' ? x.text : x.type === 'escape_sequence' ? jsEscape(x.text) : null;
      const p = text !== null ? { loop: null, parts: [text] } : prefixParts(A, x, depth + 1);
      if (!p || (p.loop && out.loop && p.loop.node.id !== out.loop.node.id)) return null;
      out.loop ??= p.loop;
      out.parts.push(...p.parts);
    }
    return out;
  };
  if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '+')
    return join([n.childForFieldName('left')!, n.childForFieldName('right')!]);
  if (n.type === 'template_string') return join(named(n).map((c) => (c.type === 'template_substitution' ? named(c)[0]! : c)));
  const slot = argSlot(A, n);
  if (slot) return slot.slot !== 'value' ? { loop: slot.loop, parts: [slot.slot] } : null;
  const v = A.evalStr(n);
  return 's' in v ? { loop: null, parts: [v.s] } : null;
}

/**
 * `for (const { category } of conf.resources) router.use('/' + category, sub)`: one router mounted once per element
 * of an imported table (a committed JSON file's array too), at a prefix computed from the element: a table mount with
 * a fixed child (true); false when the call is not one.
 */
function fixedChildMount(A: JsAnalyzer, recv: Node, argv: readonly Node[], line: number, kind: Mount['kind']): boolean {
  const [first, last] = [unwrapExpr(argv[0]!), unwrapExpr(argv[1]!)];
  if (!first || !last || !/^(binary_expression|template_string)$/.test(first.type) || !/^(identifier|member_expression)$/.test(last.type))
    return false;
  const p = prefixParts(A, first);
  if (!p?.loop || argSlot(A, last) || A.loops.syntax.names(p.loop.node).has(last.text.split('.')[0]!)) return false;
  const of = A.refOf(p.loop.table);
  const child = A.refOf(last);
  if ((of.k !== 'imp' && of.k !== 'mem') || child.k === 'none') return false;
  (A.fa.tableMounts ??= []).push({
    parent: A.refOf(recv),
    of,
    obj: p.loop.view !== 'array',
    child: { fixed: child },
    prefix: null,
    prefixParts: p.parts,
    line,
    kind,
  });
  return true;
}

/**
 * `{ router, model: User }`: the values of its named properties (`router` a framework object passed to a helper), also
 * under a quoted key (`{ '/users': users }`, a table of routers), and the strings beside them (`{ path: '/users', router }`,
 * an element of a table imported by a loop). Its methods and function-valued properties are functions of the object
 * (`export default { registerHandler(app) {…} }` called as `users.registerHandler(router)` in another module); the
 * functions of a table's row are its handlers, read by ./jsRouteTables.
 */
export function objectLiteral(A: JsAnalyzer, n: Node): Ref {
  const props: Record<string, Ref> = {};
  const strs: Record<string, string> = {};
  for (const p of named(n)) {
    const method = p.type === 'method_definition' ? p.childForFieldName('name') : null;
    if (method?.type === 'property_identifier') props[method.text] = { k: 'fn', id: A.fnId(p) };
    const k = p.type === 'pair' ? p.childForFieldName('key') : p.type === 'shorthand_property_identifier' ? p : null;
    const v = p.type === 'pair' ? p.childForFieldName('value') : p;
    const key =
      k?.type === 'string' ? unquote(k) : k?.type === 'property_identifier' || k?.type === 'shorthand_property_identifier' ? k.text : null;
    if (key === null || !v) continue;
    if (v.type === 'string' || v.type === 'template_string') {
      const s = A.evalStr(v);
      if ('s' in s) strs[key] = s.s;
      continue;
    }
    const r =
      v.type === 'shorthand_property_identifier'
        ? A.lookup(v.text, v)
        : /^(identifier|member_expression|array)$/.test(v.type) ||
            (isInlineFunction(v) && n.parent?.type !== 'array') ||
            (v.type === 'call_expression' && v.child(0)?.text === 'require')
          ? A.refOf(v)
          : null;
    if (r && r.k !== 'none') props[key] = r;
    // `createApp(bindings, { createFilesRoutes: () => createFilesRoutes(deps) })`: what the factory handed in returns
    if (r?.k === 'fn' && isInlineFunction(v) && n.parent?.type === 'arguments') A.computeReturns(r.id);
    // `{ web: () => import('./web') }`: the module a call of the value loads (`(await services[name]()).default`)
    else if (r?.k === 'fn' && isInlineFunction(v) && isLoaderThunk(A, v)) A.computeReturns(r.id);
  }
  Object.assign(props, A.loops.assignedProps(n));
  // a row of strings only (`[{ name: 'digital' }, …]`): read by a loop over the table (callGraph.ts)
  if (!Object.keys(props).length && !(Object.keys(strs).length && n.parent?.type === 'array')) return none(n);
  return Object.keys(strs).length ? { k: 'lit', props, strs } : { k: 'lit', props };
}
