/**
 * Python loops over a sequence this file does not write (a literal one is ./pyLoops'): an imported list, a module's
 * attribute or a parameter. `from .controllers import blueprints; for bp in blueprints: bp.setup(app)`, where
 * `blueprints = [auth_controller, users_controller]` lists modules, calls each module's `setup` with the app (a call
 * once per element: CallEdge `each` with `member`); `for m in routers.MODULES: app.include_router(m.router,
 * prefix="/api")` mounts each element's router (a TableMount), also unpacking rows (`for bp, prefix in BLUEPRINTS:
 * app.register_blueprint(bp, url_prefix=prefix)`, a row `(users.bp, "/users")` read by position). The resolver reads
 * the sequence where it is written (CallGraph.arrayOf): a module-level list or tuple, recorded here as the module's
 * `arrays`, one written in the call that passes it (`include_all(app, [health, users])`), or a class's attribute
 * (`for bp in cls.FLASK_BLUEPRINTS` in a class method, `self.blueprints`, `App.BLUEPRINTS`). `url_prefix=None` keeps
 * each blueprint's own prefix, and `path_prefix if not bp.url_prefix else None` is decided per element. Pure.
 */
import { lineOf, named, usesIdentifier, type SyntaxNode as Node } from '../parsing/nodes';
import { pyArgs } from '../parsing/python';
import { clip, none } from './common';
import { MAX_ELEMENTS } from './loops';
import { pyConcatRef } from './pyConcat';
import type { Mount, Ref, TableMount, TableSlot, Val, ValPart } from './model';
import { iterated } from './pyTables';
import type { PyAnalyzer } from './python';

const SEQUENCE = /^(list|tuple)$/;
/** Elements that may be strings (a module constant's name too). */
const STRING_LIKE = /^(string|concatenated_string|identifier|binary_operator)$/;

/** An element of a module-level sequence: a row `(users.bp, "/users")` is an object of its positions (`0`, `1`), the
 *  strings among them evaluated, so a loop unpacking the rows (`for bp, prefix in TABLE`) reads each part. */
function elementRef(A: PyAnalyzer, e: Node): Ref {
  if (!SEQUENCE.test(e.type)) {
    const v = STRING_LIKE.test(e.type) ? A.evalStr(e) : null; // a string (a constant of this module too) for a loop's path
    return v && 's' in v ? { k: 'str', s: v.s } : A.refOf(e);
  }
  const props: Record<string, Ref> = {};
  const strs: Record<string, string> = {};
  named(e).forEach((p, i) => {
    const v = p.type === 'attribute' ? null : A.evalStr(p);
    if (v && 's' in v) strs[i] = v.s;
    else props[i] = A.refOf(p);
  });
  return Object.keys(strs).length ? { k: 'lit', props, strs } : { k: 'lit', props };
}

/** A list or tuple written in place (`include_all(app, [health, users])`): its elements, for a loop over the parameter
 *  it is passed as (CallGraph.arrayOf). */
export function pyArrayRef(A: PyAnalyzer, n: Node): Ref {
  const joined = pyConcatRef(A, n, (e) => elementRef(A, e)); // `[*core, *plugins]`
  if (joined) return joined.ref;
  const els = named(n).filter((e) => e.type !== 'comment');
  return els.length > MAX_ELEMENTS ? none(n) : { k: 'arr', els: els.map((e) => elementRef(A, e)) };
}

/** `NAME = [a, b.router, *others]` or `NAME = CORE + EXTRA` at module level: its elements (and the sequences unpacked
 *  or joined into it). */
export function pyConstArray(A: PyAnalyzer, name: string, right: Node): void {
  const joined = right.type === 'binary_operator' ? pyConcatRef(A, right, (e) => elementRef(A, e)) : null;
  if (joined) {
    (A.fa.arrays ??= {})[name] = joined.ref.els;
    if (joined.ref.spreads?.length) (A.fa.arraySpreads ??= {})[name] = joined.ref.spreads;
    return;
  }
  if (!SEQUENCE.test(right.type)) return;
  const els = named(right).filter((e) => e.type !== 'comment');
  if (els.length > MAX_ELEMENTS) return;
  (A.fa.arrays ??= {})[name] = els.filter((e) => e.type !== 'list_splat').map((e) => elementRef(A, e));
  const spreads = els.flatMap((e) => (e.type === 'list_splat' && named(e)[0] ? [A.refOf(named(e)[0]!)] : []));
  if (spreads.length) (A.fa.arraySpreads ??= {})[name] = spreads;
}

