/**
 * Python methods across files (resolve.ts, refs.ts, callGraph.ts): the class a function is a method of (and whether it
 * is bound: `self`, a class method's `cls`, or a `@staticmethod`), an attribute looked up along the class's project
 * bases in Python's method resolution order (./pyResources projectMro: `cls.register(…)` where `register` is a class
 * method of a base, `self._register_route(app)`), and a call's arguments as the method's parameters see them: a bound
 * method's first parameter is the object it is called on (`storage.init_app(app)`: `self` is `storage`, `app` the
 * second), a class call's is the instance it makes (`Routes(app)` calls `Routes.__init__(self, app)`). Pure.
 */
import type { CallEdge, FileAnalysis, Ref } from './model';
import { projectMro } from './pyResources';
import type { Ent } from './values';

type Resolve = (file: string, ref: Ref) => Ent | null;
type Cls = Ent & { t: 'cls' };

/** Per file: function id → the class (its id) it is a method of. */
const methodIndex = new WeakMap<FileAnalysis, Map<number, number>>();

/** The class function `fn` of `file` is a method of, with its binding (`pyMethod`); null for a plain function. */
export function pyMethodClass(
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
  return { cls: { t: 'cls', file, id: c }, kind: fa.functions[fn]?.pyMethod ?? 'self' };
}

/** The class whose method's bound first parameter `e` is (`self`, or `cls` of a class method). */
export function pySelfClass(files: ReadonlyMap<string, FileAnalysis>, e: Ent | null): Cls | null {
  if (e?.t !== 'param' || e.i !== 0 || e.prop !== undefined) return null;
  const m = pyMethodClass(files, e.file, e.fn);
  return m && m.kind !== 'static' ? m.cls : null;
}

/** The method `name` of a Python class, its own or the nearest base's (method resolution order); null when none. */
export function pyMethod(files: ReadonlyMap<string, FileAnalysis>, resolve: Resolve, cls: Cls, name: string): (Ent & { t: 'fn' }) | null {
  if (files.get(cls.file)?.language !== 'python') return null;
  for (const c of projectMro(files, resolve, cls)) {
    const methods = files.get(c.file)?.classes[c.id]?.methods;
    if (methods && Object.hasOwn(methods, name)) return { t: 'fn', file: c.file, id: methods[name]! };
  }
  return null;
}

/** A string class attribute of a Python class, its own or the nearest base's that writes one (`path = "/notes"`). */
export function pyClassConst(files: ReadonlyMap<string, FileAnalysis>, resolve: Resolve, cls: Cls, name: string): string | null {
  for (const c of projectMro(files, resolve, cls)) {
    const decl = files.get(c.file)?.classes[c.id];
    if (decl?.consts && Object.hasOwn(decl.consts, name)) return decl.consts[name]!;
    if (decl?.fields && Object.hasOwn(decl.fields, name)) return null; // set to something else: it hides the bases'
  }
  return null;
}

/**
 * A call of method `callee` as its parameters see it: the object it is called on first (`receiver`; null when it is
 * not written where the arguments are), then the arguments; unchanged for a static method, for a plain function, and
 * for an instance method called on its class (`Base.setup(self, app)` passes `self` itself).
 */
export function pyBoundCall(
  files: ReadonlyMap<string, FileAnalysis>,
  resolve: Resolve,
  callee: Ent & { t: 'fn' },
  from: string,
  c: CallEdge,
  receiver: Ref | null,
): CallEdge {
  const m = c.hook ? null : pyMethodClass(files, callee.file, callee.id);
  if (!m || m.kind === 'static') return c;
  const onClass = c.callee.k === 'mem' && c.self === undefined ? resolve(from, c.callee.base)?.t === 'cls' : false;
  if (onClass && m.kind === 'self' && files.get(callee.file)?.functions[callee.id]?.name !== '__init__') return c;
  const strs = c.strs
    ? Object.fromEntries(Object.entries(c.strs).map(([k, v]) => [k.replace(/^\d+/, (i) => String(Number(i) + 1)), v]))
    : undefined;
  return { ...c, args: [receiver, ...c.args], ...(strs ? { strs } : {}) };
}

/**
 * The calls Python makes when a class statement runs: the `__init_subclass__` of the nearest class above it in its
 * method resolution order that defines one (`class DocList(BaseView)` calls `BaseView.__init_subclass__(DocList)`),
 * for every project class with project bases. Bounded by the classes of the analysed files.
 */
export function pySubclassHooks(
  files: ReadonlyMap<string, FileAnalysis>,
  resolve: Resolve,
): { callee: Ent & { t: 'fn' }; file: string; call: CallEdge }[] {
  const out: { callee: Ent & { t: 'fn' }; file: string; call: CallEdge }[] = [];
  for (const fa of files.values()) {
    if (fa.language !== 'python') continue;
    for (const c of fa.classes) {
      if (!c.supers?.length) continue;
      const above = projectMro(files, resolve, { t: 'cls', file: fa.file, id: c.id }).slice(1);
      const hook = above.find((b) => Object.hasOwn(files.get(b.file)?.classes[b.id]?.methods ?? {}, '__init_subclass__'));
      if (!hook) continue;
      const fn = files.get(hook.file)!.classes[hook.id]!.methods['__init_subclass__']!;
      const self: Ref = { k: 'cls', id: c.id };
      out.push({
        callee: { t: 'fn', file: hook.file, id: fn },
        file: fa.file,
        call: { callee: self, args: [self], line: c.line, hook: true },
      });
    }
  }
  return out;
}
