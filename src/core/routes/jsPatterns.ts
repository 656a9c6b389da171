/**
 * Object destructuring in JS/TS: the names a pattern binds, each the property at a key path of the destructured value
 * (`{ chapter: chapterEnd }`, nested `{ user: { get: userGet } }`, defaults `{ b = 'x' }`), and the module constants
 * such a binding carries: `export const { chapter: chapterEnd } = endpoints` makes `chapterEnd.post.create` the string
 * at `endpoints.chapter.post.create`, read by importers (values.ts) and by this file alike. Pure.
 */
import { jsStringLiteral as unquote, named, type SyntaxNode as Node } from '../parsing/nodes';
import { unwrapExpr } from '../parsing/javascript';
import type { JsAnalyzer } from './javascript';

/** A name an object pattern binds: the key path it reads and its default value, if written. */
export interface PatternName {
  name: string;
  keys: string[];
  dflt: Node | null;
}

/** The names `pat` binds (rest elements excepted: `...rest` is no single property). */
export function patternNames(pat: Node, keys: string[] = [], depth = 0): PatternName[] {
  if (depth > 8) return [];
  const out: PatternName[] = [];
  const bind = (target: Node | null, path: string[], dflt: Node | null): void => {
    if (target?.type === 'identifier' || target?.type === 'shorthand_property_identifier_pattern')
      out.push({ name: target.text, keys: path, dflt });
    else if (target?.type === 'object_pattern') out.push(...patternNames(target, path, depth + 1));
    else if (target?.type === 'assignment_pattern') bind(target.childForFieldName('left'), path, target.childForFieldName('right'));
  };
  for (const p of named(pat)) {
    if (p.type === 'shorthand_property_identifier_pattern') bind(p, [...keys, p.text], null);
    else if (p.type === 'object_assignment_pattern') {
      const left = p.childForFieldName('left');
      bind(left, [...keys, left?.text ?? ''], p.childForFieldName('right'));
    } else if (p.type === 'pair_pattern') {
      const key = p.childForFieldName('key');
      if (key) bind(p.childForFieldName('value'), [...keys, unquote(key) ?? key.text], null);
    }
  }
  return out;
}

/** `a.b.c` for a chain of plain names and properties, else null. */
function dottedName(n: Node | null): string | null {
  const u = unwrapExpr(n);
  if (u?.type === 'identifier') return u.text;
  if (u?.type !== 'member_expression') return null;
  const base = dottedName(u.childForFieldName('object'));
  const prop = u.childForFieldName('property');
  return base && prop?.type === 'property_identifier' ? `${base}.${prop.text}` : null;
}

/** Where a name a `const { … } = src` declarator binds reads from: the source's root name and the key path below it. */
export function patternSource(decl: Node, name: string): { root: string; keys: string[] } | null {
  const pat = decl.childForFieldName('name');
  const src = dottedName(decl.childForFieldName('value'));
  const p = pat?.type === 'object_pattern' && src ? patternNames(pat).find((x) => x.name === name) : undefined;
  if (!p || !src) return null;
  const [root, ...keys] = src.split('.');
  return { root: root!, keys: [...keys, ...p.keys] };
}

/** The constants module-level destructuring carries over from this file's constant objects (a step run after those
 *  constants are known): every string under the key path the name reads, or the default when the key is absent. */
export function destructuredConsts(A: JsAnalyzer, decl: Node): void {
  const pat = decl.childForFieldName('name');
  const src = dottedName(decl.childForFieldName('value'));
  if (pat?.type !== 'object_pattern' || !src) return;
  const consts = A.fa.consts;
  const keys = Object.keys(consts);
  const root = `${src.split('.')[0]}.`;
  const local = keys.some((k) => k.startsWith(root)); // a constant object of this file: a missing key takes the default
  for (const { name, keys: path, dflt } of patternNames(pat)) {
    if (name in consts) continue;
    const from = [src, ...path].join('.');
    const inner = keys.filter((k) => k.startsWith(`${from}.`));
    for (const k of inner) consts[name + k.slice(from.length)] = consts[k]!;
    if (from in consts) consts[name] = consts[from]!;
    else if (!inner.length && dflt && local) {
      const v = A.evalStr(dflt);
      if ('s' in v) consts[name] = v.s;
    }
  }
}