/** The sequence of a `for` or comprehension around `n` whose pattern unpacks each element (`for bp, prefix in TABLE`)
 *  and the position the name `v` takes in it. */
function unpacked(n: Node, v: string): { seq: Node; index: number } | null {
  for (let p = n.parent; p && p.type !== 'function_definition' && p.type !== 'module'; p = p.parent) {
    const clause = p.type === 'for_statement' ? p : named(p).find((c) => c.type === 'for_in_clause');
    const left = clause?.childForFieldName('left');
    if (left?.type !== 'pattern_list' && left?.type !== 'tuple_pattern') continue;
    const index = named(left).findIndex((c) => c.type === 'identifier' && c.text === v);
    const seq = clause!.childForFieldName('right');
    if (index >= 0 && seq) return { seq, index };
  }
  return null;
}

/** The sequence the name `n` takes each element (or, unpacked, a position `index` of each element) of, in a `for` or
 *  comprehension around it, when this file does not write it: an imported name, a module's attribute, or a parameter. */
function sequenceOf(A: PyAnalyzer, n: Node | null): { of: Ref; index?: number; parts?: string[] } | null {
  const whole = n?.type === 'identifier' ? iterated(n, n.text) : null;
  const part = n?.type === 'identifier' && !whole ? unpacked(n, n.text) : null;
  const seq = whole ?? part?.seq;
  if (!seq || A.loops.syntax.elements(seq)) return null;
  const joined = pyConcatRef(A, seq, (e) => elementRef(A, e));
  const r = joined?.ref ?? A.refOf(seq); // `arr`: a list an attribute holds (`self.blueprints = [reports.bp]`, ./pySelf)
  if (!ELEMENTS_OF.test(r.k)) return null;
  return { of: r, ...(part ? { index: part.index } : {}), ...(joined ? { parts: joined.texts } : {}) };
}

/**
 * A name a `for` or comprehension around `n` takes each element of (or, unpacked, one position of each element: `for
 * route, view, ttl in routes:`), over a sequence the literal loops do not unroll (./pyLoops: only lists of strings are):
 * a parameter (what each call passes: `map_action_routes(app, (("change-password", view, 60),))`), an imported or module
 * list, or a literal of rows. The element, read once per element by the resolver (PerCallRoutes.perCall); null when the name
 * is bound otherwise too in its scope (`route = route.strip("/")`).
 */
export function pyLoopElement(A: PyAnalyzer, n: Node): Ref | null {
  const whole = iterated(n, n.text);
  const part = whole ? null : unpacked(n, n.text);
  const seq = whole ?? part?.seq;
  const clause = seq?.parent;
  if (!seq || !clause) return null;
  if (A.boundHere(n)) return null;
  const of = pyConcatRef(A, seq, (e) => elementRef(A, e))?.ref ?? A.refOf(seq);
  if (!ELEMENTS_OF.test(of.k)) return null;
  return { k: 'el', of, ...(part ? { index: part.index } : {}), loop: clause.startIndex, seq: clip(seq.text) };
}

/** Sequences the resolver reads the elements of (CallGraph.arrayOf). */
const ELEMENTS_OF = /^(imp|mem|param|arr)$/;

/** `m.setup(app)` with `m` an element of such a sequence: the call of each element's `setup` (true when recorded). */
export function pyElementCall(A: PyAnalyzer, n: Node, fnNode: Node): boolean {
  const name = fnNode.type === 'attribute' ? fnNode.childForFieldName('attribute')?.text : undefined;
  const s = name ? sequenceOf(A, fnNode.childForFieldName('object')) : null;
  if (!s || s.index !== undefined) return false;
  const each = s.of;
  const { pos, kw } = pyArgs(n);
  const edge = A.callEdge(n, { k: 'mem', base: each, name: name! }, pos, [...kw]);
  if (edge) Object.assign(edge, { each, member: name });
  return true;
}

/** The part of an element a mount argument reads: the element (`bp`) or its attribute (`m.router`). */
function slotOf(A: PyAnalyzer, a: Node): { of: Ref; slot: TableSlot; parts?: string[] } | null {
  const attr = a.type === 'attribute' ? a.childForFieldName('attribute')?.text : undefined;
  const s = sequenceOf(A, attr ? a.childForFieldName('object') : a);
  if (!s || (attr && s.index !== undefined)) return null;
  const slot: TableSlot = s.index !== undefined ? { prop: String(s.index) } : attr ? { prop: attr } : 'value';
  return { of: s.of, slot, ...(s.parts ? { parts: s.parts } : {}) };
}

