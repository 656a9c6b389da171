/**
 * Python analyzer (FastAPI, Flask): one tree-sitter query collects the interesting nodes (imports,
 * assignments, decorators, registration calls, calls passing names, function definitions); the rest is
 * structural inspection of those nodes only.
 */
import type { Framework } from './types';
import { type CallEdge, type FileAnalysis, type FuncDecl, type HandlerSpec, type ModId, type Ref, type Val } from './model';
import { lineOf, named, rangeOf, type SyntaxNode as Node } from '../parsing/nodes';
import { pyArgs, pyExceptFallback, pyParamNames, pyRestParam, pyReturnClass } from '../parsing/python';
import { ScopeIndex } from '../parsing/scopes';
import { Analyzer } from './analyzer';
import { captureSteps, decoratorFlavour, METHOD_DECORATORS, none, toMethod } from './common';
import { pyConfigKey } from './configValues';
import { Loops } from './loops';
import { dottedModuleCall, importModule, relativeModule } from './pyLoaders';
import { pyLoopCallees, pySyntax } from './pyLoops';
import { pyRouteTable } from './pyTables';
import { pyArrayRef, pyConstArray, pyElementCall } from './pyEach';
import { PY_MODULE_CONST, pyConst, pyEvalStr, pyMethodsArg, pyNamespacePrefix } from './pyValues';
import { pyApiBinding, pyClassBases, pyClassHead, pySelf, pySelfCall, pySelfField } from './pySelf';
import { pyContainerGet, pyMethodFacts, pyMethodKind } from './pyMethods';
import { pyImported } from './pyCurrentApp';
import { pyDispatcher } from './pyDispatcher';
import { pyRegCall } from './pyRegCalls';
import { classReplay, dropReplayRoutes, pyCtorArgs } from './pyRedprint';
import { isStarName, pyAllAssign, pyStarName, pyStarPackage } from './pyStar';
import { pyEnvReaders } from './pyEnvReaders';
import { pyVersionDecorator, pyVersionedApp } from './pyVersioning';

/** Deepest node (from the root) a pattern may start at: prunes the query walk through deep handler
 *  bodies (Python route registrations sit at depth 2-9 even inside factories and plugins). */
const MAX_DEPTH = 10;
const QUERY = `
(import_statement) @import
(import_from_statement) @import
(assignment left: (identifier) right: (_)) @assign
(assignment left: (subscript) right: (_)) @cfgassign
(decorator) @decorator
(call function: (call function: (attribute attribute: (identifier) @_d (#any-of? @_d "route" "api_route" ${[...METHOD_DECORATORS].map((m) => `"${m}"`).join(' ')})))) @deccall
(call function: (attribute attribute: (identifier) @_m (#any-of? @_m "include_router" "register_blueprint" "add_api_route" "add_url_rule" "mount" "add_resource" "add_namespace" "init_app" "from_object"))) @regcall
(call function: [(identifier) (attribute)] arguments: (argument_list (identifier))) @argcall
(call function: [(identifier) (attribute)] arguments: (argument_list (attribute))) @argcall
(call function: [(identifier) (attribute)] arguments: (argument_list (keyword_argument value: [(identifier) (attribute)]))) @argcall
(function_definition name: (identifier)) @func
(lambda) @lambda
(class_definition name: (identifier)) @class
(for_statement) @forin
(call function: [(identifier) @_dm (attribute attribute: (identifier) @_dm)] (#eq? @_dm "DispatcherMiddleware")) @dispatch
(call function: [(identifier) @_im (attribute attribute: (identifier) @_im)] (#eq? @_im "import_module")) @loadcall
`;

const FASTAPI_CTORS: Record<string, 'app' | 'router'> = { FastAPI: 'app', APIRouter: 'router' };
const FLASK_CTORS: Record<string, 'app' | 'router'> = { Flask: 'app', APIFlask: 'app' };
for (const r of ['Blueprint', 'APIBlueprint', 'Api', 'Namespace']) FLASK_CTORS[r] = 'router';
/** Flask-RESTful / Flask-RESTX / flask-smorest: Api and Namespace only count when imported from these. */
const RESTFUL_PKGS = new Set(['flask_restful', 'flask_restx', 'flask_restplus', 'flask_smorest']);
/** Packages whose Blueprint is Flask's (flask-smorest subclasses it). */
const BLUEPRINT_PKGS = new Set(['flask', 'apiflask', 'flask_smorest']);
const RESOURCE_CTORS = new Set(['Api', 'Namespace']);

