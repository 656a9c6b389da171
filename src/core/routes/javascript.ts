/**
 * JavaScript / TypeScript analyzer (Express, Fastify, NestJS, Koa, Hono): one tree-sitter query per
 * grammar collects imports, declarations, exports, member calls with interesting method names, calls
 * passing names, and classes; the rest is structural inspection of those nodes only.
 */
import * as path from 'node:path';
import type { Framework } from './types';
import { type ClassDecl, type FileAnalysis, type ModId, type Ref, type Val } from './model';
import { jsStringLiteral as unquote, lineOf, named, rangeOf, type SyntaxNode as Node } from '../parsing/nodes';
import { extendsOf, isInlineFunction, unwrapExpr } from '../parsing/javascript';
import { ScopeIndex } from '../parsing/scopes';
import { Analyzer } from './analyzer';
import { registryPackage } from './denoImports';
import { objectLiteral } from './jsTables';
import { memberCall, OTHER_METHODS, ROUTE_METHODS, withChainLinks } from './jsRegistrations';
import { controllerServer, nestConfigFactories, nestController } from './nest';
import { captureSteps, makesHonoApp, none } from './common';
import { jsObjectConsts, zodDefaults } from './configValues';
import { keyedReturns, nestMappingCall } from './nestDecorators';
import { constArrayElements, jsEnumConsts, jsEvalStr, zodSource } from './jsValues';
import { jsExportStatement, jsObjectExports } from './jsExports';
import { LiteralLoops } from './jsLoops';
import { eitherExport, stringHelpers } from './jsFolderLoops';
import { folderLoaderCall } from './jsRequireDirectory';
import * as calls from './jsCalls';
import { markMiddlewares } from './jsMiddleware';
import { callRef } from './jsCallRefs';
import { destructuredConsts, patternNames } from './jsPatterns';
import { constArray, tableDispatch } from './jsRouteTables';
import { methodParamRoute, tableLoopCall } from './jsMethodParams';
import { koaPrefixOrder } from './jsKoaPrefix';
import { objectArgStrs } from './jsRouterOptions';
import { httpClientParams } from './jsHttpClients';
import { keyedCall, keyedCallee } from './jsKeyedCalls';
import { decorateCall, defCall, registrars, rowArgsCall } from './jsRouteDefs';
import { envReaders } from './jsEnvReaders';
import { collectorClasses } from './jsCollectors';

/** Deepest node a pattern may start at: prunes the walk through deep handler bodies (registrations sit at depth 2-9). */
const MAX_DEPTH = 16;
const QUERY = `
(import_statement) @import
(variable_declarator name: (_) value: (_)) @decl
(assignment_expression left: (_) right: (_)) @assign
(export_statement) @export
(call_expression function: (member_expression property: (property_identifier) @_m (#any-of? @_m ${[...ROUTE_METHODS, ...OTHER_METHODS, 'filter'].map((m) => `"${m}"`).join(' ')}))) @mcall
(call_expression arguments: (arguments (identifier))) @argcall
(call_expression function: (member_expression object: [(identifier) (this)]) arguments: (arguments . (string))) @argcall
(call_expression function: (identifier) arguments: (arguments (object))) @argcall
(call_expression function: (member_expression object: (identifier)) arguments: (arguments (object [(shorthand_property_identifier) (pair value: [(identifier) (member_expression)])]))) @argcall
(call_expression function: (member_expression object: (this)) arguments: (arguments (member_expression))) @argcall
(call_expression function: [(identifier) (member_expression)] arguments: (arguments (member_expression object: (this)))) @argcall
(call_expression function: (member_expression object: (identifier) @_rt (#any-of? @_rt "Bun" "Deno") property: (property_identifier) @_sv (#eq? @_sv "serve"))) @argcall
(call_expression function: (identifier) @_nm (#any-of? @_nm "RequestMapping" "Get" "Post" "Put" "Patch" "Delete" "Head" "Options" "All" "Sse" "Controller") arguments: (arguments . (_))) @nestmap
(new_expression arguments: (arguments [(identifier) (member_expression) (array) (object)])) @newcall
(new_expression constructor: (identifier) @_ie (#eq? @_ie "InversifyExpressServer")) @newcall
(new_expression constructor: (member_expression property: (property_identifier) @_ie (#eq? @_ie "InversifyExpressServer"))) @newcall
(call_expression function: (identifier) @_r (#eq? @_r "require") arguments: (arguments . [(template_string) (call_expression) (identifier) (binary_expression)])) @load
(call_expression function: (import) arguments: (arguments . [(template_string) (call_expression) (identifier) (binary_expression) (member_expression)])) @load
(call_expression function: (subscript_expression)) @tcall
(call_expression arguments: (arguments [(array) (identifier) (object (pair value: [(array) (identifier)]))])) @defcall
(call_expression function: (member_expression) arguments: (arguments [(object) (spread_element)])) @rowcall
(call_expression function: (member_expression property: (property_identifier) @_d (#eq? @_d "decorate")) arguments: (arguments . (string) . (_))) @decorate
(for_in_statement) @forin
(for_statement) @forin
(object_pattern) @ppat
(function_declaration) @func
(class_declaration) @class
[(function_expression) (arrow_function) (method_definition) (generator_function_declaration) (generator_function)] @fnx
`;

