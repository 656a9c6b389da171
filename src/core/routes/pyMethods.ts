/**
 * Python methods. The analysis (python.ts) records each method's kind (FuncDecl.pyMethod: a property, a static method, a
 * class method, also the implicit `__init_subclass__`), what it returns when that may be an object (a name, an
 * attribute, a call of a method of `self`), and reads `container.get(C)` of a DI container as an instance of `C`.
 *
 * The resolver (refs.ts, values.ts, callGraph.ts) finds an attribute along the class's project bases in Python's method
 * resolution order (./pyResources projectMro): on an instance, a method, a property (its getter's value) or a field its
 * classes assign, the class's own first (`ioc.get(UsersBlueprint).blueprint`, a base class's property building the
 * router through `self._create_blueprint()`, the subclass's override); on `self` / `cls` of a method, or on an object a
 * project class made (`router.include_views(…)` of an `APIRouter` subclass's instance), a method (`cls.register(…)`
 * where `register` is a class method of a base); a string class attribute (`cls.path`). A method's value is read with
 * `self` the instance it is called on.
 *
 * A call passes its arguments as the method's parameters see them (pyBoundCall): a bound method's first parameter is
 * the object it is called on (`storage.init_app(app)`: `self` is `storage`, `app` the second; `self.register(Users,
 * "/users")`; a class method's `cls` on the class or an instance), a class call's is the instance it makes (`routes =
 * Routes(app)` calls `Routes.__init__(self, app)`); and a class statement calls the `__init_subclass__` of its nearest
 * base defining one (pySubclassHooks). Depth and classes are bounded. Pure.
 */
import { named, type SyntaxNode as Node } from '../parsing/nodes';
import { pyArgs } from '../parsing/python';
import type { CallEdge, FileAnalysis, FuncDecl, Ref } from './model';
import { projectMro } from './pyResources';
import type { PyAnalyzer } from './python';
import type { Ent } from './values';

const PROPERTY = /^@(?:functools\.)?(?:property|cached_property)\s*$/;
const STATIC = /^@staticmethod\b/;
const CLASS = /^@classmethod\b/;
/** Methods Python makes class methods without a decorator: their first parameter is the class. */
const IMPLICIT_CLASS_METHODS = new Set(['__init_subclass__', '__class_getitem__']);
/** What a method's value may be an object of the project through (see the top of this file). */
const RETURNED = new Set(['identifier', 'attribute']);
/** The methods of a DI container that hand out an instance of the class they are given (injector, lagom, punq). */
const CONTAINER_GETS = new Set(['get', 'resolve']);
const MAX_DEPTH = 24;

/** What the resolver reads the project through. */
export interface PyContext {
  files: ReadonlyMap<string, FileAnalysis>;
  resolve(file: string, ref: Ref, depth?: number): Ent | null;
}

type Cls = Ent & { t: 'cls' };
type Inst = Ent & { t: 'inst' };
type Fn = Ent & { t: 'fn' };

// ---- analysis -------------------------------------------------------------------------------------

/** A method's kind (FuncDecl.pyMethod), null for a plain instance method. `c` is the statement of the class body (the
 *  definition, or the decorated definition around it). */
export function pyMethodKind(c: Node, name: string): FuncDecl['pyMethod'] | null {
  const decorators = c.type === 'decorated_definition' ? named(c).filter((d) => d.type === 'decorator') : [];
  if (decorators.some((d) => STATIC.test(d.text))) return 'static';
  if (IMPLICIT_CLASS_METHODS.has(name) || decorators.some((d) => CLASS.test(d.text))) return 'class';
  return decorators.some((d) => PROPERTY.test(d.text)) ? 'property' : null;
}

/** Whether a method's first parameter is the instance (`self`). */
const onInstance = (f: FuncDecl): boolean => f.pyMethod !== 'static' && f.pyMethod !== 'class';