export const PYTHON_QUERY = QUERY;
export const PYTHON_MAX_DEPTH = MAX_DEPTH;

/** The analysis as a list of small steps over the query captures (run at once or time-sliced). */
export function pythonTasks(fa: FileAnalysis, file: string, caps: { name: string; node: Node }[]): (() => void)[] {
  const S = captureSteps(fa.notes, caps);
  // class bodies are scopes too: `api = Namespace(...)` in a class body is a class attribute, not a module name
  const A = new PyAnalyzer(fa, file, new ScopeIndex([...S.nodes('func'), ...S.nodes('lambda'), ...S.nodes('class')]));
  A.loops = new Loops(A, pySyntax(A, S.nodes('forin')));
  return S.withFinish(
    [
      ...S.each('import', 'import', (n) => A.importStmt(n)),
      ...S.each('assign', 'assignment', (n) => A.assignment(n)),
      ...S.each('cfgassign', 'configuration', (n) => A.configAssign(n)),
      ...S.each('func', 'function', (n) => A.funcDef(n)),
      ...S.each('class', 'class', (n) => A.classDef(n)),
      ...S.each('assign', 'route table', (n) => pyRouteTable(A, n)),
      ...S.each('decorator', 'decorator', (n) => A.decorator(n)),
      ...S.each('deccall', 'call', (n) => A.loops.unrolled(n, () => A.decoratorCall(n))),
      ...S.each('regcall', 'call', (n) => A.loops.unrolled(n, () => A.regCall(n))),
      ...S.each('argcall', 'call', (n) => A.loops.unrolled(n, () => A.argCall(n))),
      ...S.each('dispatch', 'call', (n) => pyDispatcher(A, n)),
      // a module loaded for its side effects by a name computed per element (`for m in ("a", "b"): import_module(f"x.{m}")`)
      ...S.each('loadcall', 'call', (n) => A.loops.unrolled(n, () => void A.refOf(n))),
    ],
    () => A.finishSteps(),
  );
}

export class PyAnalyzer extends Analyzer {
  constructor(fa: FileAnalysis, file: string, scopes: ScopeIndex) {
    super(fa, file, scopes, (fn) => pyParamNames(fn, true), true);
  }

  /** A function's first top-level `return <expr>` (app factories); lambdas are not followed. */
  returnedExpr(fn: Node): Node | undefined {
    const body = fn.childForFieldName('body');
    if (!body || fn.type === 'lambda') return undefined;
    const ret = named(body).find((c) => c.type === 'return_statement');
    return ret ? named(ret)[0] : undefined;
  }

  protected returnTypeName(fn: Node): Node | undefined {
    return pyReturnClass(fn);
  }

  protected fnId(fn: Node): number {
    let id = this.fnIds.get(fn.startIndex);
    if (id === undefined) {
      id = this.fa.functions.length;
      const decl: FuncDecl = {
        id,
        name: fn.type === 'lambda' ? null : (fn.childForFieldName('name')?.text ?? null),
        line: lineOf(fn),
        range: rangeOf(fn),
        params: this.bindings.paramNames(fn).map((p) => p ?? ''),
      };
      const rest = pyRestParam(fn);
      if (rest >= 0) decl.rest = rest;
      this.fa.functions.push(decl);
      this.fnNodes[id] = fn;
      this.fnIds.set(fn.startIndex, id);
    }
    return id;
  }

  // ---- collection --------------------------------------------------------------------------------

