/** NestJS RouterModule: the path of a routed module applies to the controllers it declares, also when its `controllers`
 *  is a constant array of a barrel module or spreads such arrays; a list that cannot be evaluated gives no wrong path. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.methods.join(',')} ${r.fullPath ?? `null(${r.fullPathReason ?? ''}) …${r.knownSuffix ?? ''}`}`;

const controller = (cls: string, base: string): { path: string; text: string } => ({
  path: `/p/src/routes/${cls}.ts`,
  text: `import { Controller, Get } from '@nestjs/common';\n@Controller('${base}')\nexport class ${cls} {\n  @Get('self')\n  self() {}\n}\n`,
});

/** A routed AdminModule whose `controllers` is `expr`, with `imports` above it, and the barrel files in `extra`. */
async function admin(imports: string, expr: string, extra: { path: string; text: string }[]): Promise<string[]> {
  const routes = await detectRoutes([
    controller('UsersController', 'users'),
    controller('GymsController', 'gyms'),
    {
      path: '/p/src/admin.module.ts',
      text: `import { Module } from '@nestjs/common';\n${imports}\n@Module({ controllers: ${expr} })\nexport class AdminModule {}\n`,
    },
    {
      path: '/p/src/router.module.ts',
      text:
        "import { Module } from '@nestjs/common';\nimport { RouterModule } from '@nestjs/core';\nimport { AdminModule } from './admin.module';\n" +
        "@Module({ imports: [AdminModule, RouterModule.register([{ path: 'admins', module: AdminModule }])] })\nexport class GlobalRouterModule {}\n",
    },
    ...extra,
  ]);
  return routes.map(brief).sort();
}

const both = "import { UsersController } from './UsersController';\nimport { GymsController } from './GymsController';\n";

test('controllers from a constant array of a barrel module get the RouterModule path', async () => {
  const barrel = { path: '/p/src/routes/index.ts', text: `${both}export const adminControllers = [UsersController, GymsController];\n` };
  assert.deepEqual(await admin("import { adminControllers } from './routes';", 'adminControllers', [barrel]), [
    'GET /admins/gyms/self',
    'GET /admins/users/self',
  ]);
});

test('arrays spread into the list, in place or in a barrel constant, get the RouterModule path', async () => {
  const parts = {
    path: '/p/src/routes/parts.ts',
    text: `${both}export const users = [UsersController];\nexport const gyms = [GymsController];\n`,
  };
  const inPlace = await admin("import { users, gyms } from './routes/parts';", '[...users, ...gyms]', [parts]);
  const barrel = {
    path: '/p/src/routes/index.ts',
    text: "import { users, gyms } from './parts';\nexport const all = [...users, ...gyms];\n",
  };
  const inBarrel = await admin("import { all } from './routes';", 'all', [parts, barrel]);
  for (const got of [inPlace, inBarrel]) assert.deepEqual(got, ['GET /admins/gyms/self', 'GET /admins/users/self']);
});

test('a routed module whose controllers cannot be evaluated: no wrong path, the reason and the known suffix', async () => {
  const got = await admin("import { loadControllers } from './load';", 'loadControllers()', [
    { path: '/p/src/load.ts', text: 'export function loadControllers(): any[] {\n  return [];\n}\n' },
  ]);
  const why = 'RouterModule path /admins of AdminModule: its controllers are not evaluated: loadControllers() (admin.module.ts:3)';
  assert.deepEqual(got, [`GET null(${why}) …/gyms/self`, `GET null(${why}) …/users/self`]);
});

test('a controller another module declares keeps its path when a routed module cannot be evaluated', async () => {
  const got = await admin("import { loadControllers } from './load';", 'loadControllers()', [
    { path: '/p/src/load.ts', text: 'export function loadControllers(): any[] {\n  return [];\n}\n' },
    {
      path: '/p/src/app.module.ts',
      text: "import { Module } from '@nestjs/common';\nimport { UsersController } from './routes/UsersController';\n@Module({ controllers: [UsersController] })\nexport class AppModule {}\n",
    },
  ]);
  assert.equal(got.filter((r) => r === 'GET /users/self').length, 1);
  assert.ok(got.some((r) => r.startsWith('GET null(') && r.endsWith('…/gyms/self')));
});
