/**
 * koa-router's `router.prefix(p)` runs in order: it prefixes what is registered after it and prepends `p` to every layer
 * registered before (two calls stack up). The detected full paths of the koa_prefix_order fixture are the paths the real
 * @koa/router gives its layers when the fixture's app is loaded (nothing listens: `listen` is replaced).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import Koa from 'koa';
import { scanWorkspace } from '../../../src/core/routes/workspace';

const ROOT = path.resolve(__dirname, '../../fixtures/routes/koa_prefix_order');

interface Layer {
  methods: string[];
  path: string;
}

/** The routes the real router serves: `METHOD path` of every layer with a method, of the app's routers. */
function servedByKoaRouter(): string[] {
  const listen = Koa.prototype.listen;
  const apps: Koa[] = [];
  Koa.prototype.listen = function (this: Koa) {
    apps.push(this);
    return undefined as never;
  };
  try {
    createRequire(__filename)(path.join(ROOT, 'src/app.js'));
  } finally {
    Koa.prototype.listen = listen;
  }
  const mws = apps.flatMap((a) => a.middleware) as unknown as { router?: { stack: Layer[] } }[];
  return mws
    .flatMap((mw) => mw.router?.stack ?? [])
    .flatMap((l) => l.methods.filter((m) => m !== 'HEAD').map((m) => `${m} ${l.path}`))
    .sort();
}

test('router.prefix() twice and after registrations: the full paths @koa/router really serves', async () => {
  const served = servedByKoaRouter();
  assert.deepEqual(served, [
    'GET /api/v1/admin/api/v1/health',
    'GET /api/v1/admin/v2/admin/stats',
    'GET /api/v1/admin/v2/users',
    'POST /api/v1/admin/api/v1/user/register',
  ]);
  const { routes } = await scanWorkspace(ROOT, {});
  assert.deepEqual(routes.map((r) => `${r.methods.join()} ${r.fullPath}`).sort(), served);
});
