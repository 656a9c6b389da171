/**
 * Python methods read on an instance: a blueprint class a DI container hands out (`ioc.get(UsersBlueprint,
 * scope=singleton).blueprint`, `UsersBlueprint().blueprint`) whose property, declared in a base class, builds the router
 * on first use through a method the subclass overrides (`self._bp = self._create_blueprint()`, `return self._bp`).
 *
 * The analysis records each method's kind (property, static) and what it returns when that may be an object (a name, an
 * attribute, a call of a method of `self`), and reads `container.get(C)` as an instance of `C`. The resolver finds an
 * attribute on the instance's class or its project bases (the subclass's own first), reads a property as the value its
 * getter returns, and a method's value with `self` that instance: `self.m()` is the instance's `m` (an override), and
 * `self.x` the value a method of its classes assigns to the field. Depth and classes are bounded. Pure.
 */
import { named, type SyntaxNode as Node } from '../parsing/nodes';
import { pyArgs } from '../parsing/python';
import type { CallEdge, FileAnalysis, FuncDecl, Ref } from './model';
import type { PyAnalyzer } from './python';
import type { Ent } from './values';

const PROPERTY = /^@(?:functools\.)?(?:property|cached_property)\s*$/;
const STATIC = /^@staticmethod\s*$/;
const CLASS = /^@classmethod\s*$/;
/** What a method's value may be an object of the project through (see the top of this file). */
const RETURNED = new Set(['identifier', 'attribute']);
/** The methods of a DI container that hand out an instance of the class they are given (injector, lagom, punq). */
const CONTAINER_GETS = new Set(['get', 'resolve']);
const MAX_CLASSES = 16;
const MAX_DEPTH = 24;

/** Whether a method's first parameter is the instance (`self`). */
const onInstance = (f: FuncDecl): boolean => f.pyMethod !== 'static' && f.pyMethod !== 'class';

/** Records each method's kind (FuncDecl.pyMethod) and, when it may return an object, what it returns. */
export function pyMethodFacts(A: PyAnalyzer): void {
  for (const c of A.fa.classes)
    for (const id of Object.values(c.methods)) {
      const fn = A.fnNodes[id];
      const decl = A.fa.functions[id];
      if (!fn || !decl) continue;
      const decorators = fn.parent?.type === 'decorated_definition' ? named(fn.parent).filter((d) => d.type === 'decorator') : [];
      if (decorators.some((d) => STATIC.test(d.text))) decl.pyMethod = 'static';
      else if (decorators.some((d) => CLASS.test(d.text))) decl.pyMethod = 'class';
      else if (decorators.some((d) => PROPERTY.test(d.text))) decl.pyMethod = 'property';
      const e = A.returnedExpr(fn);
      const self = decl.params[0];
      const f = e?.type === 'call' ? e.childForFieldName('function') : null;
      const ofSelf = f?.type === 'attribute' && f.childForFieldName('object')?.text === self && onInstance(decl);
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

/** What the resolver reads the project through. */
export interface PyContext {
  files: ReadonlyMap<string, FileAnalysis>;
  resolve(file: string, ref: Ref, depth: number): Ent | null;
}

type Cls = { file: string; id: number };
type Inst = Ent & { t: 'inst' };

/** The class of an instance, then its project bases depth first (Python's order for single inheritance). */
function lineage(c: PyContext, cls: Cls, depth: number): Cls[] {
  const out: Cls[] = [];
  const walk = (k: Cls): void => {
    if (out.length >= MAX_CLASSES || out.some((x) => x.file === k.file && x.id === k.id)) return;
    out.push(k);
    for (const s of c.files.get(k.file)?.classes[k.id]?.supers ?? []) {
      const e = c.resolve(k.file, s, depth + 1);
      if (e?.t === 'cls') walk(e);
    }
  };
  walk(cls);
  return out;
}

const own = <T>(rec: Record<string, T> | undefined, name: string): T | undefined =>
  rec && Object.hasOwn(rec, name) ? rec[name] : undefined;

/** Whether function `fn` of `file` is a method of one of `classes`. */
const methodOf = (c: PyContext, classes: Cls[], file: string, fn: number): boolean =>
  classes.some((k) => k.file === file && Object.values(c.files.get(file)?.classes[k.id]?.methods ?? {}).includes(fn));

/** The attribute `name` of an instance: a method (a property: its value), else a field its classes assign. The class's
 *  own first; its bases only when it has none of that name. */
export function pyAttr(c: PyContext, inst: Inst, name: string, depth: number): Ent | null {
  if (depth > MAX_DEPTH) return null;
  const mine = c.files.get(inst.file)?.classes[inst.id];
  const classes = own(mine?.methods, name) !== undefined || own(mine?.fields, name) ? [inst] : lineage(c, inst, depth);
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
export function pyReturn(c: PyContext, inst: Inst, fn: Cls, depth: number): Ent | null {
  const r = depth > MAX_DEPTH ? undefined : c.files.get(fn.file)?.functions[fn.id]?.returns;
  return r ? bound(c, inst, fn.file, r, depth + 1) : null;
}

/** The instance a method call is made on (`x.build()`, `x` an instance of a class of it): `self` in it; else null. */
export function pyReceiver(c: PyContext, file: string, callee: Ref, fn: Ent & { t: 'fn' }, depth: number): Inst | null {
  const decl = c.files.get(fn.file)?.functions[fn.id];
  if (callee.k !== 'mem' || c.files.get(fn.file)?.language !== 'python' || !decl || !onInstance(decl)) return null;
  const b = c.resolve(file, callee.base, depth + 1);
  return b?.t === 'inst' && methodOf(c, lineage(c, b, depth), fn.file, fn.id) ? b : null;
}

/** A call of a Python method on an instance (`application.register(app)`) or of a class method (`Api.attach(app)`) as
 *  the call of the function it is: the instance or the class its first argument, the others after it. Any other call as
 *  it is. */
export function pyBoundCall(c: PyContext, file: string, call: CallEdge, fn: Ent & { t: 'fn' }): CallEdge {
  const kind = c.files.get(fn.file)?.functions[fn.id]?.pyMethod;
  if (call.callee.k !== 'mem' || c.files.get(fn.file)?.language !== 'python') return call;
  const b = kind === 'class' ? c.resolve(file, call.callee.base, 0) : null;
  if (kind === 'class' ? b?.t !== 'cls' && b?.t !== 'inst' : !pyReceiver(c, file, call.callee, fn, 0)) return call;
  const at = (k: string): string => (/^\d+$/.test(k) ? String(Number(k) + 1) : k);
  const strs = call.strs ? Object.fromEntries(Object.entries(call.strs).map(([k, v]) => [at(k), v])) : undefined;
  return { ...call, args: [call.callee.base, ...call.args], ...(strs ? { strs } : {}) };
}

/** `ref` (written in `file`, in a method of the instance's classes) with `self` the instance. */
function bound(c: PyContext, inst: Inst, file: string, ref: Ref, depth: number): Ent | null {
  if (depth > MAX_DEPTH) return null;
  const fa = c.files.get(file);
  let classes: Cls[] | null = null;
  const isSelf = (r: Ref): boolean => {
    const o = r.k === 'obj' ? fa?.objects[r.id] : undefined;
    if (o) return !!o.self && !!o.via && isSelf(o.via); // `self` of a class with bases (./pySelf)
    const f = r.k === 'param' && r.i === 0 ? fa?.functions[r.fn] : undefined;
    return !!f && onInstance(f) && methodOf(c, (classes ??= lineage(c, inst, depth)), file, (r as { fn: number }).fn);
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
