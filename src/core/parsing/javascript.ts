/** JavaScript / TypeScript syntax helpers shared by the route detector, the instrument planner and the lint. Pure. */
import { jsStringLiteral, named, type SyntaxNode, type SyntaxNodeOf } from './nodes';

/** Function nodes that can be route handlers (generators are not). */
export const JS_HANDLER_FUNCTION_TYPES: readonly string[] = [
  'arrow_function',
  'function_expression',
  'function',
  'function_declaration',
  'method_definition',
];
/** Every node type that opens a function scope. */
export const JS_FUNCTION_TYPES: ReadonlySet<string> = new Set([
  ...JS_HANDLER_FUNCTION_TYPES,
  'generator_function_declaration',
  'generator_function',
]);

/** A function written in place as an expression: `(req, res) => …`, `function (req, res) {…}`. */
export function isInlineFunction(n: SyntaxNode): boolean {
  return n.type === 'arrow_function' || n.type === 'function_expression' || n.type === 'function';
}

/** Unwraps parentheses, `await`, and TypeScript casts (`as`, `satisfies`, `!`, `<T>x`). */
export function unwrapExpr<N extends SyntaxNodeOf<N>>(n: N | null): N | null {
  while (
    n &&
    (n.type === 'parenthesized_expression' ||
      n.type === 'await_expression' ||
      n.type === 'as_expression' ||
      n.type === 'satisfies_expression' ||
      n.type === 'non_null_expression' ||
      n.type === 'type_assertion')
  ) {
    const parts = named(n);
    n = (n.type === 'type_assertion' ? parts[parts.length - 1] : parts[0]) ?? null; // `<T>expr`: the type comes first
  }
  return n;
}

/** The single unparenthesised arrow parameter (`x => …`), if that is how the function takes its parameter. */
export function jsBareParameter<N extends SyntaxNodeOf<N>>(fn: N): N | null {
  return fn.childForFieldName('parameter');
}

/** Parameter names in order; null for a destructured or rest parameter. */
export function jsParamNames(fn: SyntaxNode): (string | null)[] {
  const bare = jsBareParameter(fn);
  if (bare) return [bare.type === 'identifier' ? bare.text : null];
  const params = fn.childForFieldName('parameters');
  if (!params) return [];
  if (params.type === 'identifier') return [params.text];
  return named(params).map((p) => {
    let q: SyntaxNode | null = p;
    if (q.type === 'required_parameter' || q.type === 'optional_parameter') q = q.childForFieldName('pattern');
    if (q?.type === 'assignment_pattern') q = q.childForFieldName('left');
    return q?.type === 'identifier' ? q.text : null;
  });
}

/** `{ key: value }` → the value node of `key` (plain or quoted key); a shorthand `{ key }` → its identifier. */
export function jsObjectProp<N extends SyntaxNodeOf<N>>(obj: N | null | undefined, key: string): N | undefined {
  if (!obj || obj.type !== 'object') return undefined;
  for (const p of obj.namedChildren) {
    if (p?.type === 'shorthand_property_identifier' && p.text === key) return p; // `{ handler }`: its value is the name
    if (p?.type !== 'pair') continue;
    const k = p.childForFieldName('key');
    if (k && (k.text === key || jsStringLiteral(k) === key)) return p.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

/** The class a class declaration or expression extends (`class A extends B`, TypeScript `extends B implements C`). */
export function extendsOf(cls: SyntaxNode): SyntaxNode | null {
  const heritage = named(cls).find((c) => c.type === 'class_heritage');
  const first = heritage ? named(heritage)[0] : undefined;
  return (first?.type === 'extends_clause' ? first.childForFieldName('value') : first?.type === 'implements_clause' ? null : first) ?? null;
}