/** What may hold a constant array literal (`[…] as const`, `[…] satisfies T`, `Object.freeze([…])`). */
const ARRAY_WRAPS = new Set(['as_expression', 'satisfies_expression', 'call_expression']);

/** The servers of the runtimes: `Bun.serve(…)`, `Deno.serve(…)`. */
const RUNTIME_SERVE = /^(?:Bun|Deno)\.serve$/;

/** Packages that implement another one's API and are imported in its place (ultimate-express: Express on uWebSockets.js). */
const DROP_IN: Record<string, string> = { 'ultimate-express': 'express' };

const PKG_FRAMEWORK: Record<string, Framework> = {
  express: 'express',
  ...Object.fromEntries(Object.keys(calls.EXPRESS_ROUTER_PKGS).map((p) => [p, 'express' as const])),
  fastify: 'fastify',
  'fastify-plugin': 'fastify',
  '@fastify/autoload': 'fastify',
  'fastify-autoload': 'fastify',
  koa: 'koa',
  ...Object.fromEntries(calls.KOA_ROUTER_PKGS.map((p) => [p, 'koa' as const])),
  hono: 'hono',
  'hono/tiny': 'hono',
  'hono/quick': 'hono',
  '@hono/zod-openapi': 'hono',
  '@nestjs/common': 'nestjs',
  '@nestjs/core': 'nestjs',
  '@nestjs/platform-express': 'nestjs', // a set-up module typed `NestExpressApplication` (`app.setGlobalPrefix` there)
  '@nestjs/platform-fastify': 'nestjs',
};

export const JS_QUERY = QUERY;
/** TypeScript adds enums (`enum Paths { Users = '/users' }`), a node type the JavaScript grammar does not have. */
export const TS_QUERY = `${QUERY}(enum_declaration) @enum\n(abstract_class_declaration) @class\n`;
export const JS_MAX_DEPTH = MAX_DEPTH;