/** `app.include_router(m.router, prefix=…)` / `app.register_blueprint(bp)` over the elements of such a sequence: a
 *  table mount (true when recorded); the prefix an element's attribute (`m.prefix`) or one for all (`"/api"`). */
export function pyElementMount(A: PyAnalyzer, n: Node, owner: Ref, child: Node, prefix: Node | undefined, kind: Mount['kind']): boolean {
  const c = slotOf(A, child);
  if (!c) return false;
  const p = prefix ? slotOf(A, prefix) : null;
  const element = (child.type === 'attribute' ? child.childForFieldName('object')! : child).text;
  const t: TableMount = { parent: owner, of: c.of, obj: false, child: c.slot, prefix: p?.slot ?? null, line: lineOf(n), kind };
  if (c.parts) t.parts = c.parts;
  const cond = prefix && !p && child.type === 'identifier' ? ownPrefixTest(A, prefix, element, kind) : null;
  if (cond) t.prefixIf = cond;
  else if (prefix && !p && usesIdentifier(prefix, element))
    return false; // a prefix computed from the element: as written
  else if (prefix && !p) t.prefixVal = A.evalStr(prefix);
  (A.fa.tableMounts ??= []).push(t);
  return true;
}

/** The attribute holding the prefix a blueprint or router is created with. */
const OWN_PREFIX: Partial<Record<Mount['kind'], string>> = { blueprint: 'url_prefix', include: 'prefix' };

/**
 * `url_prefix=path_prefix if not blueprint.url_prefix else None` (written in the call, or in a local assigned once)
 * over the elements `element` takes: the prefix given when the element has a prefix of its own and when it has none
 * (null: `None`, the element's own kept), decided per element by the resolver; null for any other expression.
 */
function ownPrefixTest(A: PyAnalyzer, prefix: Node, element: string, kind: Mount['kind']): TableMount['prefixIf'] | null {
  const x = prefix.type === 'identifier' && prefix.text !== element ? A.assignedOnce(prefix) : prefix;
  if (x?.type !== 'conditional_expression') return null;
  const [yes, test, no] = named(x);
  let t: Node | null | undefined = test;
  let negated = false;
  for (let i = 0; i < 4 && (t?.type === 'not_operator' || t?.type === 'parenthesized_expression'); i++) {
    if (t.type === 'not_operator') negated = !negated;
    t = t.type === 'not_operator' ? t.childForFieldName('argument') : named(t)[0];
  }
  const attr = t?.type === 'attribute' && t.childForFieldName('object')?.text === element ? t.childForFieldName('attribute')?.text : null;
  if (!yes || !no || !attr || attr !== OWN_PREFIX[kind]) return null;
  const val = (b: Node): Val | null => (b.type === 'none' ? null : A.evalStr(b));
  return { test: clip(test!.text), has: val(negated ? no : yes), lacks: val(negated ? yes : no) };
}

/** The parameter a path's part is, or the parameter whose elements a loop's name takes (one call's argument). */
export function ownParam(r: Ref): (Ref & { k: 'param' }) | null {
  return r.k === 'param' ? r : r.k === 'el' && r.of.k === 'param' ? r.of : null;
}

/** The one loop whose elements a path's parts take (Ref `el`), or null: none, or loops nested (not expanded). */
export function elementOf(parts: readonly ValPart[]): (Ref & { k: 'el' }) | null {
  const els = parts.flatMap((p) => (typeof p !== 'string' && p.ref.k === 'el' ? [p.ref] : []));
  return els.length && els.every((x) => x.loop === els[0]!.loop) ? els[0]! : null;
}

/** Why a path that takes a loop's elements is unknown: which sequence they are of, and, when it is a parameter of a
 *  helper (`helper`) no analysed call passes it to, that. */
export function elementWhy(parts: readonly ValPart[], helper?: string | null): string {
  const p = parts.find((x): x is { e: string; ref: Ref & { k: 'el' } } => typeof x !== 'string' && x.ref.k === 'el');
  if (!p) return 'variable';
  const of = `\`${p.e}\` takes each element of \`${p.ref.seq}\``;
  if (helper === undefined) return `${of}, not all of them known strings`;
  return `${of}, a parameter of ${helper ? `\`${helper}\`` : 'a function'} that no analysed call passes a sequence to`;
}
