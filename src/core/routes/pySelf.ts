/**
 * `self` in a method of a Python class with bases: a Flask or FastAPI subclass is the app (`class Server(Flask)`, its
 * routes registered in methods called from `__init__`: `@self.route("/x")`, `self.register_blueprint(bp)`,
 * `self.include_router(r)`), an `APIRouter` subclass the router. The first parameter of such a method is recorded as an
 * object made by its class (`ctor`), standing for the instances: when the class derives from a framework app or router
 * (also through project bases, across files), the resolver links it to every instance the project creates (`server =
 * Server()`, `app = Portal(__name__)` in a factory, an instance of a subclass), so its routes are where those are; with
 * no instance they stay unmounted. Any other class's `self` stays the parameter (`via`), but `self.app` is what a method
 * assigns to it (`self.app = FastAPI()` in `__init__`, routes on `@self.app.get` in another method). An instance of a subclass of
 * Flask-RESTful / RESTX / flask-smorest `Api` is bound to the app it is constructed with (`api = TodolistApi(app)`), as
 * `Api(app)` is. Pure.
 */
import { lineOf, named, rangeOf, type SourceRange, type SyntaxNode as Node } from '../parsing/nodes';
import { pyArgs, pyParamNames } from '../parsing/python';
import type { ClassDecl, FileAnalysis, Ref } from './model';
import type { Framework } from './types';
import { key } from './refs';
import type { Ent } from './values';
import type { PyAnalyzer } from './python';
import { pyMethodKind } from './pyMethods';

/** The value of a name: the object standing for the instances when it is `self` of a method of a class with bases. */
export function pySelf(A: PyAnalyzer, r: Ref | null): Ref | null {
  const { fn, cls, name } = methodClass(A, r);
  const sup = cls?.childForFieldName('superclasses');
  if (!fn || !cls || !name || !sup || !named(sup).some((b) => b.type === 'identifier' || b.type === 'attribute')) return r;
  const obj = A.objectAt(fn, { framework: 'flask', kind: 'app', name: 'self', prefix: () => null, ctor: A.classRef(cls, name), via: r! });
  if (obj.k === 'obj') A.fa.objects[obj.id]!.self = true;
  return obj;
}

/** The head of a class statement (from `class` to its name): where the routes it makes by being defined are. */
export function pyClassHead(n: Node, name: Node): SourceRange {
  return { start: rangeOf(n).start, end: rangeOf(name).end };
}

/** A call of a method on the first parameter of a method (`self.register(Users, "/users")`, `cls.attach(api)`). */
export function pySelfCall(A: PyAnalyzer, callee: Ref): boolean {
  if (callee.k !== 'mem') return false;
  const b = callee.base.k === 'obj' && A.fa.objects[callee.base.id]?.self ? A.fa.objects[callee.base.id]!.via : callee.base;
  return !!methodClass(A, b ?? null, true).cls;
}

/** The class whose (instance) method's first parameter `r` is: `self`; nothing for a static or class method (unless
 *  `classes`: then a class method's `cls` too). */
function methodClass(A: PyAnalyzer, r: Ref | null, classes = false): { fn?: Node; cls?: Node; name?: Node } {
  if (r?.k !== 'param' || r.i !== 0) return {};
  const fn = A.fnNodes[r.fn];
  const def = fn?.parent?.type === 'decorated_definition' ? fn.parent : fn;
  const kind = def ? pyMethodKind(def, fn!.childForFieldName('name')?.text ?? '') : null;
  if (kind === 'static' || (kind === 'class' && !classes)) return {};
  const cls = def?.parent?.type === 'block' ? def.parent.parent : null;
  const name = cls?.type === 'class_definition' ? cls.childForFieldName('name') : null;
  return fn && cls && name ? { fn, cls, name } : {};
}

/** Per analyzer: each class's instance fields (by the class's offset), and the values being read (`self.a = self.a`). */
const fieldIndex = new WeakMap<PyAnalyzer, { byClass: Map<number, Map<string, Node[]>>; busy: Set<number> }>();

/**
 * `self.app` in a method: the value of the first `self.app = …` a method of the class assigns at its top level whose
 * value resolves (`self.app = FastAPI()` in `build`, read by `@self.app.get("/x")` in `setup_routes`; a `self.app = None`
 * placeholder in `__init__` is passed over), else in a block of it (`if self._bp is None: self._bp = self.build()`), as
 * JS `this.app` is; also recorded as the class's field, so `portal.app` of
 * an instance is that object. Null when no method assigns it a value that resolves.
 */