/** The analysis as a list of small steps over the query captures (run at once or time-sliced). */
export function javascriptTasks(fa: FileAnalysis, file: string, caps: { name: string; node: Node }[]): (() => void)[] {
  const S = captureSteps(fa.notes, withChainLinks(caps));
  const A = new JsAnalyzer(fa, file, new ScopeIndex([...S.nodes('func'), ...S.nodes('fnx'), ...calls.forOfBodies(S.nodes('forin'))]));
  A.loops = new LiteralLoops(A, S.nodes('forin'), S.nodes('mcall'), S.nodes('assign'));
  return S.withFinish(
    [
      ...S.each('import', 'import', (n) => A.importStmt(n)),
      ...S.each('decl', 'declaration', (n) => A.declarator(n)),
      ...S.each('func', 'function', (n) => A.funcDecl(n)),
      ...S.each('ppat', 'parameter', (n) => A.paramPattern(n)),
      ...S.each('class', 'class', (n) => A.classDecl(n)),
      ...S.each('enum', 'enum', (n) => jsEnumConsts(A, n)),
      ...S.each('assign', 'assignment', (n) => A.assignment(n)),
      ...S.each('export', 'export', (n) => jsExportStatement(A, n)),
      ...S.each('class', 'class', (n) => nestController(A, n)),
      ...S.each('mcall', 'call', (n) => A.loops.unrolled(n, () => memberCall(A, n))),
      ...S.each('argcall', 'call', (n) => A.loops.unrolled(n, () => A.argCall(n))),
      ...S.each('nestmap', 'call', (n) => nestMappingCall(A, n)),
      ...S.each('newcall', 'call', (n) => A.loops.unrolled(n, () => calls.newCall(A, n))),
      ...S.each('tcall', 'call', (n) => void (tableDispatch(A, n) || methodParamRoute(A, n))),
      ...S.each('defcall', 'call', (n) => defCall(A, n)),
      ...S.each('rowcall', 'call', (n) => rowArgsCall(A, n)),
      ...S.each('decorate', 'call', (n) => decorateCall(A, n)),
      ...S.each('forin', 'loop', (n) => calls.forOfCall(A, n)),
      ...S.each('load', 'load', (n) => A.loops.unrolled(n, () => void A.refOf(n))), // computed loads: the folder they read
    ],
    () => A.finishSteps(),
  );
}

export class JsAnalyzer extends Analyzer {
  readonly dir: string;
  declare loops: LiteralLoops;

  constructor(fa: FileAnalysis, file: string, scopes: ScopeIndex) {
    super(fa, file, scopes, calls.jsScopeParams, false, calls.importThen);
    this.dir = path.dirname(file);
  }

  /** The `const/let/var name = …` declarator of a name bound exactly once that way (as read at `at`), else null. */
  soleDeclarator(name: string, at?: Node): Node | null {
    const list = this.bindings.getAt(name, at) ?? [];
    return list.length === 1 && list[0]!.node.type === 'variable_declarator' ? list[0]!.node : null;
  }

  /** The one value a name is given in its scope: `const x = v`, or `x = v` (`let x; x = v`, an undeclared assignment). */
  soleValue(name: string, at?: Node): Node | null {
    const list = this.bindings.getAt(name, at) ?? [];
    const given = list.flatMap(({ node }) => node.childForFieldName(node.type === 'assignment_expression' ? 'right' : 'value') ?? []);
    // one value, and at most one declaration without one before it
    return given.length === 1 && list.length <= 2 ? given[0]! : null;
  }

  /** The elements of a constant array literal this expression names (`[users, items]`, or a `const` of this file), with
   *  those of the constant arrays of this file it spreads (./jsValues constArrayElements). */
  arrayElements(n: Node): Node[] | null {
    return constArrayElements(this, n);
  }

  /** The node of functions[id]. */
  fnNode(id: number): Node | undefined {
    return this.fnNodes[id];
  }

  /** A function's first top-level `return <expr>`, or an arrow's expression body (app factories). */
  returnedExpr(fn: Node): Node | null | undefined {
    const body = fn.childForFieldName('body');
    if (body?.type !== 'statement_block') return body;
    const ret = named(body).find((c) => c.type === 'return_statement');
    return ret ? named(ret)[0] : null;
  }

