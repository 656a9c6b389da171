/** inversify-express-utils: controllers served once their module is loaded, under the server's rootPath. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { detectRoutes } from '../../../src/core/routes/detector';

const root = path.resolve('/proj');
const controller = (ctrlPath: string, methodPath: string) =>
  [
    "import { controller, httpGet } from 'inversify-express-utils';",
    '',
    `@controller(${JSON.stringify(ctrlPath)})`,
    'export class UserController {',
    `  @httpGet(${JSON.stringify(methodPath)})`,
    '  public one() {',
    '    return {};',
    '  }',
    '}',
    '',
  ].join('\n');
const server = (args: string, imports = "import './controllers/users';\n") =>
  `import 'reflect-metadata';\nimport { Container } from 'inversify';\nimport { InversifyExpressServer } from 'inversify-express-utils';\n${imports}\nnew InversifyExpressServer(${args}).build().listen(3000);\n`;

async function routesOf(files: Record<string, string>) {
  return detectRoutes(Object.entries(files).map(([f, text]) => ({ path: path.join(root, f), text })));
}

test('the default rootPath is /: an empty, null or absent routing configuration', async () => {
  for (const args of ['new Container()', 'new Container(), null, null, undefined', 'new Container(), undefined, {}']) {
    const [r] = await routesOf({ 'src/server.ts': server(args), 'src/controllers/users.ts': controller('/users', '/:id') });
    assert.equal(r?.framework, 'express', args);
    assert.equal(r?.fullPath, '/users/:id', args);
  }
});

test('rootPath, controller path and method path join as the library mounts them', async () => {
  const cases: [string, string, string, string][] = [
    ['/api', '/users', '/', '/api/users'],
    ['/api/', '/users/', '/:id', '/api/users/:id'],
    ['/', 'users', ':id', '/users/:id'],
    ['/api', '/', '/', '/api'],
    ['/', '/', '', '/'],
  ];
  for (const [rootPath, c, m, full] of cases) {
    const routes = await routesOf({
      'src/server.ts': server(`new Container(), null, { rootPath: ${JSON.stringify(rootPath)} }`),
      'src/controllers/users.ts': controller(c, m),
    });
    assert.equal(routes[0]?.fullPath, full, `${rootPath} + ${c} + ${m}`);
  }
});

test('a routing configuration the analysis cannot read: no full path, the path below rootPath is known', async () => {
  const [r] = await routesOf({
    'src/server.ts': server('new Container(), null, routing()').replace('new Inv', 'declare function routing(): never;\nnew Inv'),
    'src/controllers/users.ts': controller('/users', '/:id'),
  });
  assert.equal(r?.fullPath, null);
  assert.match(
    r?.fullPathReason ?? '',
    /^rootPath is a routing configuration the analysis cannot read: routing\(\) \((?:src\/)?server\.ts:\d+\)$/,
  );
  assert.equal(r?.knownSuffix, '/users/:id');
  assert.equal(r?.unmounted, undefined);
});

test('no InversifyExpressServer in the project: the route has no full path and says why', async () => {
  const [r] = await routesOf({ 'src/controllers/users.ts': controller('/users', '/:id') });
  assert.equal(r?.fullPath, null);
  assert.match(r?.fullPathReason ?? '', /no `new InversifyExpressServer\(…\)` in the project/);
  assert.equal(r?.unmounted, true);
});

test('a controller declared in the server module itself is served without an import', async () => {
  const [imp, ...cls] = controller('/users', '/:id').split('\n');
  const text = `${imp}\n${server("new Container(), null, { rootPath: '/v1' }", cls.join('\n'))}`;
  const [r] = await routesOf({ 'src/server.ts': text });
  assert.equal(r?.fullPath, '/v1/users/:id');
});

test('each app of a monorepo serves the controllers of its own folder, under its own rootPath', async () => {
  const routes = await routesOf({
    'apps/admin/server.ts': server("new Container(), null, { rootPath: '/admin' }"),
    'apps/admin/controllers/users.ts': controller('/users', '/:id'),
    'apps/shop/server.ts': server("new Container(), null, { rootPath: '/shop' }"),
    'apps/shop/controllers/users.ts': controller('/customers', '/:id'),
  });
  assert.deepEqual(routes.map((r) => r.fullPath).sort(), ['/admin/users/:id', '/shop/customers/:id']);
});

test('decorators of the same names from another package are not routes', async () => {
  const other = controller('/users', '/:id').replace("'inversify-express-utils'", "'./decorators'");
  const routes = await routesOf({ 'src/server.ts': server('new Container()'), 'src/controllers/users.ts': other });
  assert.deepEqual(routes, []);
});
