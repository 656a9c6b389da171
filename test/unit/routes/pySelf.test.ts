/** `self` in a method of a framework subclass is each instance of it, also where the method is inherited from a
 *  project base class in another module. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';

test('a route a project base class registers on `self` is served by the instance of its subclass', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/base.py',
      text:
        'from flask import Flask\n\n\nclass Base(Flask):\n    def __init__(self, name):\n        super().__init__(name)\n' +
        '        self.setup_base()\n\n    def setup_base(self):\n        @self.route("/base")\n        def base():\n            return "base"\n',
    },
    {
      path: '/p/server.py',
      text:
        'from base import Base\n\n\nclass Server(Base):\n    def __init__(self, name):\n        super().__init__(name)\n\n' +
        '        @self.route("/own")\n        def own():\n            return "own"\n\n\nserver = Server(__name__)\n',
    },
  ]);
  assert.deepEqual(routes.map((r) => `${r.path} ${r.fullPath}`).sort(), ['/base /base', '/own /own']);
});

test('`self.router` of a plain class is what a method assigns to it, also read through an instance in another module', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/items.py',
      text:
        'from fastapi import APIRouter\n\n\nclass ItemsController:\n    def __init__(self):\n        self.router = APIRouter(prefix="/items")\n' +
        '        self.register()\n\n    def register(self):\n        @self.router.get("/{item_id}")\n        def get_item(item_id: int):\n            return item_id\n',
    },
    {
      path: '/p/main.py',
      text: 'from fastapi import FastAPI\nfrom items import ItemsController\n\napp = FastAPI()\napp.include_router(ItemsController().router, prefix="/api")\n',
    },
  ]);
  assert.deepEqual(
    routes.map((r) => `${r.path} ${r.fullPath}`),
    ['/{item_id} /api/items/{item_id}'],
  );
});

test('a `self.app = None` placeholder does not hide the app a later method assigns', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/server.py',
      text:
        'from fastapi import FastAPI\n\n\nclass Server:\n    def __init__(self):\n        self.app = None\n\n    def build(self):\n' +
        '        self.app = FastAPI()\n        self.setup_routes()\n        return self.app\n\n    def setup_routes(self):\n' +
        '        @self.app.get("/health")\n        def health():\n            return {"ok": True}\n\n\nserver = Server()\napp = server.build()\n',
    },
  ]);
  assert.deepEqual(
    routes.map((r) => `${r.path} ${r.fullPath}`),
    ['/health /health'],
  );
});
