/**
 * Python loops over a sequence this file does not write (a literal one is ./pyLoops'): an imported list, a module's
 * attribute or a parameter. `from .controllers import blueprints; for bp in blueprints: bp.setup(app)`, where
 * `blueprints = [auth_controller, users_controller]` lists modules, calls each module's `setup` with the app (a call
 * once per element: CallEdge `each` with `member`); `for m in routers.MODULES: app.include_router(m.router,
 * prefix="/api")` mounts each element's router (a TableMount). The resolver reads the sequence where it is written
 * (CallGraph.arrayOf): a module-level list or tuple, recorded here as the module's `arrays`. Pure.
 */
import { lineOf, named, usesIdentifier, type SyntaxNode as Node } from '../parsing/nodes';
import { pyArgs } from '../parsing/python';
import { MAX_ELEMENTS } from './loops';
import type { Mount, Ref, TableSlot } from './model';
import { iterated } from './pyTables';
import type { PyAnalyzer } from './python';

/** `NAME = [a, b.router, *others]` at module level: its elements (and the sequences unpacked into it). */
export function pyConstArray(A: PyAnalyzer, name: string, right: Node): void {
  if (right.type !== 'list' && right.type !== 'tuple') return;
  const els = named(right).filter((e) => e.type !== 'comment');
  if (els.length > MAX_ELEMENTS) return;
  (A.fa.arrays ??= {})[name] = els.filter((e) => e.type !== 'list_splat').map((e) => A.refOf(e));
  const spreads = els.flatMap((e) => (e.type === 'list_splat' && named(e)[0] ? [A.refOf(named(e)[0]!)] : []));
  if (spreads.length) (A.fa.arraySpreads ??= {})[name] = spreads;
}

/** The sequence the name `n` takes each element of, in a `for` or comprehension around it, when this file does not
 *  write it: an imported name, a module's attribute, or a parameter. */
function sequenceOf(A: PyAnalyzer, n: Node | null): Ref | null {
  const seq = n?.type === 'identifier' ? iterated(n, n.text) : null;
  if (!seq || A.loops.syntax.elements(seq)) return null;
  const r = A.refOf(seq);
  return r.k === 'imp' || r.k === 'mem' || r.k === 'param' ? r : null;
}

/** `m.setup(app)` with `m` an element of such a sequence: the call of each element's `setup` (true when recorded). */
export function pyElementCall(A: PyAnalyzer, n: Node, fnNode: Node): boolean {
  const name = fnNode.type === 'attribute' ? fnNode.childForFieldName('attribute')?.text : undefined;
  const each = name ? sequenceOf(A, fnNode.childForFieldName('object')) : null;
  if (!each) return false;
  const { pos, kw } = pyArgs(n);
  const edge = A.callEdge(n, { k: 'mem', base: each, name: name! }, pos, [...kw]);
  if (edge) Object.assign(edge, { each, member: name });
  return true;
}

/** The part of an element a mount argument reads: the element (`bp`) or its attribute (`m.router`). */
function slotOf(A: PyAnalyzer, a: Node): { of: Ref; slot: TableSlot } | null {
  const attr = a.type === 'attribute' ? a.childForFieldName('attribute')?.text : undefined;
  const of = sequenceOf(A, attr ? a.childForFieldName('object') : a);
  return of ? { of, slot: attr ? { prop: attr } : 'value' } : null;
}

/** `app.include_router(m.router, prefix=…)` / `app.register_blueprint(bp)` over the elements of such a sequence: a
 *  table mount (true when recorded); the prefix an element's attribute (`m.prefix`) or one for all (`"/api"`). */
export function pyElementMount(A: PyAnalyzer, n: Node, owner: Ref, child: Node, prefix: Node | undefined, kind: Mount['kind']): boolean {
  const c = slotOf(A, child);
  if (!c) return false;
  const p = prefix ? slotOf(A, prefix) : null;
  const element = (child.type === 'attribute' ? child.childForFieldName('object')! : child).text;
  if (prefix && !p && usesIdentifier(prefix, element)) return false; // a prefix computed from the element: as written
  const fixed = prefix && !p ? A.evalStr(prefix) : undefined;
  const t = { parent: owner, of: c.of, obj: false, child: c.slot, prefix: p?.slot ?? null, line: lineOf(n), kind };
  (A.fa.tableMounts ??= []).push(fixed ? { ...t, prefixVal: fixed } : t);
  return true;
}
