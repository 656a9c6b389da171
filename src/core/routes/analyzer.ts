/**
 * What the Python and the JavaScript route analyzers share: the file's facts being built, the name table, ids for
 * functions and framework objects, memoised values of expressions, app factories (`app = create_app()`) and calls
 * that pass names to project functions. Each language supplies its own syntax (`computeRef`, `fnId`, returns).
 */
import { derived, lineOf, rangeOf, type SyntaxNode as Node } from '../parsing/nodes';
import { Bindings, type ScopeIndex } from '../parsing/scopes';
import { clip, mayBeLocalFunction } from './common';
import type { Loop, Loops } from './loops';
import type { CallEdge, FileAnalysis, ObjDecl, Ref, Val } from './model';
import type { Framework, SourceRange } from './types';

/** An argument whose value a call edge records: a name, an attribute / member, an object or array literal of names, a
 *  JS call, `new` or function written in place (`registerRoutes(createApp())`, `setup(new Hono().basePath('/api'))`). */
const LITERALS = ['object', 'array', 'list', 'tuple'];
/** A JS function written in place (`reg(app, '/a', (req, res) => …)`): the handler a helper registers (./perCall). */
const FUNCTIONS = ['arrow_function', 'function_expression', 'function'];
const ARGS = ['identifier', 'attribute', 'member_expression', 'call_expression', 'new_expression', ...LITERALS, ...FUNCTIONS];
const argRef = (a: Node): boolean => ARGS.includes(a.type);
/** A call's range from its method's name (`.addGet(…)` of a chain), as a route registration's is. */
function callRange(n: Node): SourceRange {
  const f = n.childForFieldName('function');
  const name = f?.childForFieldName('property') ?? f?.childForFieldName('attribute');
  return { start: rangeOf(name ?? n).start, end: rangeOf(n).end };
}
/** A value a call may pass on to where a route is registered or mounted (`[new UsersController()]`: the instances). */
const passes = (r: Ref): boolean =>
  r.k === 'obj' ||
  r.k === 'param' ||
  r.k === 'imp' ||
  r.k === 'mem' ||
  r.k === 'ret' ||
  (r.k === 'arr' && r.els.some((e) => e.k === 'inst' || passes(e)));

interface LoopElement {
  loop: Loop;
  el: Node;
  outer: LoopElement | null;
}

export abstract class Analyzer {
  /** Names bound by imports, assignments, declarations, functions and classes. */
  protected readonly bindings: Bindings<Ref>;
  /** function node startIndex → functions id, and back to the node */
  protected readonly fnIds = new Map<number, number>();
  readonly fnNodes: Node[] = [];
  protected readonly clsIds = new Map<number, number>();
  /** node span → objects id */
  private readonly objIds = new Map<string, number>();
  private readonly refMemo = new Map<number, Ref>();
  /** Framework packages the file imports (hints for the resolver). */
  readonly frameworks = new Set<Framework>();

  constructor(
    readonly fa: FileAnalysis,
    readonly file: string,
    scopes: ScopeIndex,
    paramNames: (fn: Node) => (string | null)[],
    statementOrder = false,
    /** The expression whose value a parameter holds wherever the function runs (JS: a promise's settled value), if any. */
    private readonly paramValue?: (fn: Node, i: number) => Node | null,
  ) {
    this.bindings = new Bindings<Ref>(scopes, {
      paramNames,
      param: (fn, i) => this.paramRef(fn, i),
      cyclic: (name) => ({ k: 'none', text: name }),
      statementOrder,
    });
  }

  /** The functions[] id of a function node (declared on first use). */
  protected abstract fnId(fn: Node): number;
  /** The value of an expression (uncached). */
  protected abstract computeRef(n: Node): Ref;
  /** The expression a function returns, when it has one to follow. */
  protected abstract returnedExpr(fn: Node): Node | null | undefined;
  /** The class a function's return annotation names (`def get_settings() -> Settings`), when the language has one. */
  protected returnTypeName(_fn: Node): Node | undefined {
    return undefined;
  }

  /** The i-th parameter of a function node (declaring the function and its parameter names). */
  protected paramRef(fn: Node, i: number): Ref {
    const held = this.paramValue?.(fn, i);
    if (held) return this.refOf(held);
    const id = this.fnId(fn);
    this.fa.functions[id]!.params = this.bindings.paramNames(fn).map((p) => p ?? '');
    return { k: 'param', fn: id, i };
  }

  protected bind(name: string, node: Node, value: () => Ref, scope?: number): void {
    this.bindings.bind(name, node, value, scope);
  }

  lookup(name: string, at: Node): Ref | null {
    return this.bindings.lookup(name, at);
  }

  /** The file's loops over literal sequences. */
  loops!: Loops;

  /** While a node in a loop is read at one element (./loops): the loop, the element, and the loop read around it. */
  loopEl: LoopElement | null = null;

  /** Runs f with the names of `loop` bound to the parts of `el` (values read meanwhile are not memoised). */
  withElement<T>(loop: Loop, el: Node, f: () => T): T {
    const prev = this.loopEl;
    this.loopEl = { loop, el, outer: prev };
    try {
      return f();
    } finally {
      this.loopEl = prev;
    }
  }

