/**
 * `self` in a method of a Python class with bases: a Flask or FastAPI subclass is the app (`class Server(Flask)`, its
 * routes registered in methods called from `__init__`: `@self.route("/x")`, `self.register_blueprint(bp)`,
 * `self.include_router(r)`), an `APIRouter` subclass the router. The first parameter of such a method is recorded as an
 * object made by its class (`ctor`), standing for the instances: when the class derives from a framework app or router
 * (also through project bases, across files), the resolver links it to every instance the project creates (`server =
 * Server()`, `app = Portal(__name__)` in a factory, an instance of a subclass), so its routes are where those are; with
 * no instance they stay unmounted. Any other class's `self` stays the parameter (`via`). An instance of a subclass of
 * Flask-RESTful / RESTX / flask-smorest `Api` is bound to the app it is constructed with (`api = TodolistApi(app)`), as
 * `Api(app)` is. Pure.
 */
import { lineOf, named, type SyntaxNode as Node } from '../parsing/nodes';
import { pyArgs } from '../parsing/python';
import type { ClassDecl, FileAnalysis, Ref } from './model';
import type { Framework } from './types';
import { key } from './refs';
import type { Ent } from './values';
import type { PyAnalyzer } from './python';

/** The value of a name: the object standing for the instances when it is `self` of a method of a class with bases. */
export function pySelf(A: PyAnalyzer, r: Ref | null): Ref | null {
  if (r?.k !== 'param' || r.i !== 0) return r;
  const fn = A.fnNodes[r.fn];
  let def = fn?.parent;
  if (def?.type === 'decorated_definition') {
    if (named(def).some((d) => d.type === 'decorator' && /^@(staticmethod|classmethod)\b/.test(d.text))) return r;
    def = def.parent;
  }
  const cls = def?.type === 'block' ? def.parent : null;
  const name = cls?.type === 'class_definition' ? cls.childForFieldName('name') : null;
  const sup = cls?.childForFieldName('superclasses');
  if (!fn || !cls || !name || !sup || !named(sup).some((b) => b.type === 'identifier' || b.type === 'attribute')) return r;
  const obj = A.objectAt(fn, { framework: 'flask', kind: 'app', name: 'self', prefix: () => null, ctor: A.classRef(cls, name), via: r });
  if (obj.k === 'obj') A.fa.objects[obj.id]!.self = true;
  return obj;
}

/**
 * Each `self` object with the instances of its class and of the classes deriving from it (where each is created).
 * `made` says whether an object is an instance of a framework subclass.
 */
export function selfInstances(
  files: ReadonlyMap<string, FileAnalysis>,
  resolve: (file: string, ref: Ref) => Ent | null,
  made: (file: string, id: number) => boolean,
): { self: Ent; inst: Ent; line: number }[] {
  const selves = new Map<string, Ent[]>();
  const instances: { o: Ent; cls: Ent; line: number }[] = [];
  for (const fa of files.values())
    for (const o of fa.objects) {
      const cls = o.ctor && made(fa.file, o.id) ? resolve(fa.file, o.ctor) : null;
      if (cls?.t !== 'cls') continue;
      const e: Ent = { t: 'obj', file: fa.file, id: o.id };
      if (o.self) selves.set(key(cls), [...(selves.get(key(cls)) ?? []), e]);
      else instances.push({ o: e, cls, line: o.line });
    }
  const out: { self: Ent; inst: Ent; line: number }[] = [];
  if (!selves.size) return out;
  for (const { o, cls, line } of instances) {
    // the instance's class and its project bases (a method of a base registers on the subclass's instance)
    const seen = new Set<string>();
    for (let todo: Ent[] = [cls]; todo.length && seen.size < 16;) {
      const c = todo.pop()!;
      if (c.t !== 'cls' || seen.has(key(c))) continue;
      seen.add(key(c));
      for (const s of selves.get(key(c)) ?? []) out.push({ self: s, inst: o, line });
      for (const s of files.get(c.file)?.classes[c.id]?.supers ?? []) todo.push(resolve(c.file, s) ?? c);
    }
  }
  return out;
}

/** The base a framework class gives its project subclasses (`class TodolistApi(Api)`: an `Api`, bound to an app). */
export function frameworkBase(ctor: { framework: Framework; kind: 'app' | 'router'; name: string }): NonNullable<ClassDecl['base']> {
  const flag = ctor.name === 'Api' ? { api: true as const } : ctor.name === 'Namespace' ? { namespace: true as const } : {};
  return { framework: ctor.framework, kind: ctor.kind, ...flag };
}

/** `api = TodolistApi(app)` (a call of a project class): the mount of the instance under its first argument, kept by
 *  the resolver only when the class derives from `Api` (Mount.ifApi). */
export function pyApiBinding(A: PyAnalyzer, call: Node, callee: Ref): ((child: Ref) => void) | undefined {
  const { pos, kw } = pyArgs(call);
  const target = callee.k === 'fn' ? undefined : (pos[0] ?? kw.get('app'));
  if (!target) return undefined;
  return (child) => A.fa.mounts.push({ parent: A.refOf(target), child, prefix: null, line: lineOf(call), kind: 'include', ifApi: true });
}
