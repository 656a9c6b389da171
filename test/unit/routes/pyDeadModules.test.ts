/** A Python module nothing imports never runs: the routes written in it are dead code (./pyDeadCode), unless in doubt. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import { pyEntryWords } from '../../../src/core/routes/pyEntries';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.methods.join(',')} ${r.fullPath ?? `null(${r.path})`} ${r.file.slice(3)}`;

const FACTORY = {
  path: '/p/shop/__init__.py',
  text: [
    'from flask import Flask',
    '',
    '',
    'def create_app():',
    '    app = Flask(__name__)',
    '    from shop.admin import bp',
    '    app.register_blueprint(bp, url_prefix="/admin")',
    '    return app',
    '',
  ].join('\n'),
};
const ADMIN = {
  path: '/p/shop/admin/__init__.py',
  text: 'from flask import Blueprint\n\nbp = Blueprint("admin", __name__)\n\nfrom . import views  # noqa\n',
};
const view = (rule: string, fn: string): string => `from shop.admin import bp\n\n\n@bp.route("${rule}")\ndef ${fn}():\n    return ""\n`;
const VIEWS = { path: '/p/shop/admin/views.py', text: view('/users', 'users') };
const OLD = { path: '/p/shop/admin/old_views.py', text: view('/old', 'old') };
const LIVE = ['GET /admin/users shop/admin/views.py'];
const ALL = ['GET /admin/old shop/admin/old_views.py', ...LIVE];

test('routes of a module nothing imports are dropped when an app of the project registers the blueprint', async () => {
  assert.deepEqual((await detectRoutes([FACTORY, ADMIN, VIEWS, OLD])).map(brief), LIVE);
});

test('a module loaded in any other way keeps its routes', async () => {
  const cases: Record<string, string> = {
    'importlib literal': 'import importlib\nimportlib.import_module("shop.admin.old_views")\n',
    '__import__ literal': '__import__("shop.admin.old_views")\n',
    'relative, in a function': 'def load():\n    if True:\n        from .admin import old_views  # noqa\n',
    'named in a string': 'VIEWS = ["shop.admin.old_views"]\n',
    'a computed import anywhere': 'import importlib\n\ndef load(name):\n    return importlib.import_module(name)\n',
    'exec of a file': 'exec(open("shop/admin/old_views.py").read())\n',
    'a package walk': 'import pkgutil\nfor m in pkgutil.walk_packages(["shop"]):\n    pass\n',
  };
  for (const [what, text] of Object.entries(cases)) {
    const routes = await detectRoutes([FACTORY, ADMIN, VIEWS, OLD, { path: '/p/shop/loader.py', text }]);
    assert.deepEqual(routes.map(brief), ALL, what);
  }
});

test('a star import of a package loads the submodules its __all__ names', async () => {
  const admin = {
    path: ADMIN.path,
    text: 'from flask import Blueprint\n\nbp = Blueprint("admin", __name__)\n__all__ = ["bp", "views", "old_views"]\n',
  };
  const factory = {
    path: FACTORY.path,
    text: `from shop.admin import *  # noqa\n${FACTORY.text.replace('    from shop.admin import bp\n', '')}`,
  };
  assert.deepEqual((await detectRoutes([factory, admin, VIEWS, OLD])).map(brief), ALL);
});

test('an entry point keeps its routes: run as a script, made an app, by its name, or run by the configuration', async () => {
  const script = { path: OLD.path, text: `${OLD.text}\nif __name__ == "__main__":\n    pass\n` };
  assert.deepEqual((await detectRoutes([FACTORY, ADMIN, VIEWS, script])).map(brief), ALL, 'script');
  const named = { path: '/p/shop/admin/wsgi.py', text: OLD.text };
  assert.deepEqual((await detectRoutes([FACTORY, ADMIN, VIEWS, named])).map(brief), [...LIVE, 'GET /admin/old shop/admin/wsgi.py']);
  const run = await detectRoutes([FACTORY, ADMIN, VIEWS, OLD], { pyEntryModules: ['shop.admin.old_views'] });
  assert.deepEqual(run.map(brief), ALL, 'configuration');
  const app = {
    path: '/p/tools/probe.py',
    text: 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/probe")\ndef probe():\n    return ""\n',
  };
  assert.deepEqual((await detectRoutes([FACTORY, ADMIN, VIEWS, app])).map(brief), [...LIVE, 'GET /probe tools/probe.py']);
});

test('in doubt every module keeps its routes: no app in the files, Django, a Python file the scan did not read', async () => {
  assert.deepEqual((await detectRoutes([ADMIN, VIEWS, OLD])).map(brief), [
    'GET null(/old) shop/admin/old_views.py',
    'GET null(/users) shop/admin/views.py',
  ]);
  const django = { path: '/p/shop/settings.py', text: 'from django.conf import settings\n' };
  assert.deepEqual((await detectRoutes([FACTORY, ADMIN, VIEWS, OLD, django])).map(brief), ALL, 'django');
  assert.deepEqual((await detectRoutes([FACTORY, ADMIN, VIEWS, OLD], { pyPartial: true })).map(brief), ALL, 'partial');
});

test('a loader over a package keeps that package only: modules elsewhere nothing imports stay dead', async () => {
  const factory = {
    path: FACTORY.path,
    text:
      FACTORY.text.replace('    return app', '    return app\n') +
      'import importlib\nimport pkgutil\n\nAPP = create_app()\nfor info in pkgutil.iter_modules(["plugins"]):\n' +
      '    plugin = importlib.import_module(f"shop.plugins.{info.name}")\n    APP.register_blueprint(plugin.bp, url_prefix="/plugins")\n',
  };
  const plugin = {
    path: '/p/shop/plugins/audit.py',
    text: 'from flask import Blueprint\n\nbp = Blueprint("audit", __name__)\n\n\n@bp.route("/audit")\ndef audit():\n    return ""\n',
  };
  const routes = await detectRoutes([factory, ADMIN, VIEWS, OLD, plugin]);
  assert.deepEqual(routes.map(brief), [...LIVE, 'GET /plugins/audit shop/plugins/audit.py']);
});

test('the modules a configuration runs', () => {
  const words = (t: string): string[] => pyEntryWords(t).sort();
  assert.deepEqual(words('CMD ["uvicorn", "app.main:app", "--port", "80"]'), ['app.main']);
  assert.deepEqual(words('web: gunicorn wsgi --workers 2'), ['wsgi']);
  assert.deepEqual(words('FLASK_APP=hello\nflask --app portal.web run'), ['hello', 'portal', 'portal.web']);
  assert.deepEqual(words('python -m tools.serve\npython /srv/src/server.py'), [
    'server',
    'src.server',
    'srv.src.server',
    'tools',
    'tools.serve',
  ]);
  assert.deepEqual(words('[project.scripts]\nshop = "shop.cli:main"'), ['project', 'project.scripts', 'shop.cli']);
});