  /** `inline`: a function written in place (a route's handler argument): no need to look for a name around it. */
  fnId(fn: Node, inline = false): number {
    let id = this.fnIds.get(fn.startIndex);
    if (id === undefined) {
      id = this.fa.functions.length;
      let name = fn.childForFieldName('name')?.text ?? null;
      const parent = inline ? null : fn.parent;
      if (!name && parent?.type === 'variable_declarator') name = parent.childForFieldName('name')?.text ?? null;
      if (!name && parent?.type === 'assignment_expression' && parent.childForFieldName('right')?.id === fn.id) {
        const left = parent.childForFieldName('left');
        name =
          (left?.type === 'member_expression'
            ? left.childForFieldName('property')?.text
            : left?.type === 'identifier'
              ? left.text
              : null) ?? null;
      }
      if (!name && parent?.type === 'pair') name = parent.childForFieldName('key')?.text ?? null;
      if (!name && parent?.type === 'arguments' && parent.parent?.parent?.type === 'variable_declarator')
        name = parent.parent.parent.childForFieldName('name')?.text ?? null;
      if (!name && (parent?.type === 'public_field_definition' || parent?.type === 'field_definition'))
        name = (parent.childForFieldName('name') ?? parent.childForFieldName('property'))?.text ?? null;
      this.fa.functions.push({ id, name, line: lineOf(fn), range: rangeOf(fn), params: [] });
      this.fnNodes[id] = fn;
      this.fnIds.set(fn.startIndex, id);
    }
    return id;
  }

  clsId(cls: Node): number {
    let id = this.clsIds.get(cls.startIndex);
    if (id === undefined) {
      id = this.fa.classes.length;
      const methods: Record<string, number> = {};
      const decl: ClassDecl = { id, name: cls.childForFieldName('name')?.text ?? '', line: lineOf(cls), methods, fields: {}, consts: {} };
      this.fa.classes.push(decl);
      this.clsIds.set(cls.startIndex, id);
      const base = extendsOf(cls);
      if (base) this.pendingSupers.push([id, base]);
      const body = cls.childForFieldName('body');
      for (const m of body ? named(body) : []) {
        if (m.type === 'method_definition') {
          const mn = m.childForFieldName('name')?.text;
          if (mn) methods[mn] = this.fnId(m);
          if (mn === 'constructor') this.parameterProperties(id, m);
          if (mn && m.children.some((c) => c?.type === 'get')) this.getterConst(decl, mn, m);
        } else if (m.type === 'public_field_definition' || m.type === 'field_definition') {
          const mn = (m.childForFieldName('name') ?? m.childForFieldName('property'))?.text;
          const v = unwrapExpr(m.childForFieldName('value'));
          if (mn && v && isInlineFunction(v)) methods[mn] = this.fnId(v);
          else if (mn && v) this.classField(id, mn, v);
          if (mn && m.children.some((c) => c?.type === 'static')) (decl.statics ??= []).push(mn);
        }
      }
    }
    return id;
  }

  /** TypeScript parameter properties (`constructor(protected app: Application)`): fields holding the parameter. */
  private parameterProperties(cls: number, ctor: Node): void {
    const params = ctor.childForFieldName('parameters');
    (params ? named(params) : []).forEach((p, i) => {
      if (p.type !== 'required_parameter' && p.type !== 'optional_parameter') return;
      if (!p.children.some((c) => c?.type === 'accessibility_modifier' || c?.type === 'readonly' || c?.type === 'override_modifier'))
        return;
      const id = p.childForFieldName('pattern');
      const fields = (this.fa.classes[cls]!.fields ??= {});
      if (id?.type === 'identifier' && !(id.text in fields)) fields[id.text] = this.paramRef(ctor, i);
    });
  }

  /** Records a class field value (`router = Router()`, `path = '/users'`, `this.router = ...`). A field set again to
   *  something else (`this.path = process.env.P` in a method) holds no one string. */
  private classField(cls: number, name: string, v: Node): void {
    const c = this.fa.classes[cls]!;
    const fields = (c.fields ??= {});
    const s = this.evalStr(v);
    if (name in fields) {
      if (c.consts && Object.hasOwn(c.consts, name) && !('s' in s && s.s === c.consts[name])) delete c.consts[name];
      return;
    }
    fields[name] = this.refOf(v);
    if ('s' in s) (c.consts ??= {})[name] = s.s;
  }

