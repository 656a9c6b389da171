/**
 * ES and CommonJS exports of a JavaScript / TypeScript module, recorded on its analyzer (as deferred steps: an
 * export's value is resolved once the whole module is read).
 */
import type { Ref } from './model';
import { jsStringLiteral as unquote, named, type SyntaxNode as Node } from '../parsing/nodes';
import { JS_FUNCTION_TYPES } from '../parsing/javascript';
import { none } from './common';
import type { JsAnalyzer } from './javascript';
import { patternNames } from './jsPatterns';
import { honoxExport } from './honox';

/** `module.exports = { a, b: c, m() {} }`: each property an export; a nested object's properties too, by their key
 *  path (`feed: { get() {} }` exports `feed.get`, what `ctrl.feed.get` names). */
export function jsObjectExports(a: JsAnalyzer, obj: Node, path = ''): void {
  for (const p of named(obj)) {
    if (p.type === 'shorthand_property_identifier') a.setExport(path + p.text, () => a.lookup(p.text, p) ?? none(p));
    else if (p.type === 'pair') {
      const key = p.childForFieldName('key');
      const val = p.childForFieldName('value');
      if (!key || !val) continue;
      const name = path + (unquote(key) ?? key.text);
      a.setExport(name, () => a.refOf(val));
      if (val.type === 'object' && !path) jsObjectExports(a, val, `${name}.`);
    } else if (p.type === 'method_definition') {
      const key = p.childForFieldName('name');
      if (key) a.setExport(path + key.text, () => ({ k: 'fn', id: a.fnId(p) }));
    }
  }
}

/** An ES `export …` statement (re-exports, `export default`, TypeScript `export =`, declarations, clauses). */
export function jsExportStatement(a: JsAnalyzer, n: Node): void {
  honoxExport(a, n);
  const src = n.childForFieldName('source');
  const spec = src ? unquote(src) : null;
  const isDefault = n.children.some((c) => c?.type === 'default');
  const decl = n.childForFieldName('declaration');
  const value = n.childForFieldName('value');
  if (spec !== null) {
    const mod = a.modId(spec);
    const clause = named(n).find((c) => c.type === 'export_clause');
    if (!clause) {
      const ns = named(n).find((c) => c.type === 'namespace_export');
      const id = ns && named(ns)[0];
      if (id) a.setExport(id.text, () => ({ k: 'imp', mod, name: '*' }));
      else a.fa.starExports.push(mod);
      return;
    }
    for (const s of named(clause)) {
      const nm = s.childForFieldName('name');
      const alias = s.childForFieldName('alias') ?? nm;
      if (nm && alias) a.setExport(alias.text, () => ({ k: 'imp', mod, name: nm.text }));
    }
    return;
  }
  if (value) {
    a.setExport('default', () => a.refOf(value));
    a.constExport('default', value);
    a.exportArray('default', value);
    return;
  }
  const first = n.child(1);
  if (n.child(0)?.type === 'export' && first?.type === '=' && n.namedChildren[0]) {
    // TypeScript `export = router`
    const v = n.namedChildren[0];
    a.setExport('default', () => a.refOf(v));
    return;
  }
  if (decl) {
    if (decl.type === 'lexical_declaration' || decl.type === 'variable_declaration') {
      for (const d of named(decl)) {
        const nm = d.childForFieldName('name');
        const v = d.childForFieldName('value');
        if (nm?.type === 'identifier' && v) {
          a.setExport(nm.text, () => a.refOf(v));
          a.constExport(nm.text, v);
        } else if (nm?.type === 'object_pattern')
          for (const { name } of patternNames(nm)) a.setExport(name, () => a.lookup(name, nm) ?? none(nm));
      }
      return;
    }
    const nm = decl.childForFieldName('name');
    const ref = (): Ref =>
      decl.type.includes('class')
        ? { k: 'cls', id: a.clsId(decl) }
        : JS_FUNCTION_TYPES.has(decl.type)
          ? { k: 'fn', id: a.fnId(decl) }
          : none(decl);
    if (isDefault) a.setExport('default', ref);
    if (nm) a.setExport(nm.text, ref);
    return;
  }
  const clause = named(n).find((c) => c.type === 'export_clause');
  for (const s of clause ? named(clause) : []) {
    const nm = s.childForFieldName('name');
    const alias = s.childForFieldName('alias') ?? nm;
    if (nm && alias) a.setExport(alias.text, () => a.lookup(nm.text, nm) ?? none(nm));
  }
}