  importStmt(n: Node): void {
    if (n.type === 'import_statement') {
      for (const c of named(n)) {
        if (c.type === 'dotted_name') {
          const full = c.text;
          const first = full.split('.')[0]!;
          this.bind(first, n, () => ({ k: 'imp', mod: `py:${first}`, name: '*' }));
          this.noteFramework(full);
          this.load(`py:${full}`);
        } else if (c.type === 'aliased_import') {
          const full = c.childForFieldName('name')?.text ?? '';
          const alias = c.childForFieldName('alias')?.text;
          if (alias) this.bind(alias, n, () => ({ k: 'imp', mod: `py:${full}`, name: '*' }));
          this.noteFramework(full);
          this.load(`py:${full}`);
        }
      }
      return;
    }
    // import_from_statement
    const modNode = n.childForFieldName('module_name');
    if (!modNode) return;
    let mod: ModId;
    if (modNode.type === 'relative_import') {
      const prefix = named(modNode).find((c) => c.type === 'import_prefix')?.text ?? '.';
      const dotted = named(modNode).find((c) => c.type === 'dotted_name')?.text ?? '';
      mod = relativeModule(this.file, prefix.length, dotted);
    } else {
      mod = `py:${modNode.text}`;
      this.noteFramework(modNode.text);
    }
    this.load(mod);
    for (const c of n.childrenForFieldName('name')) {
      if (!c) continue;
      const imported = c.type === 'aliased_import' ? c.childForFieldName('name')?.text : c.text;
      if (imported) this.load(mod.startsWith('py:') ? `${mod}.${imported}` : `${mod}/${imported.split('.').join('/')}`); // a submodule
      if (c.type === 'dotted_name') {
        const name = c.text;
        this.bind(name.split('.').pop()!, n, () => pyImported(this, n, mod, name, name));
      } else if (c.type === 'aliased_import') {
        const name = c.childForFieldName('name')?.text ?? '';
        const alias = c.childForFieldName('alias')?.text;
        if (alias) this.bind(alias, n, () => pyImported(this, n, mod, name, alias));
      }
    }
    // `from .auth import *`: its names are this module's too (re-exported like JS `export * from`; ./pyStar)
    if (named(n).some((c) => c.type === 'wildcard_import')) this.fa.starExports.push(mod);
  }

  /** A module this file imports, or a loader's package pattern (`py:app.routes.*`): the held files the scan pulls in. */
  private load(mod: ModId): void {
    const loads = (this.fa.loads ??= []);
    if (!loads.includes(mod)) loads.push(mod);
  }

  private noteFramework(mod: string): void {
    const top = mod.split('.')[0];
    if (top === 'fastapi' || top === 'fastapi_restful') this.frameworks.add('fastapi');
    if (top === 'flask' || top === 'apiflask' || RESTFUL_PKGS.has(top ?? '')) this.frameworks.add('flask');
  }

  assignment(n: Node): void {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (!left || !right || left.type !== 'identifier') return;
    if (!pyExceptFallback(n, left.text)) this.bind(left.text, n, () => this.refOf(right));
    pyAllAssign(this, left, right);
  }

  funcDef(n: Node): void {
    const name = n.childForFieldName('name');
    if (!name) return;
    this.bind(name.text, n, () => ({ k: 'fn', id: this.fnId(n) }));
  }

  classDef(n: Node): void {
    const name = n.childForFieldName('name');
    if (name) this.bind(name.text, n, () => this.classRef(n, name));
  }

  /** The class `n` defines (its methods, fields and settings constants), recorded once. */
  classRef(n: Node, name: Node): Ref {
    let id = this.clsIds.get(n.startIndex);
    if (id === undefined) {
      id = this.fa.classes.length;
      this.clsIds.set(n.startIndex, id);
      const methods: Record<string, number> = {};
      const fields: Record<string, Ref> = {};
      this.fa.classes.push({ id, name: name.text, line: lineOf(n), methods, fields, head: pyClassHead(n, name) });
      pyClassBases(this, this.fa.classes[id]!, n);
      const body = n.childForFieldName('body');
      for (const c of body ? named(body) : []) {
        const def = c.type === 'decorated_definition' ? c.childForFieldName('definition') : c;
        const mn = def?.type === 'function_definition' ? def.childForFieldName('name')?.text : undefined;
        if (def && mn) methods[mn] = this.fnId(def);
        const kind = def && mn ? pyMethodKind(c, mn) : null;
        if (kind) this.fa.functions[methods[mn!]!]!.pyMethod = kind;
        const asg = c.type === 'expression_statement' ? named(c)[0] : undefined;
        const left = asg?.type === 'assignment' ? asg.childForFieldName('left') : null;
        const right = asg?.childForFieldName('right');
        if (left?.type === 'identifier' && right && !(left.text in fields)) {
          const r = this.refOf(right);
          if (r.k !== 'none') fields[left.text] = r;
          // settings classes: API_V1_STR: str = "/api/v1", Field(default=...), os.getenv("X", "/api")
          const c = pyConst(this, left.text, right);
          if (c) (this.fa.classes[id]!.consts ??= {})[c.key] = c.v.s;
        }
      }
      const replay = classReplay(body);
      if (replay) this.fa.classes[id]!.replay = replay;
    }
    return { k: 'cls', id };
  }

