/** A route path built from the elements of a sequence a Python loop reads (a helper's parameter, a module's list): one
 *  route per element, and never a wrong path when the element cannot be told. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.methods.join(',')} ${r.fullPath ?? `null(${r.path})`} @${r.line}`;

const helpers =
  'from flask import Blueprint\n\n' +
  'def add_rules(app, rules, prefix):\n' +
  '    bp = Blueprint("rules", __name__, url_prefix=prefix)\n' +
  '    for name, view in rules:\n' +
  '        bp.add_url_rule(f"/{name}", view_func=view)\n' +
  '    app.register_blueprint(bp)\n';

const others =
  'def add_trimmed(app, rules):\n' +
  '    for name, view in rules:\n' +
  '        name = name.strip("/")\n' +
  '        app.add_url_rule(f"/t/{name}", view_func=view)\n\n' +
  'def add_nested(app, groups, names):\n' +
  '    for group in groups:\n' +
  '        for name in names:\n' +
  '            app.add_url_rule(f"/{group}/{name}", view_func=lambda: "")\n';

test('a loop over the rows a call passes: a route per row, with the prefix the call gives', async () => {
  const routes = await detectRoutes([
    { path: '/p/pkg/helpers.py', text: helpers },
    {
      path: '/p/pkg/app.py',
      text:
        'from flask import Flask\nfrom pkg.helpers import add_rules\n\nNAME = "confirm"\n\ndef view():\n    return ""\n\n' +
        'app = Flask(__name__)\nadd_rules(app, ((NAME, view), ("reset", view)), "/api/v1/auth")\n',
    },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /api/v1/auth/confirm @6', 'GET /api/v1/auth/reset @6']);
});

test('a rebound loop name, nested loops and a sequence that cannot be read keep the path unknown', async () => {
  const routes = await detectRoutes([
    { path: '/p/pkg/helpers.py', text: helpers },
    { path: '/p/pkg/others.py', text: others },
    {
      path: '/p/pkg/app.py',
      text:
        'from flask import Flask\nfrom pkg.helpers import add_rules\nfrom pkg.others import add_trimmed, add_nested\n\ndef view():\n    return ""\n\n' +
        'def load():\n    return []\n\n' +
        'app = Flask(__name__)\n' +
        'add_trimmed(app, (("/a/", view),))\n' +
        'add_nested(app, ("x", "y"), ("a", "b"))\n' +
        'add_rules(app, load(), "/loaded")\n' +
        'add_rules(app, (), "/none")\n',
    },
  ]);
  assert.deepEqual(routes.map(brief), ['GET null(f"/{name}") @6', 'GET null(f"/t/{name}") @4', 'GET null(f"/{group}/{name}") @9']);
  assert.match(routes[0]!.fullPathReason ?? '', /`name` takes each element of `rules`/);
});

test('a loop over a parameter of the enclosing function, the path also taking the inner one: unknown, never said uncalled', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/pkg/app.py',
      text:
        'from flask import Flask\n\n' +
        'def add_all(app, rules):\n' +
        '    def inner(prefix):\n' +
        '        for name, view in rules:\n' +
        '            app.add_url_rule(f"{prefix}/{name}", view_func=view)\n\n' +
        '    inner("/x")\n\n' +
        'def view():\n    return ""\n\n' +
        'app = Flask(__name__)\nadd_all(app, (("a", view),))\n',
    },
  ]);
  assert.deepEqual(routes.map(brief), ['GET null(f"{prefix}/{name}") @6']);
  assert.match(routes[0]!.fullPathReason ?? '', /`name` takes each element of `rules`, not all of them known strings/);
  assert.doesNotMatch(routes[0]!.fullPathReason ?? '', /no analysed call/);
});
