/**
 * Python module loaders: `importlib.import_module(f"app.routes.{name}")` (also `from importlib import import_module`,
 * relative names with `package=`). Over a literal list (`for name in ["users", "items"]:`, see ./pyLoops) the name is each
 * module in turn; over anything else (`pkgutil.iter_modules(…)`, `os.listdir(…)`) its constant package part names every
 * module of that package (`py:app.plugins.*`, one module after the other at resolve time), so the routers such a loader
 * includes get the prefix written there.
 */
import * as path from 'node:path';
import { named, type SyntaxNode as Node } from '../parsing/nodes';
import { pyArgs } from '../parsing/python';
import type { ModId, Ref } from './model';
import type { PyAnalyzer } from './python';

/** Relative import `from ..a.b import x` in file → module id of `..a.b`. */
export function relativeModule(file: string, dots: number, dotted: string): ModId {
  let dir = path.dirname(file);
  for (let i = 1; i < dots; i++) dir = path.dirname(dir);
  return `file:${dotted ? path.join(dir, ...dotted.split('.')) : dir}`;
}

/** The module `importlib.import_module(name, package)` loads: known, or every module of the package it names. */
export function importModule(A: PyAnalyzer, call: Node, callee: Ref): Ref | null {
  const base = callee.k === 'mem' ? callee.base : callee;
  const name = callee.k === 'mem' ? callee.name : callee.k === 'imp' ? callee.name : '';
  if (name !== 'import_module' || base.k !== 'imp' || base.mod !== 'py:importlib') return null;
  const { pos, kw } = pyArgs(call);
  const arg = pos[0] ?? kw.get('name');
  if (!arg) return null;
  const v = A.evalStr(arg);
  const spec = 's' in v ? v.s : `${constantHead(arg) ?? ''}*`;
  if (spec === '*' || (!('s' in v) && !/(?:^|\.)\*$/.test(spec))) return null;
  const dots = /^\.*/.exec(spec)![0].length;
  const mod: ModId = dots ? relativeModule(A.file, dots, spec.slice(dots)) : `py:${spec}`;
  return { k: 'imp', mod, name: '*' };
}

/** `f"app.plugins.{name}"`, `"app.plugins." + name`, `".%s" % name`: the constant text before the one computed part. */
function constantHead(n: Node): string | null {
  if (n.type === 'binary_operator') {
    const l = n.childForFieldName('left');
    if (l?.type !== 'string' || named(l).some((c) => c.type === 'interpolation')) return null;
    const text = l.text.slice(1, -1);
    // `".%s" % name`: the text before the placeholder; `"app.plugins." + name`: all of it
    if (n.childForFieldName('operator')?.text !== '%') return text;
    const at = text.indexOf('%');
    return at >= 0 && text.indexOf('%', at + 1) < 0 ? text.slice(0, at) : null;
  }
  if (n.type !== 'string') return null;
  const parts = named(n).filter((c) => c.type === 'string_content' || c.type === 'interpolation');
  return parts.length === 2 && parts[0]!.type === 'string_content' && parts[1]!.type === 'interpolation' ? parts[0]!.text : null;
}
