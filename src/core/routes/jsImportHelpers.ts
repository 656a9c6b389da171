/**
 * A project helper that loads the module it is given: `const loadRoute = async (p) => (await import(p)).default`,
 * `function load(file) { return require(file); }`, `async (p) => { const m = await import(p); return m.router; }`. A call
 * of it (`router.use('/contact', await loadRoute(resolve(__dirname, './contact/route.ts')))`) is that module, or the
 * member of it the helper returns, when the argument names a module statically (./jsLoops, computedModule); a name read
 * at run time stays unknown. One level: the helper is a function of this file whose returned value imports its
 * parameter. Pure.
 */
import { type Ref } from './model';
import { derived, named, type SyntaxNode as Node } from '../parsing/nodes';
import { jsParamNames, unwrapExpr } from '../parsing/javascript';
import type { JsAnalyzer } from './javascript';
import { none } from './common';

interface Helper {
  /** The parameter the helper loads. */
  param: number;
  load: 'import' | 'require';
  /** The member of the module it returns (`.default`), if any. */
  prop?: string;
}

/** The value of a call `call` of the project function `callee` with arguments `argv` when that function is an import
 *  helper; null when it is not one. */
export function importHelperCall(A: JsAnalyzer, callee: Ref, argv: readonly Node[], call: Node): Ref | null {
  const fn = callee.k === 'fn' ? A.fnNode(callee.id) : undefined;
  const h = fn ? derived(fn, 'importHelper', () => helperOf(A, fn)) : null;
  const arg = h ? argv[h.param] : undefined;
  if (!h || !arg) return null;
  const mod = A.loops.computedModule(arg, call);
  if (mod === null) return none(call);
  const base: Ref = { k: 'imp', mod, name: h.load === 'import' ? '*' : 'cjs' };
  return h.prop ? { k: 'mem', base, name: h.prop } : base;
}

/** A lazy loader of a module: `() => import('./web')`, `() => require('./web')`, `async () => (await import('./web')).default`
 *  (a value of an object of services loaded on demand, read by ./jsKeyedCalls and callGraph.ts). */
export function isLoaderThunk(A: JsAnalyzer, fn: Node): boolean {
  if (jsParamNames(fn).length) return false;
  let e = unwrapExpr(A.returnedExpr(fn) ?? null);
  if (e?.type === 'member_expression') e = unwrapExpr(e.childForFieldName('object'));
  const f = e?.type === 'call_expression' ? e.childForFieldName('function') : null;
  return f?.type === 'import' || (f?.type === 'identifier' && f.text === 'require');
}

function helperOf(A: JsAnalyzer, fn: Node): Helper | null {
  let e = unwrapExpr(A.returnedExpr(fn) ?? null);
  let prop: string | undefined;
  if (e?.type === 'member_expression') {
    const p = e.childForFieldName('property');
    if (p?.type !== 'property_identifier') return null;
    prop = p.text;
    e = unwrapExpr(e.childForFieldName('object'));
  }
  if (e?.type === 'identifier') e = unwrapExpr(localValue(fn, e.text)); // `const m = await import(p); return m.default`
  if (e?.type !== 'call_expression') return null;
  const f = e.childForFieldName('function');
  const load = f?.type === 'import' ? 'import' : f?.type === 'identifier' && f.text === 'require' ? 'require' : null;
  const args = e.childForFieldName('arguments');
  const a = args ? named(args) : [];
  if (!load || a.length !== 1 || a[0]!.type !== 'identifier') return null;
  const param = jsParamNames(fn).indexOf(a[0]!.text);
  return param < 0 ? null : { param, load, ...(prop ? { prop } : {}) };
}

/** The value of a `const` the function's body declares at its top level, when it declares it once. */
function localValue(fn: Node, name: string): Node | null {
  const body = fn.childForFieldName('body');
  if (body?.type !== 'statement_block') return null;
  const found = named(body)
    .filter((s) => s.type === 'lexical_declaration' && s.text.startsWith('const'))
    .flatMap((s) => named(s).filter((d) => d.type === 'variable_declarator' && d.childForFieldName('name')?.text === name));
  return found.length === 1 ? found[0]!.childForFieldName('value') : null;
}