  /** `get basePath() { return 'books'; }`: a getter whose body is only a return of a string is a field holding it. */
  private getterConst(c: ClassDecl, name: string, m: Node): void {
    const body = m.childForFieldName('body');
    const stmts = body ? named(body).filter((x) => x.type !== 'comment') : [];
    const e = stmts.length === 1 && stmts[0]!.type === 'return_statement' ? named(stmts[0]!)[0] : undefined;
    const s = e ? this.evalStr(e) : null;
    if (s && 's' in s) (c.consts ??= {})[name] = s.s;
  }

  modId(spec: string): ModId {
    if (spec.startsWith('.') || spec.startsWith('/')) return `file:${path.resolve(this.dir, spec)}`;
    const name = registryPackage(spec); // Deno: `npm:hono@4`, `jsr:@hono/hono`
    const pkg = DROP_IN[name] ?? name;
    const fw = PKG_FRAMEWORK[pkg];
    if (fw) this.frameworks.add(fw);
    return `pkg:${pkg}`;
  }

  // ---- collection --------------------------------------------------------------------------------

  importStmt(n: Node): void {
    const req = named(n).find((c) => c.type === 'import_require_clause');
    if (req) {
      // TypeScript `import x = require('m')`
      const id = named(req).find((c) => c.type === 'identifier');
      const src = req.childForFieldName('source');
      const spec = src ? unquote(src) : null;
      if (id && spec !== null) {
        const mod = this.modId(spec);
        this.bind(id.text, n, () => ({ k: 'imp', mod, name: 'cjs' }), -1);
      }
      return;
    }
    const src = n.childForFieldName('source');
    const spec = src ? unquote(src) : null;
    if (spec === null) return;
    const mod = this.modId(spec);
    const clause = named(n).find((c) => c.type === 'import_clause');
    if (!clause) return;
    for (const c of named(clause)) {
      if (c.type === 'identifier') this.bind(c.text, n, () => ({ k: 'imp', mod, name: 'default' }), -1);
      else if (c.type === 'namespace_import') {
        const id = named(c).find((x) => x.type === 'identifier');
        if (id) this.bind(id.text, n, () => ({ k: 'imp', mod, name: '*' }), -1);
      } else if (c.type === 'named_imports') {
        for (const s of named(c)) {
          if (s.type !== 'import_specifier') continue;
          const nm = s.childForFieldName('name');
          const alias = s.childForFieldName('alias') ?? nm;
          const imported = nm ? (unquote(nm) ?? nm.text) : '';
          if (alias) this.bind(alias.text, n, () => ({ k: 'imp', mod, name: imported }), -1);
        }
      }
    }
  }

  declarator(n: Node): void {
    const name = n.childForFieldName('name');
    const value = n.childForFieldName('value');
    if (!name || !value) return;
    if (name.type === 'identifier') this.bind(name.text, n, () => this.refOf(value));
    else if (name.type === 'object_pattern') {
      this.bindPattern(name, n, () => this.refOf(value));
      if (/^(program|export_statement)$/.test(n.parent?.parent?.type ?? '')) this.patternDecls.push(n); // module-level
    }
  }
  private patternDecls: Node[] = [];

  /** `function f({ router, model: M })`: each name is that property of the parameter (the object its callers pass). */
  paramPattern(pat: Node): void {
    let p = pat;
    if (/^(assignment_pattern|required_parameter|optional_parameter)$/.test(p.parent?.type ?? '')) p = p.parent!;
    const fn = p.parent?.type === 'formal_parameters' ? p.parent.parent : null;
    const i = fn ? named(p.parent!).findIndex((x) => x.id === p.id) : -1;
    if (fn && i >= 0) this.bindPattern(pat, pat, () => this.paramRef(fn, i), fn.startIndex);
  }

  /** The names an object pattern binds, each a property (at a key path) of the destructured value. */
  private bindPattern(pat: Node, at: Node, value: () => Ref, scope?: number): void {
    for (const { name, keys } of patternNames(pat)) this.bind(name, at, () => keys.reduce((r, k) => this.memOf(r, k), value()), scope);
  }