  /** The node a name stands for at the element being read (null: the element has no such part); else undefined. */
  boundTo(name: string): Node | null | undefined {
    for (let b = this.loopEl; b; b = b.outer) {
      const part = b.loop.names.get(name);
      if (part) return b.loop.part(b.el, part);
    }
    return undefined;
  }

  /** Names bound by a declaration between two offsets, with the declaration's text. */
  declaredIn(start: number, end: number): { name: string; text: string }[] {
    const out: { name: string; text: string }[] = [];
    for (const [name, list] of this.bindings.entries())
      for (const b of list) if (b.node.startIndex >= start && b.node.endIndex <= end) out.push({ name, text: b.node.text });
    return out;
  }

  /** Whether the name `n` is assigned, imported or defined in the scope it is read in. */
  boundHere(n: Node): boolean {
    const here = this.bindings.scopes.scopeOf(n);
    return (this.bindings.get(n.text) ?? []).some((b) => b.scope === here);
  }

  /** The declarations and assignments that bind a name anywhere in the file. */
  bindingNodes(name: string): Node[] {
    return (this.bindings.get(name) ?? []).map((b) => b.node);
  }

  /** The offsets of the function `n` is in (the whole file at module level). */
  scopeRange(n: Node): { start: number; end: number } {
    const i = this.bindings.scopes.enclosing(n);
    if (i < 0) return { start: 0, end: Infinity };
    const fn = this.bindings.scopes.node(i);
    return { start: fn.startIndex, end: fn.endIndex };
  }

  /** The value of an expression (memoised per node, except while a loop is unrolled). */
  refOf(n: Node | null): Ref {
    if (!n) return { k: 'none', text: '' };
    if (this.loopEl) return this.computeRef(n);
    const memo = this.refMemo.get(n.id);
    if (memo) return memo;
    const r = this.computeRef(n);
    this.refMemo.set(n.id, r);
    return r;
  }

  /**
   * The framework object created at node `n`, declared once: its id is reserved before `prefix` is evaluated, and
   * `init` adds what comes with it (e.g. the mount of a Flask-RESTX namespace).
   */
  objectAt(
    n: Node,
    o: {
      framework: Framework;
      kind: ObjDecl['kind'];
      name?: string;
      prefix: () => Val | null;
      ctor?: Ref;
      via?: Ref;
      nsPrefix?: () => Val | null;
    },
    init?: (ref: Ref) => void,
  ): Ref {
    // one per element of an unrolled loop when created in its body
    let l = '';
    for (let b = this.loopEl; b; b = b.outer) if (b.loop.start <= n.startIndex && n.startIndex < b.loop.end) l += `${b.el.text};`;
    const nodeKey = `${n.startIndex}:${n.endIndex}:${l}`;
    let id = this.objIds.get(nodeKey);
    if (id === undefined) {
      const prefix = o.prefix(); // first: evaluating it may create objects (`APIRouter(prefix=get_settings().X)`)
      const nsPrefix = o.nsPrefix?.();
      id = this.fa.objects.length;
      this.objIds.set(nodeKey, id);
      const decl: ObjDecl = { id, framework: o.framework, kind: o.kind, name: o.name ?? clip(n.text, 40), line: lineOf(n), prefix };
      if (o.ctor) Object.assign(decl, { ctor: o.ctor, ...(o.via ? { via: o.via } : {}), ...(nsPrefix ? { nsPrefix } : {}) });
      this.fa.objects.push(decl);
      init?.({ k: 'obj', id });
    }
    return { k: 'obj', id };
  }

  /** Records what a function returns (its first top-level `return <expr>`), for app factories. */
  computeReturns(id: number): void {
    const decl = this.fa.functions[id];
    const fn = this.fnNodes[id];
    if (!decl || !fn || 'returns' in decl) return;
    decl.returns = undefined;
    const e = derived(fn, 'returns', () => this.returnedExpr(fn));
    const r = e ? this.refOf(e) : null;
    if (r && r.k !== 'none') decl.returns = r;
    else delete decl.returns;
    const t = this.returnTypeName(fn);
    const tr = t ? this.refOf(t) : null;
    if (tr && tr.k !== 'none') decl.returnsType = tr;
  }

  /** `app = create_app()`: the value a project function returns; null when the callee cannot be the project's. A bare
   *  specifier may be a path alias (`@/lib/create-app`, tsconfig `paths`): resolve.ts decides. */
  /** An instance of a project class (`new C()`), also one kept as an object of its own (ObjDecl.inst, ./jsCollectors). */
  isInstance(r: Ref | null | undefined): boolean {
    return r?.k === 'inst' || (r?.k === 'obj' && !!this.fa.objects[r.id]?.inst);
  }

  /** The `new C()` an instance kept as an object of its own stands for (ObjDecl.via); any other reference itself. */
  instanceRef(r: Ref): Ref {
    const o = r.k === 'obj' ? this.fa.objects[r.id] : undefined;
    return o?.inst && o.via ? o.via : r;
  }