  // ---- values ------------------------------------------------------------------------------------

  protected computeRef(n: Node): Ref {
    switch (n.type) {
      case 'identifier':
        return pySelf(this, this.lookup(n.text, n) ?? pyStarName(this, n)) ?? { k: 'none', text: n.text };
      case 'attribute': {
        const obj = n.childForFieldName('object');
        const attr = n.childForFieldName('attribute');
        if (!obj || !attr) return none(n);
        return pySelfField(this, obj, attr.text) ?? { k: 'mem', base: this.refOf(obj), name: attr.text };
      }
      case 'parenthesized_expression':
        return this.refOf(named(n)[0] ?? null);
      case 'lambda':
        return { k: 'fn', id: this.fnId(n) };
      case 'list':
      case 'tuple':
        return pyArrayRef(this, n);
      case 'call':
        return this.callRef(n);
      case 'assignment':
        return this.refOf(n.childForFieldName('right')); // app = application = Flask(__name__)
      default:
        return none(n);
    }
  }

  private callRef(n: Node): Ref {
    const fnNode = n.childForFieldName('function');
    if (!fnNode) return none(n);
    const ctor = this.ctorKind(fnNode);
    if (ctor) {
      const { pos, kw } = pyArgs(n);
      const nameNode = n.parent?.type === 'assignment' ? n.parent.childForFieldName('left') : null;
      const prefix = (): Val | null => {
        if (ctor.name === 'Namespace') return pyNamespacePrefix(this, n);
        const arg = kw.get(ctor.framework === 'fastapi' || ctor.name === 'Api' ? 'prefix' : 'url_prefix');
        return arg ? this.evalStr(arg) : null;
      };
      return this.objectAt(n, { framework: ctor.framework, kind: ctor.kind, name: nameNode?.text, prefix }, (child) => {
        // Api(app) / Api(blueprint): the resources live under the app or blueprint
        const target = ctor.name === 'Api' ? (pos[0] ?? kw.get('app')) : undefined;
        if (target) this.fa.mounts.push({ parent: this.refOf(target), child, prefix: null, line: lineOf(n), kind: 'include' });
      });
    }
    const versioned = pyVersionedApp(this, n, fnNode);
    if (versioned) return versioned;
    if (fnNode.type === 'identifier' || (fnNode.type === 'attribute' && fnNode.childForFieldName('attribute')?.text !== 'namespace')) {
      // app = create_app(): the value the project function returns; settings = Settings(): an instance
      const callee = this.refOf(fnNode);
      const loaded = importModule(this, n, callee);
      if (loaded?.k === 'imp') this.load(loaded.mod); // a package pattern (`py:app.routes.*`) too: its held modules are pulled
      if (loaded) return loaded;
      const via =
        callee.k === 'cls'
          ? { k: 'inst' as const, cls: callee }
          : pyContainerGet(this, n, this.returnOf(callee) ?? dottedModuleCall(callee));
      if (!via) return none(n);
      // AppRouter(prefix="/x"): a router if the class subclasses APIRouter/Blueprint; get_router("/x"): a fresh instance per call (resolve.ts)
      const { kw, pos } = pyArgs(n);
      if (callee.k !== 'cls') this.callEdge(n, callee, pos, [...kw], true);
      const nameNode = n.parent?.type === 'assignment' ? n.parent.childForFieldName('left') : null;
      const p = kw.get('prefix') ?? kw.get('url_prefix');
      const prefix = (): Val | null => (p ? this.evalStr(p) : null);
      // ns = Namespace('teams'), the project's own subclass of Flask-RESTX Namespace: `/teams` (resolve.ts decides)
      const nsPrefix = (): Val | null => (callee.k === 'fn' ? null : pyNamespacePrefix(this, n));
      const o = { framework: 'fastapi' as const, kind: 'router' as const, name: nameNode?.text, prefix, ctor: callee, via, nsPrefix };
      const made = this.objectAt(n, o, pyApiBinding(this, n, callee));
      const args = callee.k === 'fn' || made.k !== 'obj' ? null : pyCtorArgs(this, pos, kw);
      if (args && made.k === 'obj') this.fa.objects[made.id]!.args = args;
      return made;
    }
    if (fnNode.type === 'attribute' && fnNode.childForFieldName('attribute')?.text === 'namespace') {
      // flask_restx: ns = api.namespace('todos', path='/todos')
      const owner = this.refOf(fnNode.childForFieldName('object'));
      const o = owner.k === 'obj' ? this.fa.objects[owner.id] : undefined;
      if (!o || o.ctor || o.framework !== 'flask') return none(n);
      return this.objectAt(n, { framework: 'flask', kind: 'router', prefix: () => pyNamespacePrefix(this, n) }, (child) => {
        this.fa.mounts.push({ parent: owner, child, prefix: null, line: lineOf(n), kind: 'include' });
      });
    }
    return none(n);
  }