  private memOf(base: Ref, name: string): Ref {
    return { k: 'mem', base, name };
  }

  funcDecl(n: Node): void {
    const name = n.childForFieldName('name');
    if (name) this.bind(name.text, n, () => ({ k: 'fn', id: this.fnId(n) }));
  }

  classDecl(n: Node): void {
    const name = n.childForFieldName('name');
    if (name) this.bind(name.text, n, () => ({ k: 'cls', id: this.clsId(n) }));
    this.classNodes.push(n);
  }
  /** The class declarations of the file, and whether one is among its classes yet (./jsCollectors). */
  readonly classNodes: Node[] = [];
  hasClass = (n: Node): boolean => this.clsIds.has(n.startIndex);

  assignment(n: Node): void {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (!left || !right) return;
    if (left.type === 'identifier') {
      this.bind(left.text, n, () => this.refOf(right));
      return;
    }
    if (left.type !== 'member_expression') return;
    const obj = left.childForFieldName('object');
    const prop = left.childForFieldName('property')?.text;
    if (!obj || !prop) return;
    if (obj.type === 'this') {
      const self = this.refOf(obj);
      if (self.k === 'self') this.classField(self.cls, prop, right);
      return;
    }
    // a static field set in a static method (`InitManager.app = app`), read as `InitManager.app`
    const cls = obj.type === 'identifier' ? this.bindings.get(obj.text) : undefined;
    if (cls?.length === 1 && cls[0]!.node.type === 'class_declaration') return this.classField(this.clsId(cls[0]!.node), prop, right);
    if (obj.text === 'module' && prop === 'exports') {
      this.setExport('default', () => this.refOf(right));
      const r = unwrapExpr(right);
      if (r?.type === 'object') jsObjectExports(this, r);
      this.constExport('default', right);
      this.exportArray('default', right);
    } else if (obj.text === 'exports' || obj.text === 'module.exports') {
      this.setExport(prop, () => this.refOf(right));
      this.constExport(prop, right);
      this.exportArray(prop, right);
    }
  }

  private pendingExports: [string, () => Ref][] = [];
  setExport(name: string, value: () => Ref): void {
    this.pendingExports.push([name, value]);
  }

  /** A module constant: a string (with its configuration source), or the string leaves of an object / registerAs. */
  constExport(name: string, value: Node): void {
    const ev = (c: Node): Val => this.evalStr(c);
    const set = (k: string, v: { s: string; src?: string }): void => {
      this.fa.consts[k] = v.s;
      if (v.src) (this.fa.constSrc ??= {})[k] = v.src;
    };
    // a leaf an environment reader of another module gives (`prefix: parser.str('API_PREFIX', 'api')`): read by the resolver
    const env = (k: string, v: Val): void => void ((this.fa.envConsts ??= {})[k] = v);
    const v = ev(value);
    if ('s' in v) set(name, v);
    else if (v.ref?.k === 'env') env(name, v);
    else if (zodDefaults(name, zodSource(this, value), ev, (id) => this.soleDeclarator(id), set)) return;
    // `export default homeSchema`: the object the constant holds (`const homeSchema = createRoute({ path: '/home' })`)
    const id = unwrapExpr(value);
    const held = id?.type === 'identifier' ? this.soleDeclarator(id.text)?.childForFieldName('value') : null;
    jsObjectConsts(name, held ?? value, ev, set, 0, {
      list: (k, strs) =>
        ((this.fa.arrays ??= {})[k] = strs.map((s): Ref => (typeof s === 'string' ? { k: 'str', s } : { k: 'none', text: s.e }))),
      opaque: (k) => (this.fa.opaque ??= []).push(k),
      env,
    });
  }

  // ---- values ------------------------------------------------------------------------------------

