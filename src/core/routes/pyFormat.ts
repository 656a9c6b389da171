/**
 * Python string building in the static string evaluator (./pyValues), each form given how to evaluate a part (a
 * loader's module name reads them too: ./pyLoaders): f-strings, `a + b`, `'app.{}.routes'.format(name)` (automatic
 * `{}`, numbered `{0}` and keyword `{name}` fields, `{{` / `}}` escapes) and `'/api/%s' % name` / `'%s/%s' % (a, b)`
 * (`%s` and `%%`). Each argument is evaluated like any string (a constant, a loop's name at the element being read); a
 * field with a format spec or conversion (`{:>5}`, `{!r}`, `%d`) leaves the whole string an expression. Pure.
 */
import { named, type SyntaxNode as Node } from '../parsing/nodes';
import { pyArgs } from '../parsing/python';
import { clip, concatVals } from './common';
import type { Val } from './model';

type Eval = (n: Node) => Val;

const unknown = (n: Node): Val => ({ e: clip(n.text), why: 'expression' });

/** The text of a plain string literal (no f-string substitutions, no prefix), or null. */
function literal(n: Node | null): string | null {
  if (n?.type !== 'string' || !/^['"]/.test(n.text)) return null;
  const parts = named(n).filter((c) => c.type !== 'string_start' && c.type !== 'string_end');
  return parts.every((c) => c.type === 'string_content') ? parts.map((c) => c.text).join('') : null;
}

/** A string literal, an f-string's substitutions evaluated (one with a format spec or conversion stays an expression). */
export function pyFString(n: Node, ev: Eval): Val {
  const vals: Val[] = [];
  for (const c of n.children) {
    if (!c) continue;
    // `{{` / `}}` of an f-string are literal braces (`f"{base}/users/{{user_id}}"`: `/users/{user_id}`)
    if (c.type === 'string_content')
      vals.push({ s: c.children.some((x) => x?.type === 'escape_interpolation') ? c.text.replace(/\{\{|\}\}/g, (m) => m[0]!) : c.text });
    else if (c.type === 'interpolation') {
      const e = c.childForFieldName('expression');
      const hasFormat = named(c).some((x) => x.type === 'format_specifier' || x.type === 'type_conversion');
      vals.push(e && !hasFormat ? ev(e) : unknown(c));
    }
  }
  return concatVals(vals, n, 'f-string with substitutions');
}

/** `a + b`: the two sides concatenated, or null when `n` is no `+`. */
export function pyConcat(n: Node, ev: Eval): Val | null {
  const l = n.childForFieldName('left');
  const r = n.childForFieldName('right');
  if (!l || !r || n.childForFieldName('operator')?.text !== '+') return null;
  return concatVals([ev(l), ev(r)], n, 'string concatenation with variables');
}

/** `'…{}…'.format(args)`: the formatted string, or null when `call` is no `.format` on a string literal. */
export function pyStrFormat(call: Node, ev: Eval): Val | null {
  const f = call.childForFieldName('function');
  const template =
    f?.type === 'attribute' && f.childForFieldName('attribute')?.text === 'format' ? literal(f.childForFieldName('object')) : null;
  if (template === null) return null;
  const { pos, kw } = pyArgs(call);
  const vals: Val[] = [];
  let auto = 0;
  const re = /\{\{|\}\}|\{([^{}]*)\}|[{}]/g;
  let last = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    vals.push({ s: template.slice(last, m.index) });
    last = re.lastIndex;
    if (m[0] === '{{' || m[0] === '}}') {
      vals.push({ s: m[0][0]! });
      continue;
    }
    const field = m[1];
    if (field === undefined || !/^\w*$/.test(field)) return unknown(call); // a stray brace, a spec or a conversion
    const arg = field === '' ? pos[auto++] : /^\d+$/.test(field) ? pos[Number(field)] : kw.get(field);
    if (!arg) return unknown(call);
    vals.push(ev(arg));
  }
  vals.push({ s: template.slice(last) });
  return concatVals(vals, call, 'formatted string with variables');
}

/** `'/api/%s' % name`, `'%s/%s' % (a, b)`: the formatted string, or null when `n` is no `%` on a string literal. */
export function pyPercentFormat(n: Node, ev: Eval): Val | null {
  const template = n.childForFieldName('operator')?.text === '%' ? literal(n.childForFieldName('left')) : null;
  const right = n.childForFieldName('right');
  if (template === null || !right) return null;
  const args = right.type === 'tuple' ? named(right) : [right];
  const vals: Val[] = [];
  let i = 0;
  const re = /%(.?)/g;
  let last = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    vals.push({ s: template.slice(last, m.index) });
    last = re.lastIndex;
    if (m[1] === '%') vals.push({ s: '%' });
    else if (m[1] === 's' && args[i]) vals.push(ev(args[i++]!));
    else return unknown(n);
  }
  if (i !== args.length) return unknown(n);
  vals.push({ s: template.slice(last) });
  return concatVals(vals, n, 'formatted string with variables');
}