  returnOf(callee: Ref, args?: (Ref | null)[]): Ref | null {
    if (callee.k === 'fn') this.computeReturns(callee.id);
    // `new OrderRoute().initRoutes()`, `route.initRoutes()` over a table of instances, `AdminRouter.routes()` (static):
    // what the method returns; on a parameter (`endPoint.getRouter()`) or on what a method of one returned, what it
    // returns for each caller's argument
    const b = callee.k === 'mem' ? callee.base : null;
    // (also on what a fluent method returned: `new BaseRouting(router).addGet(…).getRouter()`, addGet returning `this`;
    // and on a property of what a call returned: `const { app } = await bootstrap(); app.create()`)
    const returned = (r: Ref): boolean => r.k === 'obj' && !!this.fa.objects[r.id]?.via;
    const method = !!b && (['imp', 'inst', 'cls', 'param', 'ret'].includes(b.k) || returned(b) || (b.k === 'mem' && returned(b.base)));
    if (callee.k === 'fn' || callee.k === 'imp' || method) {
      return args?.some((a) => a) ? { k: 'ret', callee, args } : { k: 'ret', callee };
    }
    return null;
  }

  /** Evaluates a string expression statically. */
  abstract evalStr(n: Node, depth?: number): Val;

  /**
   * `setup(app)`, `mount(app, "/billing", router=billing.router)`: a call passing framework objects or parameters to a
   * project function (positional `args`, Python keywords `kw`), with the strings it passes (prefixes for its parameters);
   * `made`: a call whose value is kept (`blp = api_blueprint("todos", "/todos")`), recorded for its strings alone.
   */
  callEdge(n: Node, callee: Ref, args: readonly Node[], kw: [string, Node][] = [], made = false): CallEdge | undefined {
    if (!this.mayCall(callee)) return undefined;
    let interesting = false;
    const strs: Record<string, Val> = {};
    const refOfArg = (a: Node, slot: string): Ref | null => {
      const r0 = argRef(a) ? this.refOf(a) : null;
      const r = r0?.k === 'none' && LITERALS.includes(a.type) ? null : r0;
      const vals = r?.k === 'lit' ? Object.values(r.props) : r ? [r] : [];
      if (vals.some(passes)) interesting = true;
      if (!r || (r.k !== 'obj' && r.k !== 'param')) {
        const v = this.evalStr(a);
        if ('s' in v || v.ref || v.parts || v.each) strs[slot] = v;
        Object.assign(strs, this.argStrs(a, slot));
      }
      return r;
    };
    const refs = args.map((a, i) => refOfArg(a, String(i)));
    const kwRefs: Record<string, Ref> = {};
    for (const [name, a] of kw) {
      const r = refOfArg(a, name);
      if (r) kwRefs[name] = r;
    }
    // a kept value: the strings it passes, or that it passes nothing (`makeRouter()`: the factory's options are absent)
    // a method given a string (`auth.addGet('/dashboard', …)`): the path a helper registers (PerCallRoutes.perCall)
    const named =
      callee.k === 'mem' && (this.isInstance(callee.base) || callee.base.k === 'self') && Object.values(strs).some((v) => 's' in v);
    // a Python method of the class called on `self` with a class or a string (`self.register(Users, f"{BASE}/users")`)
    const own = !interesting && (refs.some((r) => r?.k === 'cls') || Object.keys(strs).length > 0) && this.selfCall(callee);
    if (!interesting && !named && !own && !(made && (Object.keys(strs).length || !args.length))) return undefined;
    const edge: CallEdge = { callee, args: refs, line: lineOf(n), at: n.startIndex, range: callRange(n) };
    if (Object.keys(kwRefs).length) edge.kw = kwRefs;
    if (Object.keys(strs).length) edge.strs = strs;
    this.fa.calls.push(edge);
    return edge;
  }

  /**
   * Whether a call of `callee` may reach a function of the project (whose parameters may then be bound): a local or
   * imported function, or a member of what a project call made or returned (ObjDecl.via): a Python method of an
   * instance (`storage = Storage()`, then `storage.init_app(app)`; `router.include_views(…)` of an `APIRouter`
   * subclass's instance), `(await services.web()).default(app)`.
   */
  mayCall(callee: Ref): boolean {
    const ofMade = (r: Ref): boolean => (r.k === 'mem' ? ofMade(r.base) : r.k === 'obj' && !!this.fa.objects[r.id]?.via);
    return mayBeLocalFunction(callee) || ofMade(callee);
  }

  /** A call of a method on the first parameter of the method it is in (Python `self.register(…)`). */
  protected selfCall(_callee: Ref): boolean {
    return false;
  }

  /** The strings an argument holds beyond its own value (JS: an options object's, `"0.prefix"`). */
  protected argStrs(_a: Node, _slot: string): Record<string, Val> {
    return {};
  }

  /** The last step of every analysis: the framework hints. */
  protected frameworkStep(): () => void {
    return () => {
      this.fa.frameworks = [...this.frameworks];
    };
  }
}
