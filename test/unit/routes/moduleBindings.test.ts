/** A name read at module level means the module's binding, not a function's own binding of the same name; a name bound
 *  twice at module level is no constant (JS/TS); Python reads the module-level binding in effect at the statement.
 *  A Python module that rebinds a name (an assignment, then `from . import` of the same name) is read in source order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';

async function labels(path: string, text: string): Promise<string[]> {
  return (await detectRoutes([{ path, text }])).map((r) => `${r.methods.join(',')} ${r.fullPath ?? `null(${r.fullPathReason ?? ''})`}`);
}

const FASTIFY = (decls: string): string =>
  "import Fastify from 'fastify';\nconst app = Fastify();\nconst ok = async () => 'ok';\n" +
  `${decls}\nfunction local() {\n  const getAll = { method: 'GET', url: '/inner', handler: ok };\n  return getAll;\n}\n` +
  'app.route(getAll);\nexport default app;\n';

test("a module-level read of a route object takes the module's const, not a function's own of the same name", async () => {
  const got = await labels('/p/src/app.ts', FASTIFY("const getAll = { method: 'GET', url: '/all', handler: ok };"));
  assert.deepEqual(got, ['GET /all']);
});

test('a route object bound twice at module level is not taken for a constant', async () => {
  const twice = "var getAll = { method: 'GET', url: '/all', handler: ok };\nvar getAll = { method: 'GET', url: '/two', handler: ok };";
  assert.deepEqual(await labels('/p/src/app.ts', FASTIFY(twice)), []);
});

test("Python: a module-level router read after a function's own binding of the same name", async () => {
  const text =
    'from fastapi import APIRouter, FastAPI\napp = FastAPI()\nrouter = APIRouter()\n\n@router.get("/items")\ndef items(): ...\n\n' +
    'def build():\n    router = APIRouter()\n    return router\n\nrouter = APIRouter(prefix="/v2")\n\n@router.get("/more")\ndef more(): ...\n\n' +
    'app.include_router(router, prefix="/v1")\n';
  // the first `router` is included nowhere: not served, its route dropped
  assert.deepEqual(await labels('/p/main.py', text), ['GET /v1/v2/more']);
});

test("koa-router: a module-level registration's second argument, a module const, is its path (a function's own const of that name aside)", async () => {
  const text =
    "import Router from '@koa/router';\nconst router = new Router();\nconst NAME = 'list';\nconst PATH = '/items';\n" +
    'function other() {\n  const PATH = build();\n  const NAME = build();\n  return [PATH, NAME];\n}\n' +
    'router.get(NAME, PATH, async (ctx) => {\n  ctx.body = [];\n});\nexport default router;\n';
  // the path is PATH, not the route's name; its value stays unknown while two bindings of the name exist
  assert.deepEqual(await labels('/p/src/routes.ts', text), ['GET null(path is a variable: PATH)']);
});

async function pyLabels(files: Record<string, string>): Promise<string[]> {
  const routes = await detectRoutes(Object.entries(files).map(([path, text]) => ({ path, text })));
  return routes.map((r) => `${r.methods.join(',')} ${r.fullPath ?? `null(${r.fullPathReason ?? ''})`}`);
}

test("Python: a blueprint made here, then rebound by `from . import tasks_bp`: decorators below it register on the package's", async () => {
  const got = await pyLabels({
    '/p/app/__init__.py':
      'from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n    from app.tasks import tasks_bp\n' +
      "    app.register_blueprint(tasks_bp, url_prefix='/tasks')\n    return app\n",
    '/p/app/tasks/__init__.py': "from flask import Blueprint\ntasks_bp = Blueprint('tasks', __name__)\nfrom . import routes\n",
    // imports are read before assignments: the rebinding must still count as coming after the assignment
    '/p/app/tasks/routes.py':
      "from flask import Blueprint\ntasks_bp = Blueprint('tasks', __name__)\n\n@tasks_bp.route('/draft')\ndef draft(): ...\n\n" +
      "from . import tasks_bp\n\n@tasks_bp.route('/')\ndef index(): ...\n",
  });
  // the local blueprint is registered nowhere: its /draft is not served
  assert.deepEqual(got, ['GET /tasks/']);
});

test('Python: a module imports a router, then makes its own under the same name: an importer gets the final one', async () => {
  const got = await pyLabels({
    '/p/main.py': 'from fastapi import FastAPI\nfrom views import router\napp = FastAPI()\napp.include_router(router, prefix="/v1")\n',
    '/p/old.py': 'from fastapi import APIRouter\nrouter = APIRouter()\n\n@router.get("/old")\ndef old(): ...\n',
    '/p/views.py': 'from fastapi import APIRouter\nfrom old import router\nrouter = APIRouter()\n\n@router.get("/new")\ndef new(): ...\n',
  });
  // old.py's router is included nowhere: not served
  assert.deepEqual(got, ['GET /v1/new']);
});
