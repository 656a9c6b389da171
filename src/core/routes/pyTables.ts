/**
 * Flask-RESTful route tables: a module-level list or tuple of rows `(Resource, "/path", …)` (`routes = ((Logout,
 * "/logout"), (Home, "/home/<int:id>"))`), registered elsewhere by unpacking each row into `add_resource`:
 * `[api.add_resource(*r) for r in routes]` or `for r in routes: api.add_resource(*r)`, the table of the same module
 * or imported. The table is read as a function of the Api it is given (exported as `<name>#rows`), one route per
 * row at the row's line; the registration is a call of it with the Api, so the call graph (resolve.ts) gives each
 * row the Api's place, and a table nobody registers stays no route. Pure.
 */
import { lineOf, named, rangeOf, type SyntaxNode as Node } from '../parsing/nodes';
import type { Ref, Val } from './model';
import { MAX_ELEMENTS } from './loops';
import type { PyAnalyzer } from './python';

const ROWS = '#rows';
const SEQUENCE = /^(list|tuple)$/;

/** The rows of a table: each a list or tuple of a class (a name or attribute) followed by one or more URL paths. */
function tableRows(A: PyAnalyzer, seq: Node | null): { cls: Node; row: Node; paths: Val[] }[] | null {
  if (!seq || !SEQUENCE.test(seq.type)) return null;
  const rows = named(seq).filter((r) => r.type !== 'comment');
  if (!rows.length || rows.length > MAX_ELEMENTS) return null;
  const out = [];
  for (const row of rows) {
    const [cls, ...ps] = SEQUENCE.test(row.type) ? named(row) : [];
    if (!cls || !/^(identifier|attribute)$/.test(cls.type) || !ps.length || ps.some((p) => p.type !== 'string')) return null;
    const paths = ps.map((p) => A.evalStr(p));
    if (!paths.every((v) => 's' in v && v.s.startsWith('/'))) return null; // a table of something else
    out.push({ cls, row, paths });
  }
  return out;
}

/** `routes = ((Resource, "/path"), …)` at module level: a function of the Api (parameter 0) with one route per row. */
export function pyRouteTable(A: PyAnalyzer, n: Node): void {
  const name = n.childForFieldName('left');
  const rows = name?.type === 'identifier' && n.parent?.parent?.type === 'module' ? tableRows(A, n.childForFieldName('right')) : null;
  if (!rows) return;
  const id = A.fa.functions.length;
  A.fa.functions.push({ id, name: name!.text, line: lineOf(n), range: rangeOf(n), params: ['api'] });
  A.fa.exports[name!.text + ROWS] = { k: 'fn', id };
  for (const { cls, row, paths } of rows) {
    const handler = A.handlerSpec(cls);
    for (const path of paths) {
      const at = { line: lineOf(row), range: rangeOf(row) };
      A.fa.routes.push({ owner: { k: 'param', fn: id, i: 0 }, framework: null, flavour: 'py-resource', methods: [], path, ...at, handler });
    }
  }
}

/** The sequence a comprehension or `for` statement around `n` binds the name `v` to each element of. */
export function iterated(n: Node, v: string): Node | null {
  for (let p = n.parent; p && p.type !== 'function_definition' && p.type !== 'module'; p = p.parent) {
    const clause = p.type === 'for_statement' ? p : named(p).find((c) => c.type === 'for_in_clause');
    if (clause?.childForFieldName('left')?.text === v) return clause.childForFieldName('right');
  }
  return null;
}

/** `api.add_resource(*r)` with `r` a row of a table: a call of the table (pyRouteTable) with the Api. */
export function pyTableRegistration(A: PyAnalyzer, call: Node, api: Node): void {
  const args = call.childForFieldName('arguments');
  const splat = args ? named(args) : [];
  const row = splat.length === 1 && splat[0]!.type === 'list_splat' ? named(splat[0]!)[0] : null;
  const seq = row?.type === 'identifier' ? iterated(call, row.text) : null;
  if (!seq) return;
  // the table of this module (a name assigned it once), else an imported name or a module's attribute
  const local = seq.type === 'identifier' && A.assignedOnce(seq) ? A.fa.exports[seq.text + ROWS] : undefined;
  const ref = local ? null : A.refOf(seq);
  const table: Ref | undefined = local ?? (ref?.k === 'imp' || ref?.k === 'mem' ? { ...ref, name: ref.name + ROWS } : undefined);
  if (table) A.callEdge(call, table, [api]);
}