export function pySelfField(A: PyAnalyzer, obj: Node, attr: string): Ref | null {
  if (obj.type !== 'identifier') return null;
  const { cls, name } = methodClass(A, A.lookup(obj.text, obj));
  if (!cls || !name) return null;
  let idx = fieldIndex.get(A);
  if (!idx) fieldIndex.set(A, (idx = { byClass: new Map(), busy: new Set() }));
  let fields = idx.byClass.get(cls.startIndex);
  if (!fields) idx.byClass.set(cls.startIndex, (fields = instanceFields(cls)));
  for (const right of fields.get(attr) ?? []) {
    if (idx.busy.has(right.startIndex)) continue;
    idx.busy.add(right.startIndex);
    try {
      const v = A.refOf(right);
      if (v.k === 'none') continue;
      const c = A.classRef(cls, name);
      const decl = c.k === 'cls' ? A.fa.classes[c.id] : undefined;
      if (decl) (decl.fields ??= {})[attr] ??= v;
      return v;
    } finally {
      idx.busy.delete(right.startIndex);
    }
  }
  return null;
}

/** Compound statements whose blocks a method's field assignments are read in (`if self._bp is None: self._bp = …`). */
const NESTED = new Set([
  'if_statement',
  'elif_clause',
  'else_clause',
  'with_statement',
  'try_statement',
  'except_clause',
  'finally_clause',
  'block',
]);

/**
 * The values each instance field is given by `self.x = …` in the methods of the class, in source order: those at a
 * method's top level first, then those in its `if`/`with`/`try` blocks (a property that builds its value on first use),
 * at most three compound statements deep.
 */
function instanceFields(cls: Node): Map<string, Node[]> {
  const top = new Map<string, Node[]>();
  const nested = new Map<string, Node[]>();
  const read = (stmts: readonly Node[], self: string, depth: number): void => {
    for (const st of stmts) {
      if (NESTED.has(st.type) && depth < 6) read(named(st), self, depth + 1);
      const asg = st.type === 'expression_statement' ? named(st)[0] : undefined;
      const left = asg?.type === 'assignment' ? asg.childForFieldName('left') : null;
      const attr =
        left?.type === 'attribute' && left.childForFieldName('object')?.text === self
          ? left.childForFieldName('attribute')?.text
          : undefined;
      const right = asg?.childForFieldName('right');
      const out = depth ? nested : top;
      if (attr && right) out.set(attr, [...(out.get(attr) ?? []), right]);
    }
  };
  const body = cls.childForFieldName('body');
  for (const c of body ? named(body) : []) {
    const def = c.type === 'decorated_definition' ? c.childForFieldName('definition') : c;
    const kind = def?.type === 'function_definition' ? pyMethodKind(c, def.childForFieldName('name')?.text ?? '') : null;
    const self = def?.type === 'function_definition' && kind !== 'static' && kind !== 'class' ? pyParamNames(def)[0] : null;
    const block = self ? def!.childForFieldName('body') : null;
    if (block) read(named(block), self!, 0);
  }
  for (const [attr, rights] of nested) top.set(attr, [...(top.get(attr) ?? []), ...rights]);
  return top;
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

/** `class AppRouter(APIRouter)`: a framework base, or the project classes it derives from (resolved across files); a
 *  generic base is its class (`class UsersBlueprint(BaseBlueprint[UserRepository])`: `BaseBlueprint`). */
export function pyClassBases(A: PyAnalyzer, decl: ClassDecl, n: Node): void {
  const sup = n.childForFieldName('superclasses');
  for (const s of sup ? named(sup) : []) {
    const b = s.type === 'subscript' ? s.childForFieldName('value') : s;
    if (b?.type !== 'identifier' && b?.type !== 'attribute') continue;
    const ctor = A.ctorKind(b);
    if (ctor) decl.base = frameworkBase(ctor);
    const r = ctor ? null : A.refOf(b);
    if (r && (r.k === 'cls' || r.k === 'imp' || r.k === 'mem')) (decl.supers ??= []).push(r);
  }
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
