/** Python folder loaders skip the modules their filters and guards skip (their routers, included nowhere else, are not
 *  served); a test that is not a plain string test keeps them all. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.file.replace(/^\/p\//, '')} ${r.fullPath ?? 'null'}`;

const router = (file: string) => ({
  path: `/p/${file}`,
  text: 'from fastapi import APIRouter\n\nrouter = APIRouter()\n\n@router.get("/")\ndef index():\n    return {}\n',
});
const pkg = (dir: string) => ({ path: `/p/${dir}/__init__.py`, text: '' });

async function loaded(loop: string): Promise<string[]> {
  const main = {
    path: '/p/app/main.py',
    text: `import importlib\nimport os\nimport pkgutil\nfrom fastapi import FastAPI\nfrom app import routers\n\napp = FastAPI()\n${loop}`,
  };
  const files = [main, pkg('app'), pkg('app/routers'), router('app/routers/users.py'), router('app/routers/_internal.py')];
  files.push(router('app/routers/sub/__init__.py'), router('app/routers/items_routes.py'));
  const routes = await detectRoutes(files);
  return routes.map(brief);
}

test('pkgutil guards: `if name.startswith("_"): continue` and `if ispkg: continue` skip those modules', async () => {
  assert.deepEqual(
    await loaded(
      'for _, name, ispkg in pkgutil.iter_modules(routers.__path__):\n    if name.startswith("_") or ispkg:\n        continue\n' +
        '    m = importlib.import_module(f"app.routers.{name}")\n    app.include_router(m.router, prefix=f"/{name}")\n',
    ),
    ['app/routers/items_routes.py /items_routes/', 'app/routers/users.py /users/'],
  );
});

test('a comprehension test and an `if` around the import', async () => {
  assert.deepEqual(
    await loaded(
      'mods = [m for m in pkgutil.iter_modules(routers.__path__) if m.name not in ("users",)]\nfor m in mods:\n' +
        '    if m.name.endswith("_routes"):\n        r = importlib.import_module(f"app.routers.{m.name}")\n' +
        '        app.include_router(r.router, prefix="/a")\n',
    ),
    ['app/routers/items_routes.py /a/'],
  );
});

test('os.listdir name tests: `endswith`, `==`, a character `in` a tuple', async () => {
  assert.deepEqual(
    await loaded(
      'for f in os.listdir("app/routers"):\n    if not f.endswith(".py") or f == "__init__.py" or f[0] in ("_", "."):\n        continue\n' +
        '    x = importlib.import_module("app.routers." + f[:-3])\n    app.include_router(x.router, prefix="/b/" + f[:-3])\n',
    ),
    ['app/routers/items_routes.py /b/items_routes/', 'app/routers/users.py /b/users/'],
  );
});

test('a guard that is no plain string test keeps every module, as a loop without one', async () => {
  const all = [
    'app/routers/_internal.py /_internal/',
    'app/routers/items_routes.py /items_routes/',
    'app/routers/sub/__init__.py /sub/',
    'app/routers/users.py /users/',
  ];
  const loop = (guard: string): string =>
    `for info in pkgutil.iter_modules(routers.__path__):\n${guard}    m = importlib.import_module(f"app.routers.{info.name}")\n` +
    '    app.include_router(m.router, prefix=f"/{info.name}")\n';
  assert.deepEqual(await loaded(loop('')), all);
  assert.deepEqual(await loaded(loop('    if disabled(info.name):\n        continue\n')), all);
});
