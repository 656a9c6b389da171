/**
 * A wrapper plugin: `app.register(async (instance) => { await route(instance) }, { prefix: '/api' })` registers what
 * `route` registers on `instance`, under the prefix. Such a call often sits deeper than the query walk reaches (in the
 * body of a folder loader's `readdirSync(dir).map(async (file) => { … })`: javascript.ts stops at JS_MAX_DEPTH), so the
 * calls of the wrapper's body that pass its parameter are recorded here when the query did not capture them. Pure.
 */
import { lineOf, named, walk, type SyntaxNode as Node } from '../parsing/nodes';
import { isInlineFunction, jsParamNames, unwrapExpr } from '../parsing/javascript';
import { mayBeLocalFunction } from './common';
import { JS_MAX_DEPTH, type JsAnalyzer } from './javascript';
import type { Ref } from './model';

function depth(n: Node): number {
  let d = 0;
  for (let p = n.parent; p; p = p.parent) d++;
  return d;
}

/** The calls `f(instance)` in the body of the inline plugin `fn` that the query walk did not reach. */
export function wrapperCalls(A: JsAnalyzer, fn0: Node): void {
  const fn = unwrapExpr(fn0);
  const param = fn && isInlineFunction(fn) ? jsParamNames(fn)[0] : null;
  const body = fn?.childForFieldName('body');
  if (!fn || !param || !body || depth(body) < JS_MAX_DEPTH) return;
  // the function is no scope of the analysis (found past the walk): its parameter is named here
  const own: Ref = { k: 'param', fn: A.fnId(fn), i: 0 };
  const passed = (a: Node) => a.type === 'identifier' && a.text === param;
  walk(body, (n) => {
    if (isInlineFunction(n)) return false;
    const args = n.type === 'call_expression' ? n.childForFieldName('arguments') : null;
    const argv = args ? named(args) : []; // below `body`, so past the walk's depth
    const callee = argv.some(passed) ? A.refOf(n.childForFieldName('function')!) : null;
    if (callee && mayBeLocalFunction(callee))
      A.fa.calls.push({ callee, args: argv.map((a) => (passed(a) ? own : A.refOf(a))), line: lineOf(n) });
    return true;
  });
}
