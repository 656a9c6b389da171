/** Route idioms met on unseen projects: long call chains, settings factories known by their return annotation, and
 *  NestJS versioning enabled without options. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.methods.join(',')} ${r.fullPath ?? `null(${r.path})`} @${r.line}`;

test('every link of a long call chain is a route, however deep the first links sit in the syntax tree', async () => {
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'];
  const hono = `import { Hono } from 'hono';\nconst h = (c) => c.text('');\nconst api = new Hono()\n${names
    .map((n) => `  .get('/${n}', h)`)
    .join('\n')};\nconst app = new Hono();\napp.route('/api', api);\nexport default app;\n`;
  const express =
    "const express = require('express');\nconst app = express();\nconst ok = (req, res) => res.end();\n" +
    "app.route('/items').get(ok).post(ok).put(ok).patch(ok).delete(ok).head(ok).options(ok).get(ok).post(ok);\napp.listen(1);\n";
  const routes = await detectRoutes([
    { path: '/p/src/app.ts', text: hono },
    { path: '/p/src/legacy.js', text: express },
  ]);
  assert.deepEqual(
    routes.filter((r) => r.file.endsWith('app.ts')).map(brief),
    names.map((n, i) => `GET /api/${n} @${i + 4}`),
  );
  assert.deepEqual(
    routes.filter((r) => r.file.endsWith('legacy.js')).map((r) => r.methods[0]),
    ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'GET', 'POST'],
  );
});

test('a settings factory whose value is chosen at run time gives the fields of the class its annotation names', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/app/config.py',
      text:
        'from functools import lru_cache\nfrom typing import Optional\nfrom pydantic_settings import BaseSettings\n\n' +
        'class AppSettings(BaseSettings):\n    api_prefix: str = "/api"\n\nclass DevSettings(AppSettings):\n    debug: bool = True\n\n' +
        'ENVS = {"dev": DevSettings, "prod": AppSettings}\n\n' +
        '@lru_cache\ndef get_settings() -> AppSettings:\n    return ENVS[env()]()\n\n' +
        'def maybe() -> Optional[AppSettings]:\n    return None\n',
    },
    {
      path: '/p/app/main.py',
      text:
        'from fastapi import FastAPI, APIRouter\nfrom app.config import get_settings, maybe\n\nsettings = get_settings()\napp = FastAPI()\n' +
        'a = APIRouter()\nb = APIRouter()\n\n@a.get("/x")\ndef x(): ...\n\n@b.get("/y")\ndef y(): ...\n\n' +
        'app.include_router(a, prefix=settings.api_prefix)\napp.include_router(b, prefix=maybe().api_prefix)\n',
    },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /api/x @9', 'GET null(/y) @12']);
  assert.equal(routes[0]!.fullPathSource, 'prefix from `settings.api_prefix` (default `/api`)');
  assert.match(routes[1]!.fullPathReason ?? '', /maybe\(\)\.api_prefix/);
});

test('NestJS enableVersioning() without options is URI versioning with the `v` prefix; other types add nothing', async () => {
  const controller = {
    path: '/p/c.ts',
    text: "import { Controller, Get, Version } from '@nestjs/common';\n@Controller('auth')\nexport class C {\n  @Get('open')\n  open() {}\n  @Version('1')\n  @Get('me')\n  me() {}\n}\n",
  };
  const main = (call: string) => ({
    path: '/p/main.ts',
    text: `import { NestFactory } from '@nestjs/core';\nimport { VersioningType } from '@nestjs/common';\nasync function b() {\n  const app = await NestFactory.create(M);\n  ${call};\n}\n`,
  });
  const uri = await detectRoutes([main('app.enableVersioning()'), controller]);
  assert.deepEqual(uri.map(brief), ['GET /auth/open @4', 'GET /v1/auth/me @7']);
  const header = await detectRoutes([main("app.enableVersioning({ type: VersioningType.HEADER, header: 'X-V' })"), controller]);
  assert.deepEqual(header.map(brief), ['GET /auth/open @4', 'GET /auth/me @7']);
});

test('a route decorator applied by a call registers its argument; a dispatch table `.get(key)()` is not a route', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/app.py',
      text:
        'from flask import Flask\nfrom fastapi import APIRouter\nimport views\n\napp = Flask(__name__)\nr = APIRouter()\n\n' +
        'app.route("/assets/<path:p>")(views.serve)\napp.route("/ping", methods=["GET", "POST"])(views.ping)\n' +
        'r.delete("/x/{id}")(views.drop)\nHANDLERS = {}\nHANDLERS.get("ping")()\n' +
        'from fastapi import FastAPI\napi = FastAPI()\napi.include_router(r, prefix="/api")\n',
    },
    { path: '/p/views.py', text: 'def serve(p):\n    return p\n\ndef ping():\n    return "pong"\n\ndef drop(id):\n    return id\n' },
  ]);
  assert.deepEqual(
    routes.map((r) => `${brief(r)} ${r.handlerName}@${r.handlerFile}:${r.handlerLine}`),
    ['GET /assets/<path:p> @8 serve@/p/views.py:1', 'GET,POST /ping @9 ping@/p/views.py:4', 'DELETE /api/x/{id} @10 drop@/p/views.py:7'],
  );
});

test('NestJS @Sse(path) is a GET route (server-sent events), under the controller and global prefixes', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/src/main.ts',
      text: "import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module';\nasync function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n  app.setGlobalPrefix('api/v1');\n  await app.listen(3000);\n}\nbootstrap();\n",
    },
    {
      path: '/p/src/app.module.ts',
      text: "import { Module } from '@nestjs/common';\nimport { AlertController } from './alert.controller';\n@Module({ controllers: [AlertController] })\nexport class AppModule {}\n",
    },
    {
      path: '/p/src/alert.controller.ts',
      text: "import { Controller, Sse, MessageEvent } from '@nestjs/common';\nimport { interval, map, Observable } from 'rxjs';\n@Controller('alerts')\nexport class AlertController {\n  @Sse('fire')\n  fire(): Observable<MessageEvent> {\n    return interval(1000).pipe(map(() => ({ data: 'x' })));\n  }\n}\n",
    },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /api/v1/alerts/fire @5']);
});

test('a conditional prefix is known when both branches give the same string, and unknown with its reason otherwise', async () => {
  const app = (other: string) =>
    "const express = require('express');\nconst app = express();\nconst r = express.Router();\nr.get('/x', (req, res) => res.end());\n" +
    `app.use(process.env.NODE_ENV === 'production' ? '/api' : '${other}', r);\napp.listen(1);\n`;
  const same = await detectRoutes([{ path: '/p/app.js', text: app('/api') }]);
  assert.deepEqual(same.map(brief), ['GET /api/x @4']);
  const differ = await detectRoutes([{ path: '/p/app.js', text: app('/v2') }]);
  assert.deepEqual(differ.map(brief), ['GET null(/x) @4']);
  assert.match(differ[0]!.fullPathReason ?? '', /conditional expression/);
});

test('Hono: `new Hono().basePath(p)` mounted under a prefix is served there only, not also as an app of its own', async () => {
  // kumelen-hono-api: every route was reported twice, once without the /api mount
  const routes = await detectRoutes([
    {
      path: '/p/src/routes.ts',
      text: "import { Hono } from 'hono';\nexport const priv = new Hono().basePath('/private');\npriv.get('/me', (c) => c.json({}));\n",
    },
    {
      path: '/p/src/server.ts',
      text: "import { Hono } from 'hono';\nimport { priv } from './routes';\nconst app = new Hono();\napp.route('/api', priv);\nexport default app;\n",
    },
    {
      path: '/p/src/solo.ts',
      text: "import { Hono } from 'hono';\nconst solo = new Hono().basePath('/v1');\nsolo.get('/ping', (c) => c.text('pong'));\nexport default solo;\n",
    },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /api/private/me @3', 'GET /v1/ping @3']);
});

test('flask-smorest blueprints on its Api, re-exported by a package star import, are Flask blueprints', async () => {
  // Capstone-Flask-Backend: `from .auth import *` in api/routes/__init__.py, `api.register_blueprint(auth_blueprint)`
  const routes = await detectRoutes([
    { path: '/p/api/extensions.py', text: 'from flask_smorest import Api\napi = Api()\n' },
    { path: '/p/api/routes/__init__.py', text: 'from .auth import *\n' },
    {
      path: '/p/api/routes/auth.py',
      text:
        'from flask.views import MethodView\nfrom flask_smorest import Blueprint\nauth_blueprint = Blueprint("auth", __name__, url_prefix="/auth")\n\n' +
        '@auth_blueprint.route("/register", methods=["POST"])\ndef register():\n    return {}\n\n' +
        '@auth_blueprint.route("/me")\nclass Me(MethodView):\n    def get(self):\n        return {}\n',
    },
    {
      path: '/p/api/create_app.py',
      text: 'from flask import Flask\nfrom .extensions import api\nfrom .routes import auth_blueprint\n\ndef create_app():\n    app = Flask(__name__)\n    api.init_app(app)\n    api.register_blueprint(auth_blueprint)\n    return app\n',
    },
  ]);
  assert.deepEqual(routes.map(brief), ['POST /auth/register @5', 'GET /auth/me @9']);
});

test("a project subclass of Flask-RESTX Namespace keeps Namespace's path: `/` + name, or path=", async () => {
  const routes = await detectRoutes([
    {
      path: '/p/ext.py',
      text: 'from flask_restx import Api, Namespace as Base\n\nclass Namespace(Base):\n    pass\n\napi = Api()\n',
    },
    {
      path: '/p/app.py',
      text:
        'from flask import Flask\nfrom flask_restx import Resource\nfrom ext import Namespace, api\n\napp = Flask(__name__)\n' +
        'teams = Namespace("teams")\nother = Namespace("x", path="/people")\n\n' +
        '@teams.route("/<int:id>")\nclass Team(Resource):\n    def get(self, id):\n        return id\n\n' +
        '@other.route("/")\nclass People(Resource):\n    def get(self):\n        return []\n\n' +
        'api.add_namespace(teams)\napi.add_namespace(other)\napi.init_app(app)\n',
    },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /teams/<int:id> @9', 'GET /people/ @14']);
});

test('Flask-RESTX: a resource class name defined twice in a file is two resources, each with its own methods', async () => {
  // adeelkhan47/renso-be: Flask-RESTX registers each class object as its decorator runs (the endpoint gets a `_2`)
  const routes = await detectRoutes([
    {
      path: '/p/app.py',
      text:
        'from flask import Flask\nfrom flask_restx import Api, Namespace, Resource\n\napp = Flask(__name__)\napi = Api(app)\nns = Namespace("item")\n\n' +
        '@ns.route("/available")\nclass items_list(Resource):\n    def get(self):\n        return []\n\n' +
        '@ns.route("")\nclass items_list(Resource):\n    def get(self):\n        return []\n\n    def post(self):\n        return {}, 201\n\n' +
        'api.add_namespace(ns)\n',
    },
  ]);
  assert.deepEqual(
    routes.map((r) => `${brief(r)} → ${r.handlerLine}`),
    ['GET /item/available @8 → 10', 'GET /item @13 → 15', 'POST /item @13 → 18'],
  );
});

test('Python loops over a literal table call and mount each element, (router, prefix) pairs too; a computed sequence is not guessed', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/app/users.py',
      text: 'from fastapi import APIRouter\nrouter = APIRouter()\n\n@router.get("/users")\ndef users():\n    return []\n\ndef init_app(app):\n    app.include_router(router, prefix="/ext")\n',
    },
    {
      path: '/p/app/items.py',
      text: 'from fastapi import APIRouter\nrouter = APIRouter()\n\n@router.get("/items")\ndef items():\n    return []\n',
    },
    {
      path: '/p/app/main.py',
      text:
        'from fastapi import FastAPI\nfrom app import items, users\n\napp = FastAPI()\nROUTERS = (items.router,)\n' +
        'for ext in [users]:\n    ext.init_app(app)\nfor r in ROUTERS:\n    app.include_router(r, prefix="/api")\n' +
        'for r, p in ((items.router, "/v2"), (users.router, "/v3")):\n    app.include_router(r, prefix=p)\n' +
        'for r in load_routers():\n    app.include_router(r, prefix="/guess")\n',
    },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /api/items @4', 'GET /v2/items @4', 'GET /ext/users @4', 'GET /v3/users @4']);
});

test('a handler grouped in a nested object of a module export (`ctrl.favorite.post`) resolves to its function', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/ctrl.js',
      text: 'module.exports = {\n  list(req, res) {},\n  favorite: {\n    post(req, res) {},\n    del: (req, res) => {},\n  },\n};\n',
    },
    {
      path: '/p/app.js',
      text:
        "const express = require('express');\nconst ctrl = require('./ctrl');\nconst app = express();\n" +
        "app.get('/a', ctrl.list);\napp.post('/a/fav', ctrl.favorite.post);\napp.delete('/a/fav', ctrl.favorite.del);\napp.listen(1);\n",
    },
  ]);
  assert.deepEqual(
    routes.map((r) => `${r.methods[0]} ${r.handlerName}@${r.handlerFile}:${r.handlerLine}`),
    ['GET list@/p/ctrl.js:2', 'POST post@/p/ctrl.js:4', 'DELETE del@/p/ctrl.js:5'],
  );
});

test('JS routers mounted in a loop over a literal table: [prefix, router] pairs, { path, router } objects, for…of', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/r.js',
      text: "const express = require('express');\nconst r = express.Router();\nr.get('/x', (req, res) => res.end());\nmodule.exports = r;\n",
    },
    {
      path: '/p/app.js',
      text:
        "const express = require('express');\nconst r = require('./r');\nconst app = express();\n" +
        "const PAIRS = [['/a', r]];\nPAIRS.forEach(([p, router]) => app.use(p, router));\n" +
        "for (const { path, router } of [{ path: '/b', router: r }]) app.use(`/v1${path}`, router);\n" +
        'for (const [p, router] of load()) app.use(p, router);\napp.listen(1);\n',
    },
  ]);
  assert.deepEqual(routes.map(brief).sort(), ['GET /a/x @3', 'GET /v1/b/x @3']);
});