/** Records what each method returns when that may be an object (its kind is recorded with its class, python.ts). */
export function pyMethodFacts(A: PyAnalyzer): void {
  for (const c of A.fa.classes)
    for (const id of Object.values(c.methods)) {
      const fn = A.fnNodes[id];
      const decl = A.fa.functions[id];
      if (!fn || !decl) continue;
      const e = A.returnedExpr(fn);
      const f = e?.type === 'call' ? e.childForFieldName('function') : null;
      const ofSelf = f?.type === 'attribute' && f.childForFieldName('object')?.text === decl.params[0] && onInstance(decl);
      if (e && (RETURNED.has(e.type) || ofSelf)) A.computeReturns(id);
    }
}

/** The value of a call `call` otherwise read as `value`: for `injector.get(UsersBlueprint)`, `container.resolve(C)`, an
 *  instance of the class the one positional argument names when it is one (the resolver decides), else `value`. */
export function pyContainerGet(A: PyAnalyzer, call: Node, value: Ref | null): Ref | null {
  const f = call.childForFieldName('function');
  const m = f?.type === 'attribute' ? f.childForFieldName('attribute')?.text : undefined;
  const [cls, ...rest] = m && CONTAINER_GETS.has(m) ? pyArgs(call).pos : [];
  const r = cls && !rest.length && RETURNED.has(cls.type) ? A.refOf(cls) : null;
  if (r?.k !== 'cls' && r?.k !== 'imp' && r?.k !== 'mem') return value;
  const inst: Ref = { k: 'inst', cls: r };
  return value ? { k: 'alt', refs: [inst, value] } : inst;
}

// ---- classes and attributes ---------------------------------------------------------------------

/** Per file: function id → the class (its id) it is a method of. */
const methodIndex = new WeakMap<FileAnalysis, Map<number, number>>();

/** The class function `fn` of `file` is a method of, with how its first parameter is bound; null for a plain function. */
function pyMethodClass(
  files: ReadonlyMap<string, FileAnalysis>,
  file: string,
  fn: number,
): { cls: Cls; kind: 'self' | 'class' | 'static' } | null {
  const fa = files.get(file);
  if (fa?.language !== 'python') return null;
  let idx = methodIndex.get(fa);
  if (!idx) {
    idx = new Map();
    for (const c of fa.classes) for (const id of Object.values(c.methods)) if (!idx.has(id)) idx.set(id, c.id);
    methodIndex.set(fa, idx);
  }
  const c = idx.get(fn);
  if (c === undefined) return null;
  const kind = fa.functions[fn]?.pyMethod;
  return { cls: { t: 'cls', file, id: c }, kind: kind === 'static' || kind === 'class' ? kind : 'self' };
}

/** The class whose method's bound first parameter `e` is (`self`, or `cls` of a class method). */
export function pySelfClass(files: ReadonlyMap<string, FileAnalysis>, e: Ent | null): Cls | null {
  if (e?.t !== 'param' || e.i !== 0 || e.prop !== undefined) return null;
  const m = pyMethodClass(files, e.file, e.fn);
  return m && m.kind !== 'static' ? m.cls : null;
}

/** The classes of `cls`'s method resolution order that the project defines, `cls` first. */
const mro = (c: PyContext, cls: { file: string; id: number }, depth: number): Cls[] =>
  projectMro(c.files, (f, r) => c.resolve(f, r, depth + 1), { t: 'cls', file: cls.file, id: cls.id });

const own = <T>(rec: Record<string, T> | undefined, name: string): T | undefined =>
  rec && Object.hasOwn(rec, name) ? rec[name] : undefined;

/** The method `name` of a Python class, its own or the nearest base's (method resolution order); null when none. */
export function pyMethod(c: PyContext, cls: Cls, name: string, depth = 0): Fn | null {
  if (c.files.get(cls.file)?.language !== 'python' || depth > MAX_DEPTH) return null;
  for (const k of mro(c, cls, depth)) {
    const m = own(c.files.get(k.file)?.classes[k.id]?.methods, name);
    if (m !== undefined) return { t: 'fn', file: k.file, id: m };
  }
  return null;
}

