/**
 * The Python half of the static string evaluator: literals, f-strings and concatenations of known parts, names assigned
 * once (module constants, class fields, locals of a factory), and configuration defaults (./configValues: getenv,
 * settings classes, app.config); anything else stays an expression, with a reference resolved across files when it may
 * be an imported constant. Pure.
 */
import { lineOf, named, type SyntaxNode as Node } from '../parsing/nodes';
import { pyArgs } from '../parsing/python';
import { clip, concatVals, toMethod } from './common';
import { configured, pyConfigCall, pySubscript } from './configValues';
import type { RawRoute, Val, ValPart } from './model';
import { pyConcat, pyFString, pyPercentFormat, pyStrFormat } from './pyFormat';
import { pyFolderVal } from './pyLoaders';
import type { HttpMethod } from './types';
import type { PyAnalyzer } from './python';
import { pyStarName } from './pyStar';
import { pyLoopElement } from './pyEach';
import { pyEnvReaderCall } from './pyEnvReaders';

/** Expressions that may compute a string from a folder entry's name. */
const FOLDER_NAMES = new Set(['identifier', 'string', 'binary_operator', 'attribute', 'subscript', 'call']);

/** Evaluates a string expression statically (literals, module constants, f-strings of constants, +). */
export function pyEvalStr(A: PyAnalyzer, n: Node, depth = 0): Val {
  if (depth > 8) return { e: clip(n.text), why: 'expression' };
  const ev = (c: Node): Val => pyEvalStr(A, c, depth + 1);
  // computed from the name of a module a loop over a package reads: evaluated per module by the resolver
  const each = FOLDER_NAMES.has(n.type) ? pyFolderVal(A, n) : null;
  if (each) return each;
  switch (n.type) {
    case 'string':
      return pyFString(n, ev);
    case 'concatenated_string':
      return concatVals(
        named(n).map((c) => pyEvalStr(A, c, depth + 1)),
        n,
        'string concatenation with variables',
      );
    case 'binary_operator': {
      return pyConcat(n, ev) ?? pyPercentFormat(n, ev) ?? { e: clip(n.text), why: 'expression' };
    }
    case 'parenthesized_expression': {
      const c = named(n)[0];
      return c ? pyEvalStr(A, c, depth + 1) : { e: clip(n.text), why: 'expression' };
    }
    case 'identifier': {
      const bound = A.loopEl ? A.boundTo(n.text) : undefined; // a loop's name, at the element being read
      if (bound !== undefined) return bound ? pyEvalStr(A, bound, depth + 1) : { e: clip(n.text), why: 'expression' };
      const el = pyLoopElement(A, n); // a loop's name over a sequence read per element by the resolver
      if (el) return { e: n.text, why: 'variable', ref: el };
      const right = A.assignedOnce(n) ?? A.assignedBefore(n);
      if (right && right.type !== 'identifier') {
        const v = pyEvalStr(A, right, depth + 1);
        if ('s' in v || v.ref || v.parts) return v; // a constant, or one of another module
      }
      const ref = A.lookup(n.text, n) ?? pyStarName(A, n);
      if (ref && (ref.k === 'imp' || ref.k === 'param')) return { e: n.text, why: 'variable', ref };
      return { e: n.text, why: 'variable' };
    }
    case 'attribute':
      return { e: clip(n.text), why: 'attribute', ref: A.refOf(n) };
    case 'call':
      return pyStrFormat(n, ev) ?? pyConfigCall(n, ev) ?? pyEnvReaderCall(A, n, ev) ?? { e: clip(n.text), why: 'function call' };
    case 'subscript':
      return pySubscript(n, ev) ?? { e: clip(n.text), why: 'expression' };
    case 'boolean_operator': {
      // os.getenv("API_PREFIX") or "/api"
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      const lv = l && n.childForFieldName('operator')?.text === 'or' ? ev(l) : null;
      const rv = lv && r ? ev(r) : null;
      if (lv && 's' in lv) return lv.s ? lv : (rv ?? lv);
      return rv && 's' in rv ? { s: rv.s, src: configured(l!.text, rv.s) } : { e: clip(n.text), why: 'expression' };
    }
    default:
      return { e: clip(n.text), why: 'expression' };
  }
}