  /** Is `fnNode(...)` a FastAPI/Flask app or router constructor (judged by where the name comes from)? */
  ctorKind(fnNode: Node): { framework: Framework; kind: 'app' | 'router'; name: string } | null {
    let name: string;
    let ref: Ref;
    if (fnNode.type === 'identifier') {
      ref = this.refOf(fnNode);
      // `from fastapi import APIRouter as FastAPIRouter`: the imported name counts
      name = ref.k === 'imp' ? ref.name : fnNode.text;
      if (!(name in FASTAPI_CTORS) && !(name in FLASK_CTORS)) return null;
    } else if (fnNode.type === 'attribute') {
      name = fnNode.childForFieldName('attribute')?.text ?? '';
      if (!(name in FASTAPI_CTORS) && !(name in FLASK_CTORS)) return null;
      ref = this.refOf(fnNode);
    } else return null;
    let mod: string | null = null;
    if (ref.k === 'imp') mod = isStarName(ref, this.file) ? pyStarPackage(this.fa) : ref.mod;
    else if (ref.k === 'mem' && ref.base.k === 'imp') mod = ref.base.mod;
    else if (ref.k === 'none')
      mod = null; // unbound name (star import, or defined elsewhere): accept by name
    else return null;
    const top = mod ? mod.replace(/^py:/, '').split('.')[0] : null;
    if (name in FASTAPI_CTORS && (top === null || top === 'fastapi')) return { framework: 'fastapi', kind: FASTAPI_CTORS[name]!, name };
    // fastapi-restful `Api(app)`: its resources are FastAPI routes of the app
    if (name === 'Api' && top === 'fastapi_restful') return { framework: 'fastapi', kind: 'router', name };
    if (RESOURCE_CTORS.has(name)) return top && RESTFUL_PKGS.has(top) ? { framework: 'flask', kind: 'router', name } : null;
    if (name in FLASK_CTORS && (top === null || BLUEPRINT_PKGS.has(top))) return { framework: 'flask', kind: FLASK_CTORS[name]!, name };
    return null;
  }

  /** Evaluates a string expression statically (./pyValues). */
  evalStr(n: Node, depth = 0): Val {
    return pyEvalStr(this, n, depth);
  }

  /**
   * The value assigned to a name, when it is assigned once in this scope (`API_V1_STR = f"/api/{API_VERSION}"` in a
   * settings class body, a local `prefix = "/x"` in a factory), else once in the whole module.
   */
  assignedOnce(n: Node): Node | null {
    const list = this.bindings.get(n.text) ?? [];
    const here = this.bindings.scopes.scopeOf(n);
    const own = list.filter((b) => b.scope === here && b.node.startIndex < n.startIndex);
    const b = here !== -1 && own.length === 1 ? own[0] : list.length === 1 && list[0]!.scope === -1 ? list[0] : undefined;
    return b?.node.type === 'assignment' ? b.node.childForFieldName('right') : null;
  }

