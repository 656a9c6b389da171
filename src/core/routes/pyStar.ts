/**
 * Python `from m import *`: the names it binds. In a package `__init__` they are re-exported (`fa.starExports`, followed
 * by refs.ts and values.ts); in a consumer module (`from application.api import *` then
 * `app.register_blueprint(auth_blueprint)`) a name the module does not bind itself is the star imports' (the last
 * one that gives it wins). A module's star-importable names: its literal `__all__`, else its names not starting with
 * `_`.
 */
import type { FileAnalysis, ModId, Ref } from './model';
import { named, type SyntaxNode as Node } from '../parsing/nodes';
import type { PyAnalyzer } from './python';

/** Star imports of one module followed (a module star-importing more is read through its last ones). */
const MAX_STAR_MODULES = 16;

const BUILTINS = new Set(
  (
    'print len str int float bool list dict set tuple type object super range enumerate zip map filter sorted reversed ' +
    'min max sum any all abs round isinstance issubclass hasattr getattr setattr delattr callable iter next open repr ' +
    'format id hash vars dir globals locals property staticmethod classmethod Exception ValueError TypeError KeyError ' +
    'RuntimeError NotImplementedError __name__ __file__ __package__ __doc__ True False None self cls'
  ).split(' '),
);

/** The value of identifier `n` that no scope binds, when the module star-imports: the name looked up in this module
 *  itself (refs.ts `exportOf` then follows its star imports); null otherwise. */
export function pyStarName(A: PyAnalyzer, n: Node): Ref | null {
  if (!A.fa.starExports.length || BUILTINS.has(n.text) || boundByConstruct(n)) return null;
  return { k: 'imp', mod: `file:${A.file}`, name: n.text };
}

/** Is `ref` a name looked up through the star imports of `file` (pyStarName)? */
export function isStarName(ref: Ref, file: string): boolean {
  return ref.k === 'imp' && ref.mod === `file:${file}`;
}

/** The star imports of `fa` in the order a name is looked up in them: Python's last star import wins. */
export function starLookupOrder(fa: FileAnalysis): ModId[] {
  const mods = fa.starExports.slice(-MAX_STAR_MODULES);
  return fa.language === 'python' ? mods.reverse() : mods;
}

/** Does `from <target> import *` bind `name`? (JS `export *` gives every name but `default`, decided by the caller.) */
export function starGives(target: FileAnalysis | undefined, name: string): boolean {
  if (target?.language !== 'python') return true;
  return target.pyAll ? target.pyAll.includes(name) : !name.startsWith('_');
}

/** `__all__ = ["a", "b"]` at module level: the names `from m import *` binds (undefined when not a literal). */
export function pyAllAssign(A: PyAnalyzer, left: Node, right: Node): void {
  if (left.text !== '__all__' || A.scopeRange(left).end !== Infinity) return;
  const strs = right.type === 'list' || right.type === 'tuple' ? named(right) : [];
  const names = strs.map((s) => (s.type === 'string' ? literalText(s) : null));
  if (names.length === strs.length && names.every((s): s is string => s !== null) && A.fa.pyAll === undefined) A.fa.pyAll = names;
  else A.fa.pyAll = null; // not a literal list, or assigned twice: read as the public names
}

function literalText(s: Node): string | null {
  const parts = named(s);
  if (parts.some((p) => p.type === 'interpolation')) return null;
  const content = parts.find((p) => p.type === 'string_content');
  return content ? content.text : parts.every((p) => p.type !== 'string_content') ? '' : null;
}

/** A name bound by a `for`, a comprehension or a `with … as` around `n` (not a module name). */
function boundByConstruct(n: Node): boolean {
  let p = n.parent;
  for (let i = 0; p && i < 40; i++, p = p.parent) {
    const targets: (Node | null)[] = [];
    if (p.type === 'for_statement') targets.push(p.childForFieldName('left'));
    if (/comprehension|generator_expression/.test(p.type))
      for (const c of named(p)) if (c.type === 'for_in_clause') targets.push(c.childForFieldName('left'));
    if (p.type === 'with_statement') targets.push(...asTargets(p, 0));
    if (targets.some((t) => t && hasIdentifier(t, n.text, n))) return true;
  }
  return false;
}

function asTargets(n: Node, depth: number): Node[] {
  if (n.type === 'as_pattern_target') return [n];
  if (depth > 3 || n.type === 'block') return [];
  return named(n).flatMap((c) => asTargets(c, depth + 1));
}

function hasIdentifier(t: Node, name: string, not: Node): boolean {
  if (t.type === 'identifier') return t.text === name && t.id !== not.id;
  if (t.type === 'block' || t.type === 'call' || t.type === 'attribute') return false;
  return named(t).some((c) => hasIdentifier(c, name, not));
}

const FRAMEWORK_PKGS = new Set(['fastapi', 'flask', 'apiflask', 'flask_restful', 'flask_restx', 'flask_restplus', 'flask_smorest']);

/** `from flask_restful import *` then `Api(app)`: the framework package a star-imported constructor comes from (the
 *  last such star import); null when none is one (the name is then judged by itself). */
export function pyStarPackage(fa: FileAnalysis): string | null {
  return starLookupOrder(fa).find((m) => m.startsWith('py:') && FRAMEWORK_PKGS.has(m.slice(3).split('.')[0]!)) ?? null;
}