/** A string class attribute of a Python class, its own or the nearest base's that writes one (`path = "/notes"`). */
export function pyClassConst(c: PyContext, cls: Cls, name: string): string | null {
  for (const k of mro(c, cls, 0)) {
    const decl = c.files.get(k.file)?.classes[k.id];
    if (decl?.consts && Object.hasOwn(decl.consts, name)) return decl.consts[name]!;
    if (decl?.fields && Object.hasOwn(decl.fields, name)) return null; // set to something else: it hides the bases'
  }
  return null;
}

/** An attribute a Python class (or the nearest base in its method resolution order) assigns, in its body
 *  (`FLASK_BLUEPRINTS = BLUEPRINTS`) or as `self.name = …` in a method: the value, with the file it is written in. */
export function pyClassField(c: PyContext, cls: Cls, name: string): { file: string; ref: Ref } | null {
  for (const k of mro(c, cls, 0)) {
    const decl = c.files.get(k.file)?.classes[k.id];
    if (own(decl?.methods, name) !== undefined) return null;
    const f = own(decl?.fields, name);
    if (f) return { file: k.file, ref: f };
  }
  return null;
}

/**
 * `b.name` read as Python reads it: on an instance, its attribute (pyAttr); on `self` / `cls` of a method, or on an
 * object a project class made, a method of the class or its bases. Undefined when `b` is none of those, or no such
 * method is found (then it is read as any other value).
 */
export function pyMember(c: PyContext, b: Ent, name: string, depth: number): Ent | null | undefined {
  if (c.files.get(b.file)?.language !== 'python') return undefined;
  if (b.t === 'inst') return pyAttr(c, b, name, depth);
  const o = b.t === 'obj' ? c.files.get(b.file)?.objects[b.id] : undefined;
  const cls = o?.ctor ? c.resolve(b.file, o.ctor, depth + 1) : pySelfClass(c.files, b);
  return (cls?.t === 'cls' && pyMethod(c, cls, name, depth)) || undefined;
}

/** The attribute `name` of an instance: a method (a property: its value), else a field its classes assign. The class's
 *  own first; its bases only when it has none of that name. */
function pyAttr(c: PyContext, inst: Inst, name: string, depth: number): Ent | null {
  if (depth > MAX_DEPTH) return null;
  const mine = c.files.get(inst.file)?.classes[inst.id];
  const classes = own(mine?.methods, name) !== undefined || own(mine?.fields, name) ? [inst] : mro(c, inst, depth);
  for (const k of classes) {
    const decl = c.files.get(k.file)?.classes[k.id];
    const m = own(decl?.methods, name);
    if (m !== undefined) {
      const fn = { t: 'fn' as const, file: k.file, id: m };
      return c.files.get(k.file)?.functions[m]?.pyMethod === 'property' ? pyReturn(c, inst, fn, depth + 1) : fn;
    }
    const f = own(decl?.fields, name);
    if (f) return bound(c, inst, k.file, f, depth + 1);
  }
  return null;
}

/** What method `fn` returns called on the instance (null when it records no value). */
export function pyReturn(c: PyContext, inst: Inst, fn: Fn, depth: number): Ent | null {
  const r = depth > MAX_DEPTH ? undefined : c.files.get(fn.file)?.functions[fn.id]?.returns;
  return r ? bound(c, inst, fn.file, r, depth + 1) : null;
}

/** Whether `fn` of `file` is an instance method of a class of `inst` (its class or a project base). */
function ofInstance(c: PyContext, inst: Inst, file: string, fn: number, depth: number, classes?: Cls[]): boolean {
  const m = pyMethodClass(c.files, file, fn);
  if (m?.kind !== 'self') return false;
  return (classes ?? mro(c, inst, depth)).some((k) => k.file === m.cls.file && k.id === m.cls.id);
}

/** The instance a method call is made on (`x.build()`, `x` an instance of a class of it): `self` in it; else null. */
export function pyReceiver(c: PyContext, file: string, callee: Ref, fn: Fn, depth: number): Inst | null {
  if (callee.k !== 'mem' || pyMethodClass(c.files, fn.file, fn.id)?.kind !== 'self') return null;
  const b = c.resolve(file, callee.base, depth + 1);
  return b?.t === 'inst' && ofInstance(c, b, fn.file, fn.id, depth) ? b : null;
}