  /**
   * The value a name reassigned in straight-line code holds at `n`: when every binding of it in this scope is an
   * assignment at the top level of the scope's body, the last one before `n` (`hr_base_url = "/api/hr"` written again
   * before a second group of routes); else null.
   */
  assignedBefore(n: Node): Node | null {
    const here = this.bindings.scopes.scopeOf(n);
    const own = (this.bindings.get(n.text) ?? []).filter((b) => b.scope === here);
    const top = (a: Node): boolean => {
      const block = a.type === 'assignment' && a.parent?.type === 'expression_statement' ? a.parent.parent : null;
      return here === -1 ? block?.type === 'module' : block?.type === 'block' && block.parent?.startIndex === here;
    };
    if (own.length < 2 || !own.every((b) => top(b.node))) return null;
    const last = own.filter((b) => b.node.endIndex <= n.startIndex).at(-1);
    return last ? last.node.childForFieldName('right') : null;
  }

  // ---- routes & mounts ---------------------------------------------------------------------------

  decorator(n: Node): void {
    if (pyVersionDecorator(this, n)) return;
    const call = named(n)[0];
    if (!call || call.type !== 'call') return;
    const fnNode = call.childForFieldName('function');
    if (!fnNode || fnNode.type !== 'attribute') return;
    const method = fnNode.childForFieldName('attribute')?.text ?? '';
    const flavour = decoratorFlavour(method);
    if (!flavour) return;
    const def = n.parent?.childForFieldName('definition');
    if (def?.type === 'class_definition' && flavour === 'py-route') {
      // Flask-RESTX: @ns.route('/todos/<id>') class Todo(Resource): def get(self, id): ...
      const { pos, kw } = pyArgs(call);
      const paths = pos.length ? pos : [kw.get('path') ?? kw.get('rule')].filter((x): x is Node => !!x);
      const name = def.childForFieldName('name');
      for (const p of paths) {
        this.fa.routes.push({
          owner: this.refOf(fnNode.childForFieldName('object')),
          framework: null,
          flavour: 'py-resource',
          methods: [],
          path: this.evalStr(p),
          line: lineOf(n),
          range: rangeOf(n),
          // the decorated class itself: a name defined twice in the file is two resources (Flask-RESTX registers each)
          handler: { ref: name ? this.classRef(def, name) : none(def), text: name?.text ?? '', line: lineOf(def) },
        });
      }
      return;
    }
    if (def?.type !== 'function_definition') return;
    const handler = { ref: { k: 'fn' as const, id: this.fnId(def) }, text: def.childForFieldName('name')?.text ?? '', line: lineOf(def) };
    this.decoratedRoute(n, call, handler);
  }

  /** A route decorator applied by a call: `app.route("/assets/<path:p>")(serve)`, `router.get("/x")(views.x)`. */
  decoratorCall(n: Node): void {
    const view = pyArgs(n).pos[0];
    if (view) this.decoratedRoute(n, n.childForFieldName('function')!, this.handlerSpec(view));
  }

  /** The route of decorator call `call` (`app.get("/x")`, `bp.route("/y", methods=[...])`) on `handler`; `n` is where. */
  private decoratedRoute(n: Node, call: Node, handler: HandlerSpec): void {
    const fnNode = call.childForFieldName('function')!;
    const method = fnNode.childForFieldName('attribute')?.text ?? '';
    const flavour = decoratorFlavour(method);
    const { pos, kw } = pyArgs(call);
    const pathNode = pos[0] ?? kw.get('path') ?? kw.get('rule');
    if (!flavour || !pathNode) return;
    this.fa.routes.push({
      owner: this.refOf(fnNode.childForFieldName('object')),
      framework: null,
      flavour,
      ...(flavour === 'py-method' ? { methods: [toMethod(method)!] } : pyMethodsArg(this, kw.get('methods') ?? null, ['GET'])),
      path: this.evalStr(pathNode),
      line: lineOf(n),
      range: rangeOf(n),
      handler,
    });
  }

  regCall(n: Node): void {
    pyRegCall(this, n);
  }

  handlerSpec(h: Node): HandlerSpec {
    // View.as_view('name') → the class; wrap(fn) → fn
    let node = h;
    for (let i = 0; i < 4 && node.type === 'call'; i++) {
      const f = node.childForFieldName('function');
      if (f?.type === 'attribute' && f.childForFieldName('attribute')?.text === 'as_view') {
        node = f.childForFieldName('object')!;
        break;
      }
      const a = pyArgs(node).pos;
      const inner = a.find((x) => x.type === 'identifier' || x.type === 'attribute' || x.type === 'lambda');
      if (!inner) break;
      node = inner;
    }
    return { ref: this.refOf(node), text: node.text, line: lineOf(node) };
  }