  protected computeRef(n0: Node): Ref {
    const n = unwrapExpr(n0);
    if (!n) return none(n0);
    switch (n.type) {
      case 'identifier':
      case 'shorthand_property_identifier': // `{ handler }`: the name's value
        return this.lookup(n.text, n) ?? { k: 'none', text: n.text };
      case 'this': {
        for (let p = n.parent; p; p = p.parent)
          if (p.type === 'class_declaration' || p.type === 'class' || p.type === 'abstract_class_declaration')
            return this.appClass(p) ?? { k: 'self', cls: this.clsId(p) };
        return none(n);
      }
      case 'member_expression': {
        const obj = n.childForFieldName('object');
        const prop = n.childForFieldName('property');
        if (!obj || !prop) return none(n);
        return this.memOf(this.refOf(obj), prop.text);
      }
      case 'arrow_function':
      case 'function_expression':
      case 'function':
      case 'generator_function':
        return { k: 'fn', id: this.fnId(n) };
      case 'class':
        return { k: 'cls', id: this.clsId(n) };
      case 'object':
        return objectLiteral(this, n);
      case 'array':
        return calls.arrayRef(this, n) ?? none(n);
      case 'call_expression':
        return callRef(this, n);
      case 'assignment_expression':
        return this.refOf(n.childForFieldName('right')); // const app = module.exports = new Koa()
      case 'new_expression':
        return calls.newRef(this, n);
      case 'binary_expression':
        return eitherExport(this, n) ?? none(n);
      default:
        return none(n);
    }
  }

  pkgOf(r: Ref): { pkg: string; name: string } | null {
    if (r.k === 'imp' && r.mod.startsWith('pkg:')) return { pkg: r.mod.slice(4), name: r.name };
    if (r.k === 'mem' && r.base.k === 'imp' && r.base.mod.startsWith('pkg:')) {
      const b = r.base.name;
      if (b === 'default' || b === '*' || b === 'cjs') return { pkg: r.base.mod.slice(4), name: r.name };
    }
    return null;
  }

  /** An app or router created at `n`; with `ctor`, only when what made it resolves to one (ObjDecl.ctor). */
  newObj(n: Node, framework: Framework, kind: 'app' | 'router', prefix: Val | null, ctor?: Ref, via?: Ref): Ref {
    let nameNode: Node | null = n;
    while (
      nameNode &&
      nameNode.parent &&
      nameNode.parent.type !== 'variable_declarator' &&
      nameNode.parent.type !== 'assignment_expression' &&
      nameNode.parent.type.endsWith('expression')
    )
      nameNode = nameNode.parent;
    const decl = nameNode?.parent;
    const nm =
      decl?.type === 'variable_declarator'
        ? decl.childForFieldName('name')?.text
        : decl?.type === 'assignment_expression'
          ? decl.childForFieldName('left')?.text
          : undefined;
    return this.objectAt(n, { framework, kind, name: nm, prefix: () => prefix, ...(ctor ? { ctor } : {}), ...(via ? { via } : {}) });
  }

  /** `class App extends Koa { … this.use(router.routes()) }`: `this` is the application. */
  private appClass(cls: Node): Ref | null {
    const base = extendsOf(cls);
    const pkg = base ? this.pkgOf(this.refOf(base)) : null;
    if (!pkg) return null;
    const whole = pkg.name === 'default' || pkg.name === 'cjs' || pkg.name === '*';
    const fw: Framework | null = pkg.pkg === 'koa' && whole ? 'koa' : makesHonoApp(pkg.pkg, pkg.name) ? 'hono' : null;
    return fw
      ? this.objectAt(cls, { framework: fw, kind: 'app', name: cls.childForFieldName('name')?.text ?? 'this', prefix: () => null })
      : null;
  }

  protected override argStrs(a: Node, slot: string): Record<string, Val> {
    return objectArgStrs(this, a, slot);
  }

  prop(obj: Node, key: string): Node | null {
    for (const p of named(obj)) {
      if (p.type === 'pair') {
        const k = p.childForFieldName('key');
        if (k && (unquote(k) ?? k.text) === key) return p.childForFieldName('value');
      } else if (p.type === 'shorthand_property_identifier' && p.text === key) return p;
      else if (p.type === 'method_definition' && p.childForFieldName('name')?.text === key) return p;
    }
    return null;
  }