/** flask_restx `Namespace(name, path=None)` / `api.namespace(...)`: path defaults to '/' + name. */
export function pyNamespacePrefix(A: PyAnalyzer, call: Node): Val | null {
  const { pos, kw } = pyArgs(call);
  const p = kw.get('path');
  const nm = pos[0] ?? kw.get('name');
  const v = nm ? A.evalStr(nm) : null;
  return p ? A.evalStr(p) : v && 's' in v ? { s: `/${v.s}` } : null;
}

/** Right-hand sides a module constant is read from: a string expression, or a literal list of HTTP methods. */
export const PY_MODULE_CONST = new Set(['string', 'concatenated_string', 'binary_operator', 'call', 'boolean_operator', 'list', 'tuple']);

/**
 * The constant `name = right` holds, under the key the evaluator looks it up by: a string under `name`, a literal list
 * of HTTP methods as `GET,POST` under `name[]` (no Python name holds `[]`), which a `methods=` naming it reads
 * (`register_methods: list[str] = ["POST"]` of a settings class, `methods=settings.auth.register_methods`).
 */
export function pyConst(A: PyAnalyzer, name: string, right: Node): { key: string; v: { s: string; src?: string } } | null {
  const list = literalMethods(A, right);
  if (list) return list.length && !list.includes(null) ? { key: `${name}[]`, v: { s: list.join(',') } } : null;
  const v = A.evalStr(right);
  return 's' in v ? { key: name, v } : null;
}

/** The methods of a literal list, tuple or set (null for an element that is no HTTP method); null for anything else. */
function literalMethods(A: PyAnalyzer, n: Node): (HttpMethod | null)[] | null {
  if (n.type !== 'list' && n.type !== 'tuple' && n.type !== 'set') return null;
  return named(n).map((c) => {
    const v = A.evalStr(c);
    return 's' in v ? toMethod(v.s) : null;
  });
}

/**
 * A literal list whose elements are methods or constants of another module (`methods=[post_method, get_method]`, each
 * imported from a strings module): the elements joined by `,` for the resolver to read (`methodVal`); null when an
 * element is neither (a call, an unknown local), at most MAX_METHOD_ELEMENTS of them.
 */
function elementsOfElsewhere(A: PyAnalyzer, n: Node): Val | null {
  const els = named(n);
  if (!els.length || els.length > MAX_METHOD_ELEMENTS) return null;
  const parts: ValPart[] = [];
  for (const [i, c] of els.entries()) {
    const v = A.evalStr(c);
    const m = 's' in v ? toMethod(v.s) : null;
    if (i) parts.push(',');
    if (m) parts.push(m);
    else if ('e' in v && (v.ref?.k === 'imp' || v.ref?.k === 'mem') && !v.parts) parts.push({ e: v.e, ref: v.ref });
    else return null;
  }
  return { e: clip(n.text), why: 'variable', parts };
}

/** The elements of a `methods=` list read one by one (HTTP has few methods; a longer list is no method list). */
const MAX_METHOD_ELEMENTS = 16;

/**
 * `methods=["GET", "POST"]` of a route decorator or add_url_rule, `dflt` when absent; also a name bound to such a list,
 * or a constant list of another module or a settings class (`methods=settings.api.auth.register_methods`), which the
 * resolver reads (`methodVal`). Methods that cannot be read are any method (`ALL`: the lens then counts every method's
 * traffic on the path, and instrumentation labels the request's own), never the default.
 */
export function pyMethodsArg(A: PyAnalyzer, n: Node | null, dflt: HttpMethod[]): Pick<RawRoute, 'methods' | 'methodVal'> {
  if (!n) return { methods: dflt };
  const listNode = n.type === 'identifier' ? (A.assignedOnce(n) ?? n) : n;
  const list = literalMethods(A, listNode);
  const known = [...new Set(list?.filter((m) => m !== null))];
  const later = list?.includes(null) ? elementsOfElsewhere(A, listNode) : null;
  if (later) return { methods: known.length ? known : ['ALL'], methodVal: later };
  if (list && (known.length || !list.length)) return { methods: known.length ? known : dflt };
  const v = list ? null : A.evalStr(n);
  const ref = v && 'e' in v ? v.ref : undefined;
  if (ref?.k === 'imp' || ref?.k === 'mem')
    return { methods: ['ALL'], methodVal: { e: clip(n.text), why: 'variable', ref: { ...ref, name: `${ref.name}[]` } } };
  A.fa.notes.push(`line ${lineOf(n)}: methods=${clip(n.text, 40)} cannot be read statically; reported as ALL (any method)`);
  return { methods: ['ALL'] };
}
