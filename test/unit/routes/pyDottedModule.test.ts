/** A Flask app made by a factory reached through a dotted module path (`import anubis.config` … `anubis.config.create_app()`). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';

const FILES = {
  '/p/pkg/__init__.py': '',
  '/p/pkg/config.py': 'import flask\n\n\ndef create_app():\n    app = flask.Flask(__name__)\n    return app\n',
  '/p/pkg/user.py':
    'import flask\n\nblueprint = flask.Blueprint("user", __name__)\n\n\n@blueprint.route("/login")\ndef login():\n    return ""\n',
};

async function routes(main: string): Promise<string[]> {
  const files = Object.entries({ ...FILES, '/p/pkg/main.py': main }).map(([path, text]) => ({ path, text }));
  return (await detectRoutes(files)).map((r) => `${r.path} ${r.fullPath ?? 'null'}`).sort();
}

test('the app a function of a module reached by its dotted path returns is the app: its routes and blueprints', async () => {
  const main =
    'import pkg.config\nimport pkg.user\n\napp = pkg.config.create_app()\n\n\n@app.route("/")\ndef home():\n    return ""\n\n\n' +
    'app.register_blueprint(pkg.user.blueprint, url_prefix="/user")\n';
  assert.deepEqual(await routes(main), ['/ /', '/login /user/login']);
});

test('a dotted call that is not a project function stays unknown: no route is made up', async () => {
  const main = 'import pkg.user\nimport os.path\n\napp = os.path.join("a", "b")\n\n\n@app.route("/")\ndef home():\n    return ""\n';
  // and the blueprint, registered nowhere, is not served
  assert.deepEqual(await routes(main), []);
});
