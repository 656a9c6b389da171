/**
 * String helpers of the static string evaluator (JS/TS): a project function of one parameter whose body returns string
 * methods applied to it (`(p) => p.replace(/\/v\d+$/, '')`, `` (p) => `/api${p}` ``, `p.slice(1)`, `p.trim()`), also
 * behind guards on the parameter (`if (!p) return ''`) and inside `try { … } catch`, is a NameExpr over the parameter
 * (./folderLoops). A call of one with a known argument (`scoped('/x')`, `strip(APP_CONFIG.BASE_API_PATH)`) is the string
 * it returns: one level of call, across files through the resolver (./values). The helper comes from the repository:
 * its regular expressions run with RE2 (linear time, no backtracking; patterns of at most 256 characters, RE2 syntax
 * only: no backreferences or lookarounds), on arguments of at most 256 characters; otherwise the call stays unknown,
 * with the reason. Pure.
 */
import { named, type SyntaxNode as Node } from '../parsing/nodes';
import { clip } from './common';
import { configured } from './configValues';
import { evalName, re2, type NameExpr, type NameFns } from './folderLoops';
import { helper } from './jsFolderLoops';
import type { JsAnalyzer } from './javascript';
import type { Val } from './model';

/** The longest argument a helper is evaluated on. */
const MAX_ARG = 256;

/** What a function body returns, over its parameter, as `ev` reads expressions: an arrow's expression, or a block of
 *  `const` declarations, guards `if (test) return …` (no `else`) and `try { … } catch` (a string method does not throw)
 *  ending in a `return`; else null. */
export function helperBody(fn: Node, ev: (n: Node) => NameExpr | null): NameExpr | null {
  const body = fn.childForFieldName('body');
  if (!body) return null;
  return body.type === 'statement_block' ? statements(named(body), ev, 0) : ev(body);
}

function statements(list: readonly Node[], ev: (n: Node) => NameExpr | null, depth: number): NameExpr | null {
  if (depth > 8) return null;
  const st = list.filter((s) => s.type !== 'comment' && s.type !== 'empty_statement');
  for (let i = 0; i < st.length; i++) {
    const s = st[i]!;
    switch (s.type) {
      case 'return_statement': {
        const e = named(s)[0];
        return e ? ev(e) : null;
      }
      case 'lexical_declaration': // a name the returned expression reads (followed by ev within the function)
        if (s.child(0)?.text !== 'const') return null;
        continue;
      case 'if_statement': {
        const cond = s.childForFieldName('condition');
        const then = s.childForFieldName('consequence');
        if (!cond || !then || s.childForFieldName('alternative')) return null;
        const test = ev(cond);
        const a = statements(then.type === 'statement_block' ? named(then) : [then], ev, depth + 1);
        const b = a && statements(st.slice(i + 1), ev, depth + 1);
        return test && a && b ? { k: 'call', fn: 'pick', on: test, args: [a, b] } : null;
      }
      case 'try_statement': {
        const block = s.childForFieldName('body');
        if (!block || s.childForFieldName('finalizer')) return null;
        return statements([...named(block), ...st.slice(i + 1)], ev, depth + 1);
      }
      default:
        return null;
    }
  }
  return null;
}

/** Why a helper cannot be evaluated on `arg`, or null when it can: a regular expression RE2 refuses, a long argument. */
function refusal(x: NameExpr, arg: string, depth = 0): string | null {
  if (arg.length > MAX_ARG) return `argument longer than ${MAX_ARG} characters`;
  if (depth > 24) return 'helper too deep';
  switch (x.k) {
    case 're':
      if (re2(x.re, x.flags)) return null;
      return x.re.length > 256
        ? 'regular expression longer than 256 characters'
        : `regular expression /${clip(x.re, 40)}/ is not RE2 syntax (a backreference or lookaround): not run`;
    case 'cat':
      return x.parts.reduce<string | null>((w, p) => w ?? refusal(p, arg, depth + 1), null);
    case 'call':
      return [x.on, ...x.args].reduce<string | null>((w, p) => w ?? (p ? refusal(p, arg, depth + 1) : null), null);
    case 'fn':
      return refusal(x.arg, arg, depth + 1) ?? (x.body ? refusal(x.body, arg, depth + 1) : null);
    default:
      return null;
  }
}

/** The string helper `x` (a `{ k: 'fn' }` over the entry) returns for the argument `arg`, with its provenance when the
 *  argument is a configuration default; else the reason. */
export function applyHelper(x: NameExpr, arg: { s: string; src?: string }, text: string, fns?: NameFns): Val {
  const body = x.k === 'fn' ? (x.body ?? (x.mod && x.name && fns ? fns(x.mod, x.name) : null)) : null;
  if (!body) return { e: clip(text), why: 'function call' }; // not a string helper of the project
  const why = refusal(body, arg.s);
  const out = why ? null : evalName(x, arg.s, arg.s, fns);
  if (typeof out === 'string') return arg.src ? { s: out, src: configured(text, out) } : { s: out };
  return { e: clip(text), why: `function call (${why ?? 'helper gives no string for this argument'})` };
}

/** `scoped('/x')`: a call of a project function of one parameter, its argument's value through the helper's body. An
 *  imported helper, or an argument another module knows, is left to the resolver as a `strfn` reference. */
export function helperCall(A: JsAnalyzer, n: Node, arg: (a: Node) => Val): Val | null {
  const f = n.childForFieldName('function');
  const args = named(n.childForFieldName('arguments')!);
  if ((f?.type !== 'identifier' && f?.type !== 'member_expression') || args.length !== 1) return null;
  const x = helper(A, f, { k: 'entry' });
  if (x?.k !== 'fn') return null;
  const v = arg(args[0]!);
  if ('s' in v && x.body) return applyHelper(x, v, n.text);
  if ('s' in v || v.ref || v.parts) return { e: clip(n.text), why: 'function call', ref: { k: 'strfn', x, arg: v } };
  return { e: clip(n.text), why: `function call (its argument is a ${v.why})` };
}
