/**
 * Python registration calls (python.ts `regcall`): `include_router` / `register_blueprint` (also over a loop's table,
 * ./pyEach, ./pyLoops), Flask-RESTful / RESTX / fastapi-restful `add_resource`, `add_namespace`, `init_app`,
 * `from_object`, Starlette `mount`, `add_api_route` / `add_url_rule` (a MethodView's `as_view()` with no `methods=`:
 * one route per HTTP method of the class). Pure.
 */
import { lineOf, rangeOf, type SyntaxNode as Node } from '../parsing/nodes';
import { pyArgs } from '../parsing/python';
import { pyElementMount } from './pyEach';
import { pyLoopMounts } from './pyLoops';
import { pyTableRegistration } from './pyTables';
import { pyMethodsArg } from './pyValues';
import { flaskConfigModule } from './pyConfigModules';
import type { PyAnalyzer } from './python';

export function pyRegCall(A: PyAnalyzer, n: Node): void {
  const fnNode = n.childForFieldName('function')!;
  const method = fnNode.childForFieldName('attribute')?.text;
  const owner = A.refOf(fnNode.childForFieldName('object'));
  const { pos, kw } = pyArgs(n);
  switch (method) {
    case 'include_router':
    case 'register_blueprint': {
      const child = pos[0] ?? kw.get('router') ?? kw.get('blueprint');
      if (!child) return;
      const given = kw.get(method === 'include_router' ? 'prefix' : 'url_prefix');
      const p = method === 'register_blueprint' && given?.type === 'none' ? undefined : given; // `url_prefix=None`: its own
      const kind = method === 'include_router' ? 'include' : 'blueprint';
      if (pyElementMount(A, n, owner, child, p, kind)) return; // over an imported sequence (./pyEach)
      // `for r, prefix in TABLE: app.include_router(r, prefix=prefix)`: one mount per element of the table
      for (const m of pyLoopMounts(A, child, p)) {
        const prefix = m.prefix ? A.evalStr(m.prefix) : null;
        A.fa.mounts.push({ parent: owner, child: m.child, prefix, line: lineOf(n), kind });
      }
      return;
    }
    case 'add_resource': {
      // Flask-RESTful/RESTX: api.add_resource(Todo, '/todos', '/todos/<id>'); fastapi-restful takes an instance:
      // api.add_resource(Todo(), '/todos'), its class's methods the routes; a call given arguments whose callee is no
      // CapWords name is a wrapper of the resource it is given (`observe_resource(Todo, "/todos")`, Instrument Route's)
      const arg = pos[0] ?? kw.get('resource');
      if (!arg) return pyTableRegistration(A, n, fnNode.childForFieldName('object')!); // add_resource(*row)
      const made = arg.type === 'call' ? arg.childForFieldName('function') : null;
      const named = made?.type === 'identifier' ? made : made?.type === 'attribute' ? made.childForFieldName('attribute') : null;
      const instance = !!named && (/^_*[A-Z]/.test(named.text) || !arg.childForFieldName('arguments')?.namedChildren.length);
      const cls = instance ? made! : arg;
      const seen = new Set<string>(); // the same URL twice is one rule (werkzeug serves the first)
      for (const p of pos.slice(1)) {
        const path = A.evalStr(p);
        if ('s' in path && seen.has(path.s)) continue;
        if ('s' in path) seen.add(path.s);
        A.fa.routes.push({
          owner,
          framework: null,
          flavour: 'py-resource',
          methods: [],
          path,
          line: lineOf(n),
          range: rangeOf(n),
          handler: A.handlerSpec(cls),
        });
      }
      return;
    }
    case 'add_namespace': {
      const ns = pos[0];
      if (!ns) return;
      const p = pos[1] ?? kw.get('path');
      A.fa.mounts.push({
        parent: owner,
        child: A.refOf(ns),
        prefix: p ? A.evalStr(p) : null,
        line: lineOf(n),
        kind: 'blueprint',
      });
      return;
    }
    case 'init_app': {
      // api.init_app(app): Flask-RESTful/RESTX Api bound later (other extensions drop out at resolve time)
      const app = pos[0] ?? kw.get('app');
      if (app) A.fa.mounts.push({ parent: A.refOf(app), child: owner, prefix: null, line: lineOf(n), kind: 'include' });
      return;
    }
    case 'from_object':
      return flaskConfigModule(A.fa, pos[0]);
    case 'mount': {
      // Starlette/FastAPI sub-application: app.mount('/api/v1', api) (other mounted apps drop out at resolve time)
      const p = pos[0] ?? kw.get('path');
      const child = pos[1] ?? kw.get('app');
      if (!p || !child) return;
      A.fa.mounts.push({ parent: owner, child: A.refOf(child), prefix: A.evalStr(p), line: lineOf(n), kind: 'include' });
      return;
    }
    case 'add_api_route':
    case 'add_url_rule': {
      const pathNode = pos[0] ?? kw.get('path') ?? kw.get('rule');
      const h = method === 'add_api_route' ? (pos[1] ?? kw.get('endpoint')) : (pos[2] ?? kw.get('view_func'));
      if (!pathNode || !h) return;
      // MethodView.as_view() (also through `view_func = View.as_view("x")`) with no methods=: one route per HTTP
      // method the class defines
      const v = h.type === 'identifier' ? (A.assignedOnce(h) ?? h) : h;
      const resource =
        method === 'add_url_rule' &&
        !kw.has('methods') &&
        v.type === 'call' &&
        /\.as_view$/.test(v.childForFieldName('function')?.text ?? '');
      A.fa.routes.push({
        owner,
        framework: null,
        flavour: method === 'add_api_route' ? 'py-add-api-route' : resource ? 'py-resource' : 'py-add-url-rule',
        ...pyMethodsArg(A, kw.get('methods') ?? null, ['GET']),
        path: A.evalStr(pathNode),
        line: lineOf(n),
        range: rangeOf(n),
        handler: A.handlerSpec(resource ? v : h),
      });
      return;
    }
  }
}
