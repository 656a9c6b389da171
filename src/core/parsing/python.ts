/** Python syntax helpers shared by the route detector, the instrument planner and the lint. Pure. */
import { derived, named, type SyntaxNode, type SyntaxNodeOf } from './nodes';

/** Parameter names in order; null for `*args`, `**kw`, `/`, `*` and other non-name parameters (with `splat`, `*args`
 *  is named: see pyRestParam). */
export function pyParamNames(fn: SyntaxNode, splat = false): (string | null)[] {
  const params = fn.childForFieldName('parameters');
  if (!params) return [];
  return named(params).map((p) => {
    if (p.type === 'identifier') return p.text;
    const star = restPattern(p);
    if (star) return splat && named(star)[0]?.type === 'identifier' ? named(star)[0]!.text : null;
    if (p.type === 'typed_parameter') {
      const first = named(p)[0];
      return first?.type === 'identifier' ? first.text : null;
    }
    if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') return p.childForFieldName('name')?.text ?? null;
    return null;
  });
}

/** The `*args` pattern of a parameter (`*views`, `*views: APIRouter`), else null. */
function restPattern(p: SyntaxNode): SyntaxNode | null {
  const star = p.type === 'typed_parameter' ? named(p)[0] : p;
  return star?.type === 'list_splat_pattern' ? star : null;
}

/** The index of a function's `*args` parameter (`def include_views(self, *views)`: 1), else -1. */
export function pyRestParam(fn: SyntaxNode): number {
  const params = fn.childForFieldName('parameters');
  return params ? named(params).findIndex((p) => !!restPattern(p)) : -1;
}

/** Keyword arguments of a call by name, and the positional ones (splats left out). Do not modify them: a mirror
 *  node keeps them. */
export function pyArgs<N extends SyntaxNodeOf<N>>(call: N): { pos: readonly N[]; kw: ReadonlyMap<string, N> } {
  return derived(call, 'args', () => callArgs(call));
}

function callArgs<N extends SyntaxNodeOf<N>>(call: N): { pos: N[]; kw: Map<string, N> } {
  const pos: N[] = [];
  const kw = new Map<string, N>();
  const al = call.childForFieldName('arguments');
  if (al) {
    for (const a of named(al)) {
      if (a.type === 'keyword_argument') {
        const k = a.childForFieldName('name')?.text;
        const v = a.childForFieldName('value');
        if (k && v) kw.set(k, v);
      } else if (a.type !== 'list_splat' && a.type !== 'dictionary_splat') pos.push(a);
    }
  }
  return { pos, kw };
}

/** The class a function's return annotation names (`def f() -> Settings`, `-> config.Settings`); not a generic or union. */
export function pyReturnClass<N extends SyntaxNodeOf<N>>(fn: N): N | undefined {
  const t = fn.childForFieldName('return_type');
  const n = t?.type === 'type' ? t.namedChildren[0] : t;
  return n?.type === 'identifier' || n?.type === 'attribute' ? n : undefined;
}

/**
 * A binding in an `except` clause of a `try` whose body binds the same name at its top level (`try: from routers import
 * jokes` / `except ImportError: jokes = None`): the fallback for when the body fails, not the binding the code is
 * written for. `stmt` is the assignment.
 */
export function pyExceptFallback<N extends SyntaxNodeOf<N>>(stmt: N, name: string): boolean {
  const s = stmt.parent; // the expression statement
  const block = s?.parent;
  const clause = block?.type === 'block' ? block.parent : null;
  const tryStmt = clause?.type === 'except_clause' ? clause.parent : null;
  const body = tryStmt?.type === 'try_statement' ? tryStmt.childForFieldName('body') : null;
  return !!body && named(body).some((c) => pyBinds(c, name));
}

/** Does a statement bind `name` (an import, an assignment to the name, a `def` or `class` of it)? */
function pyBinds<N extends SyntaxNodeOf<N>>(c: N, name: string): boolean {
  switch (c.type) {
    case 'import_statement':
    case 'import_from_statement':
      return (c.type === 'import_statement' ? named(c) : c.childrenForFieldName('name')).some((i) => {
        const bound = i?.type === 'aliased_import' ? i.childForFieldName('alias')?.text : i?.type === 'dotted_name' ? i.text : undefined;
        return (c.type === 'import_statement' ? bound?.split('.')[0] : bound?.split('.').pop()) === name;
      });
    case 'expression_statement': {
      const a = named(c)[0];
      return a?.type === 'assignment' && a.childForFieldName('left')?.text === name;
    }
    case 'function_definition':
    case 'class_definition':
      return c.childForFieldName('name')?.text === name;
    default:
      return false;
  }
}