  evalStr(n0: Node, depth = 0): Val {
    return jsEvalStr(this, n0, depth);
  }

  paths(n: Node): Val[] {
    const u = unwrapExpr(n) ?? n;
    if (u.type === 'array') return named(u).map((c) => this.evalStr(c));
    return [this.evalStr(u)];
  }

  // ---- routes & mounts ---------------------------------------------------------------------------

  argCall(n: Node): void {
    const fn = n.childForFieldName('function');
    if (!fn) return;
    if (fn.type === 'member_expression') {
      const m = fn.childForFieldName('property')?.text ?? '';
      // a registration form on an app or router; on an imported module it calls that module's export (`require('./x').register(r)`)
      if ((ROUTE_METHODS.includes(m) || OTHER_METHODS.includes(m)) && this.refOf(fn.childForFieldName('object')).k !== 'imp') return;
    }
    if (fn.type === 'identifier' && fn.text === 'require') return;
    const argv = named(n.childForFieldName('arguments')!); // the query captures calls with an argument list
    if (keyedCall(this, n, fn, argv)) return;
    const callee = keyedCallee(this, fn) ?? this.refOf(fn); // `services[name](app)`: each value (ANY_PROP)
    // the runtime's server (`Bun.serve({ fetch: server.create().fetch })`, `Deno.serve(…)`): what it is given is read, so
    // an app a factory call makes there is one of this file's objects, served (./roots)
    if (RUNTIME_SERVE.test(fn.text)) for (const a of argv) void this.refOf(a);
    if (!folderLoaderCall(this, n, callee, argv) && !controllerServer(this, n, argv) && !calls.honoServer(this, n, callee))
      if (!tableLoopCall(this, n, callee, argv)) this.callEdge(n, callee, argv);
  }

  private pendingArrays: [string, Node][] = [];
  private pendingSupers: [number, Node][] = [];

  /** An exported value whose array elements are read at the end (routers mounted by a loop over it). */
  exportArray(name: string, value: Node): void {
    this.pendingArrays.push([name, value]);
  }

  /** Exports, then module constants, then the framework hints: small steps. */
  finishSteps(): (() => void)[] {
    const steps: (() => void)[] = [];
    for (const [name, value] of this.pendingArrays) steps.push(() => constArray(this, name, value));
    for (const [name, value] of this.pendingExports) {
      steps.push(() => {
        if (name in this.fa.exports) return;
        const r = value();
        this.fa.exports[name] = r;
        if (r.k === 'fn') this.computeReturns(r.id);
      });
    }
    for (const [name, list] of this.bindings.entries()) {
      if (list.length !== 1 || list[0]!.node.type !== 'variable_declarator') continue;
      steps.push(() => {
        if (name in this.fa.consts || list[0]!.scope !== -1) return;
        const v = list[0]!.node.childForFieldName('value');
        const t = v?.type;
        const obj = unwrapExpr(v ?? null)?.type === 'object'; // also `{ PREFIX: '/api/v1' } as const`, exported by `export { X }`
        if (v && (t === 'string' || t === 'template_string' || t === 'binary_expression' || obj || t === 'call_expression'))
          this.constExport(name, v);
        if (t === 'array' || t === 'object' || ARRAY_WRAPS.has(t ?? '')) constArray(this, name, v!); // `as const`, `Object.freeze([…])`
      });
    }
    for (const d of this.patternDecls) steps.push(() => destructuredConsts(this, d)); // once the constants of the object are known
    const passes = [nestConfigFactories, keyedReturns, markMiddlewares, calls.fieldReturns, stringHelpers, koaPrefixOrder, envReaders];
    for (const f of [...passes, collectorClasses, httpClientParams, registrars]) steps.push(() => f(this));
    steps.push(this.frameworkStep());
    steps.push(() => {
      for (const [id, base] of this.pendingSupers) (this.fa.classes[id]!.supers ??= []).push(this.refOf(base)); // also classes the steps met
    });
    return steps;
  }
}
