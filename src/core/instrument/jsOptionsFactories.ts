/**
 * Fastify route options made by a project function: `fastify.post('/register', registerOpts(register))` with
 * `export const registerOpts = (handler) => ({ schema, preValidation, handler })`. Fastify takes the second argument as
 * the handler or as the route options, so the wrapper style must not wrap the call's result (an object: every request
 * would fail with "fn.apply is not a function", and its schema and hooks would be lost): it wraps the argument the
 * function puts at `handler` instead (`registerOpts(observeRoute('POST', '/auth/register', register))`). The function
 * is read where it is declared (./moduleImports) with the JS/TS parser. Never throws.
 */
import type { Node } from '../parsing/nodes';
import { jsObjectProp, jsParamNames, unwrapExpr } from '../parsing/javascript';
import { withTree } from '../parsing/treeSitter';
import { jsDeclaringModule, type ReadModule } from './moduleImports';

/** What a function called as a route's handler expression returns: route options taking their handler from the
 *  argument `arg`, or route options whose handler it writes itself (`own`). */
export type OptionsFactory = { arg: number } | { own: true };

const FUNCTION_TYPES = new Set(['arrow_function', 'function_expression', 'function', 'function_declaration']);

/** The function `name` declares in a module's tree: `function name(…)`, `const name = (…) => …` / `function (…)`. */
function declaredFunction(root: Node, name: string): Node | undefined {
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'function_declaration' && n.childForFieldName('name')?.text === name) return n;
    if (n.type === 'variable_declarator' && n.childForFieldName('name')?.text === name) {
      const v = unwrapExpr(n.childForFieldName('value'));
      if (v && FUNCTION_TYPES.has(v.type)) return v;
    }
    // top-level statements and the declarations they hold, not function bodies
    if (n === root || ['export_statement', 'lexical_declaration', 'variable_declaration'].includes(n.type))
      for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return undefined;
}

/** The object literals a function returns: its arrow body, or its own `return { … }` statements. */
function returnedObjects(fn: Node): Node[] {
  const body = fn.childForFieldName('body');
  const direct = unwrapExpr(body);
  if (direct?.type === 'object') return [direct];
  if (body?.type !== 'statement_block') return [];
  const out: Node[] = [];
  const walk = (n: Node): void => {
    for (const c of n.namedChildren) {
      if (!c || FUNCTION_TYPES.has(c.type) || c.type === 'class_declaration') continue;
      if (c.type === 'return_statement') {
        const v = unwrapExpr(c.namedChildren[0] ?? null);
        if (v?.type === 'object') out.push(v);
      } else walk(c);
    }
  };
  walk(body);
  return out;
}

/** The route options `fn` returns and where their handler comes from; undefined when it returns no object literal. */
function optionsOf(fn: Node): OptionsFactory | undefined {
  const objects = returnedObjects(fn);
  if (!objects.length) return undefined;
  const params = jsParamNames(fn);
  let arg: number | undefined;
  for (const o of objects) {
    const method = o.namedChildren.some((c) => c?.type === 'method_definition' && c.childForFieldName('name')?.text === 'handler');
    const h = method ? undefined : jsObjectProp(o, 'handler');
    const name =
      h?.type === 'shorthand_property_identifier'
        ? h.text
        : unwrapExpr(h ?? null)?.type === 'identifier'
          ? unwrapExpr(h!)!.text
          : undefined;
    const i = name === undefined ? -1 : params.indexOf(name);
    if (i < 0 || (arg !== undefined && arg !== i)) return { own: true };
    arg = i;
  }
  return arg === undefined ? undefined : { arg };
}

/** Whether `name`, called in `file` (text `text`) as a route's handler expression, makes route options; undefined when
 *  it is no such function (a wrapper returning a function, a package's, one not found). */
export async function optionsFactory(file: string, text: string, name: string, read: ReadModule): Promise<OptionsFactory | undefined> {
  const d = await jsDeclaringModule(file, text, name, read);
  if (!d) return undefined;
  return withTree(d.text, d.file, (root) => {
    const fn = declaredFunction(root as Node, d.name);
    return fn ? optionsOf(fn) : undefined;
  }).catch(() => undefined);
}