/** `ref` (written in `file`, in a method of the instance's classes) with `self` the instance. */
function bound(c: PyContext, inst: Inst, file: string, ref: Ref, depth: number): Ent | null {
  if (depth > MAX_DEPTH) return null;
  const fa = c.files.get(file);
  let classes: Cls[] | undefined;
  const isSelf = (r: Ref): boolean => {
    const o = r.k === 'obj' ? fa?.objects[r.id] : undefined;
    if (o) return !!o.self && !!o.via && isSelf(o.via); // `self` of a class with bases (./pySelf)
    if (r.k !== 'param' || r.i !== 0) return false;
    return ofInstance(c, inst, file, r.fn, depth, (classes ??= mro(c, inst, depth)));
  };
  if (isSelf(ref)) return inst;
  // `self._bp = self._create_blueprint()`: the object recorded for the call is that call (ObjDecl.via)
  const via = ref.k === 'obj' ? fa?.objects[ref.id]?.via : undefined;
  const call = ref.k === 'ret' ? ref : via?.k === 'ret' ? via : null;
  if (call?.callee.k === 'mem' && isSelf(call.callee.base)) {
    const m = pyAttr(c, inst, call.callee.name, depth + 1);
    return m?.t === 'fn' ? pyReturn(c, inst, m, depth + 1) : null;
  }
  if (ref.k === 'mem' && isSelf(ref.base)) return pyAttr(c, inst, ref.name, depth + 1);
  return c.resolve(file, ref, depth + 1);
}

// ---- calls ------------------------------------------------------------------------------------------

/**
 * A call of `callee` (resolved in `from`) as its parameters see it: the object it is called on first (`receiver`: the
 * instance a class call makes, else the object of `x.m(…)`; null when it is not written where the arguments are), then
 * the arguments, their strings moved one place on. Unchanged for a plain function, a static method, a class statement's
 * call of `__init_subclass__` (bound already), and an instance method called on its class (`Base.setup(self, app)`
 * passes `self` itself).
 */
export function pyBoundCall(c: PyContext, callee: Fn, from: string, call: CallEdge, receiver: Ref | null): CallEdge {
  const m = call.hook ? null : pyMethodClass(c.files, callee.file, callee.id);
  if (!m || m.kind === 'static') return call;
  const onClass = call.callee.k === 'mem' && call.self === undefined ? c.resolve(from, call.callee.base)?.t === 'cls' : false;
  if (onClass && m.kind === 'self' && c.files.get(callee.file)?.functions[callee.id]?.name !== '__init__') return call;
  const at = (k: string): string => (/^\d+$/.test(k) ? String(Number(k) + 1) : k);
  const strs = call.strs ? Object.fromEntries(Object.entries(call.strs).map(([k, v]) => [at(k), v])) : undefined;
  return { ...call, args: [receiver, ...call.args], ...(strs ? { strs } : {}), recv: true };
}

/**
 * The calls Python makes when a class statement runs: the `__init_subclass__` of the nearest class above it in its
 * method resolution order that defines one (`class DocList(BaseView)` calls `BaseView.__init_subclass__(DocList)`),
 * for every project class with project bases. Bounded by the classes of the analysed files.
 */
export function pySubclassHooks(c: PyContext): { callee: Fn; file: string; call: CallEdge }[] {
  const out: { callee: Fn; file: string; call: CallEdge }[] = [];
  for (const fa of c.files.values()) {
    if (fa.language !== 'python') continue;
    for (const k of fa.classes) {
      if (!k.supers?.length) continue;
      const above = mro(c, { file: fa.file, id: k.id }, 0).slice(1);
      const hook = above.find((b) => own(c.files.get(b.file)?.classes[b.id]?.methods, '__init_subclass__') !== undefined);
      if (!hook) continue;
      const fn = c.files.get(hook.file)!.classes[hook.id]!.methods['__init_subclass__']!;
      const self: Ref = { k: 'cls', id: k.id };
      out.push({
        callee: { t: 'fn', file: hook.file, id: fn },
        file: fa.file,
        call: { callee: self, args: [self], line: k.line, hook: true },
      });
    }
  }
  return out;
}