  argCall(n: Node): void {
    const fnNode = n.childForFieldName('function');
    if (!fnNode) return;
    if (fnNode.type === 'attribute') {
      const m = fnNode.childForFieldName('attribute')?.text ?? '';
      if (m === 'include_router' || m === 'register_blueprint') return;
    }
    if (pyElementCall(this, n, fnNode)) return; // `for m in modules: m.setup(app)` (./pyEach)
    const al = n.childForFieldName('arguments');
    if (!al) return;
    // `for ext in (logging, api): ext.init_app(app)`: one call per element of the table
    const callees = pyLoopCallees(this, fnNode) ?? [this.refOf(fnNode)];
    if (!callees.some((c) => this.mayCall(c))) return; // as callEdge would, before the arguments are read
    const args = named(al);
    const kw = args.findIndex((a) => a.type === 'keyword_argument');
    const kwArgs: [string, Node][] = [];
    for (const a of kw < 0 ? [] : args.slice(kw)) {
      const name = a.childForFieldName('name')?.text;
      const value = a.childForFieldName('value');
      if (name && value) kwArgs.push([name, value]);
    }
    for (const callee of callees) {
      const edge = this.callEdge(n, callee, kw < 0 ? args : args.slice(0, kw), kwArgs);
      // `routes = Routes(app)`: the instance a class call makes is its `__init__`'s `self` (./pyMethods pyBoundCall)
      const named = n.parent?.type === 'assignment' && n.parent.childForFieldName('left')?.type === 'identifier';
      if (edge && named && (callee.k === 'cls' || callee.k === 'imp')) this.made.push({ edge, n });
    }
  }

  /** `self.register(Users, "/users")` in a method: a call of a method of the class, kept for the strings or classes it
   *  passes too (./pySelf). */
  protected selfCall(callee: Ref): boolean {
    return pySelfCall(this, callee);
  }

  private setConst(name: string, v: { s: string; src?: string }): void {
    this.fa.consts[name] = v.s;
    if (v.src) (this.fa.constSrc ??= {})[name] = v.src;
  }

  /** `app.config["API_PREFIX"] = "/api"`: a configuration value set in the code. */
  configAssign(n: Node): void {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    const key = left && right ? pyConfigKey(left, (c) => this.evalStr(c)) : null;
    const v = key ? this.evalStr(right!) : null;
    if (v && 's' in v) this.setConst(`cfg:${key}`, v);
  }

  /** Class calls whose value a name keeps (`routes = Routes(app)`): read last, once every object of the file is made. */
  private readonly made: { edge: CallEdge; n: Node }[] = [];

  /** Module exports and constants, one step per module-level name (then the instances class calls make, and the
   *  framework hints). */
  finishSteps(): (() => void)[] {
    const names = [...this.bindings.entries()].map(([name]) => name);
    const made = () => {
      for (const { edge, n } of this.made) {
        const inst = this.refOf(n);
        if (inst.k === 'obj') edge.self = inst;
      }
    };
    const steps = [...names.map((name) => () => this.finishName(name)), made, () => pyMethodFacts(this), () => pyEnvReaders(this)];
    return [...steps, () => dropReplayRoutes(this.fa), this.frameworkStep()];
  }

  private finishName(name: string): void {
    const mod = this.bindings.moduleBindings(name);
    if (!mod.length) return;
    const first = mod.at(-1)!; // an importer sees the module's final binding
    const r = this.bindings.valueOf(name, first);
    if (r.k !== 'none') this.fa.exports[name] = r;
    if (r.k === 'fn') this.computeReturns(r.id);
    const right = mod.length === 1 && first.node.type === 'assignment' ? first.node.childForFieldName('right') : null;
    if (right) pyConstArray(this, name, right);
    const c = right && PY_MODULE_CONST.has(right.type) ? pyConst(this, name, right) : null;
    if (c) this.setConst(c.key, c.v);
    const v = !c && right?.type === 'call' ? this.evalStr(right) : null;
    if (v && 'e' in v && v.ref?.k === 'env') (this.fa.envConsts ??= {})[name] = v; // an imported reader's default: the resolver's
  }
}
