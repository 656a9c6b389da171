/** Python syntax helpers shared by the route detector, the instrument planner and the lint. Pure. */
import { derived, named, type SyntaxNode, type SyntaxNodeOf } from './nodes';

/** Parameter names in order; null for `*args`, `**kw`, `/`, `*` and other non-name parameters. */
export function pyParamNames(fn: SyntaxNode): (string | null)[] {
  const params = fn.childForFieldName('parameters');
  if (!params) return [];
  return named(params).map((p) => {
    if (p.type === 'identifier') return p.text;
    if (p.type === 'typed_parameter') {
      const first = named(p)[0];
      return first?.type === 'identifier' ? first.text : null;
    }
    if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') return p.childForFieldName('name')?.text ?? null;
    return null;
  });
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
