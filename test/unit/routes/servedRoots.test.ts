/** Which unmounted apps are served (Hono roots beside a dev server, Workers modules, base paths) and which plugin is
 *  fastify-cli's root, plus `methods=` that can only be read across files or not at all. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.methods.join(',')} ${r.fullPath ?? 'null'}`;
const SUB = {
  path: '/p/src/users.ts',
  text: "import { Hono } from 'hono';\nconst users = new Hono();\nusers.get('/', (c) => c.json([]));\nexport default users;\n",
};
const EXAMPLE = {
  path: '/p/src/example.ts',
  text: "import { Hono } from 'hono';\nconst app = new Hono();\napp.get('/profile', (c) => c.text('p'));\nexport default app;\n",
};

test('a Workers module whose fetch method hands requests to the app serves it, beside another served app', async () => {
  const entry = (fetch: string) =>
    `import { Hono } from 'hono';\nimport users from './users';\nconst app = new Hono();\napp.route('/users', users);\nexport default { ${fetch} };\n`;
  for (const fetch of [
    'async fetch(req, env, ctx) { return app.fetch(req, env, ctx); }',
    'fetch(request: Request, env: Env): Promise<Response> {\n  return app.fetch(request, env);\n}',
  ]) {
    const routes = await detectRoutes([{ path: '/p/src/index.ts', text: entry(fetch) }, SUB, EXAMPLE]);
    assert.deepEqual(routes.map(brief), ['GET /profile', 'GET /users'], fetch);
  }
});

test('a function named fetch is no server: the app of that file stays an unmounted sub-app', async () => {
  const text =
    "import { Hono } from 'hono';\nimport users from './users';\nconst app = new Hono();\napp.route('/users', users);\n" +
    'export async function fetch(url) {\n  return url;\n}\n';
  const routes = await detectRoutes([{ path: '/p/src/index.ts', text }, SUB, EXAMPLE]);
  assert.deepEqual(routes.map(brief), ['GET /profile', 'GET null']);
});

test('flask methods= from an imported constant list, a settings class field, or a call (any method, not GET)', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/app/consts.py',
      text: 'WRITE = ["POST", "PUT"]\n\nclass Settings:\n    delete_methods: list[str] = ["DELETE"]\n\nsettings = Settings()\n',
    },
    {
      path: '/p/app/main.py',
      text:
        'from flask import Flask\nfrom .consts import WRITE, settings\nfrom .methods import computed\napp = Flask(__name__)\n\n' +
        '@app.route("/a", methods=WRITE)\ndef a():\n    return "a"\n\n' +
        '@app.route("/b", methods=settings.delete_methods)\ndef b():\n    return "b"\n\n' +
        '@app.route("/c", methods=computed())\ndef c():\n    return "c"\n\n' +
        '@app.route("/d", methods=settings.unknown_methods)\ndef d():\n    return "d"\n',
    },
  ]);
  assert.deepEqual(routes.map(brief), ['POST,PUT /a', 'DELETE /b', 'ALL /c', 'ALL /d']);
});
