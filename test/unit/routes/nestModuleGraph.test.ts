/** NestJS module graph: a controller of modules `NestFactory.create(AppModule)` never reaches through `imports`, or one
 *  no module lists, is not served (no full path, with the reason; dropped when nothing loads its module or file); a graph
 *  that cannot be followed, or an unresolved import that may bind the module, keeps every route as it was. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';
import type { ResolveOptions } from '../../../src/core/routes/resolve';

const brief = (r: Route): string => `${r.fullPath ?? `null(${r.fullPathReason ?? ''})${r.unmounted ? ' unmounted' : ''}`}`;

/** A feature module `<Name>Module` with one controller at `/<name>`. */
function feature(name: string): { path: string; text: string }[] {
  const cls = name[0]!.toUpperCase() + name.slice(1);
  return [
    {
      path: `/p/src/${name}/${name}.controller.ts`,
      text: `import { Controller, Get } from '@nestjs/common';\n@Controller('${name}')\nexport class ${cls}Controller {\n  @Get()\n  list() {}\n}\n`,
    },
    {
      path: `/p/src/${name}/${name}.module.ts`,
      text: `import { Module } from '@nestjs/common';\nimport { ${cls}Controller } from './${name}.controller';\n@Module({ controllers: [${cls}Controller] })\nexport class ${cls}Module {}\n`,
    },
  ];
}

const main = {
  path: '/p/src/main.ts',
  text: "import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module';\nNestFactory.create(AppModule).then((app) => app.listen(3000));\n",
};

async function app(
  head: string,
  imports: string,
  extra: { path: string; text: string }[] = [],
  options?: ResolveOptions,
): Promise<string[]> {
  const routes = await detectRoutes(
    [
      main,
      {
        path: '/p/src/app.module.ts',
        text: `import { Module } from '@nestjs/common';\n${head}\n@Module({ imports: [${imports}] })\nexport class AppModule {}\n`,
      },
      ...feature('users'),
      ...feature('reports'),
      ...extra,
    ],
    options,
  );
  return routes.map((r) => `${r.file.slice(7)} ${brief(r)}`).sort();
}

test('a module nothing imports is dead code; one only an unreached module imports is not served', async () => {
  const admin = {
    path: '/p/src/admin.module.ts',
    text: "import { Module } from '@nestjs/common';\nimport { ReportsModule } from './reports/reports.module';\n@Module({ imports: [ReportsModule] })\nexport class AdminModule {}\n",
  };
  assert.deepEqual(await app("import { UsersModule } from './users/users.module';", 'UsersModule'), ['users/users.controller.ts /users']);
  assert.deepEqual(await app("import { UsersModule } from './users/users.module';", 'UsersModule', [admin]), [
    'reports/reports.controller.ts null(`ReportsModule` (reports/reports.module.ts:4) is never imported into the module graph of `AppModule` (main.ts:3)) unmounted',
    'users/users.controller.ts /users',
  ]);
});

test('modules reached through forwardRef, a dynamic module call and a spread constant array are served', async () => {
  const list = {
    path: '/p/src/features.ts',
    text: "import { ReportsModule } from './reports/reports.module';\nexport const FEATURES = [ReportsModule];\n",
  };
  const head =
    "import { forwardRef } from '@nestjs/common';\nimport { UsersModule } from './users/users.module';\nimport { FEATURES } from './features';";
  assert.deepEqual(await app(head, 'forwardRef(() => UsersModule), ...FEATURES', [list]), [
    'reports/reports.controller.ts /reports',
    'users/users.controller.ts /users',
  ]);
});

test('a graph that cannot be followed, or an unresolved import of the same name, keeps every route', async () => {
  const users = "import { UsersModule } from './users/users.module';";
  assert.deepEqual(await app(`${users}\nimport { plugins } from './plugins';`, 'UsersModule, ...plugins()'), [
    'reports/reports.controller.ts /reports',
    'users/users.controller.ts /users',
  ]);
  assert.deepEqual(await app(`${users}\nimport { ReportsModule } from '@acme/reports';`, 'UsersModule, ReportsModule.forRoot()'), [
    'reports/reports.controller.ts /reports',
    'users/users.controller.ts /users',
  ]);
});

test('a controller no module lists is not served: dead when nothing loads it, kept when a module is not read whole', async () => {
  const users = "import { UsersModule } from './users/users.module';";
  const health = (load: string) => ({
    path: '/p/src/health.controller.ts',
    text: `import { Controller, Get } from '@nestjs/common';${load}\n@Controller('health')\nexport class HealthController {\n  @Get()\n  check() {}\n}\n`,
  });
  const loader = {
    path: '/p/src/loader.ts',
    text: "import { HealthController } from './health.controller';\nexport const all = [HealthController];\n",
  };
  assert.deepEqual(await app(users, 'UsersModule', [health('')]), ['users/users.controller.ts /users']);
  assert.deepEqual(await app(users, 'UsersModule', [health(''), loader]), [
    'health.controller.ts null(`HealthController` is in the `controllers` of no module of `AppModule` (main.ts:3)) unmounted',
    'users/users.controller.ts /users',
  ]);
  const computed = {
    path: '/p/src/ops.module.ts',
    text: "import { Module } from '@nestjs/common';\nimport { controllers } from './registry';\n@Module({ controllers: controllers() })\nexport class OpsModule {}\n",
  };
  assert.deepEqual(await app(users, 'UsersModule', [health(''), computed]), [
    'health.controller.ts /health',
    'users/users.controller.ts /users',
  ]);
  assert.deepEqual(await app(`${users}\nimport { plugins } from './plugins';`, 'UsersModule, ...plugins()', [health('')]), [
    'health.controller.ts /health',
    'reports/reports.controller.ts /reports',
    'users/users.controller.ts /users',
  ]);
});

test('an import that names no project class and no NestJS package keeps every route; a NestJS package import does not', async () => {
  const users = "import { UsersModule } from './users/users.module';";
  const core = {
    path: '/p/src/core/core.module.ts',
    text: "import { Module } from '@nestjs/common';\nimport { ReportsModule } from '../reports/reports.module';\n@Module({ imports: [ReportsModule] })\nexport class CoreModule {}\n",
  };
  assert.deepEqual(await app(`${users}\nimport { CoreModule } from '@app/core';`, 'UsersModule, CoreModule', [core]), [
    'reports/reports.controller.ts /reports',
    'users/users.controller.ts /users',
  ]);
  assert.deepEqual(
    await app(`${users}\nimport { ThrottlerModule } from '@nestjs/throttler';`, 'UsersModule, ThrottlerModule.forRoot()', [core]),
    [
      'reports/reports.controller.ts null(`ReportsModule` (reports/reports.module.ts:4) is never imported into the module graph of `AppModule` (main.ts:3)) unmounted',
      'users/users.controller.ts /users',
    ],
  );
});

test('a controller another application in the project reaches is served', async () => {
  const admin = [
    {
      path: '/p/src/admin/admin.module.ts',
      text: "import { Module } from '@nestjs/common';\nimport { ReportsController } from '../reports/reports.controller';\n@Module({ controllers: [ReportsController] })\nexport class AdminModule {}\n",
    },
    {
      path: '/p/src/admin/main.ts',
      text: "import { NestFactory } from '@nestjs/core';\nimport { AdminModule } from './admin.module';\nNestFactory.create(AdminModule).then((a) => a.listen(3001));\n",
    },
  ];
  assert.deepEqual(await app("import { UsersModule } from './users/users.module';", 'UsersModule', admin), [
    'reports/reports.controller.ts /reports',
    'users/users.controller.ts /users',
  ]);
});

test('a static method the analysis does not read, or too many names in a dynamic module call, keeps every route', async () => {
  const users = "import { UsersModule } from './users/users.module';";
  const feat = [
    {
      path: '/p/src/feat/feat.controller.ts',
      text: "import { Controller, Get } from '@nestjs/common';\n@Controller('feat')\nexport class FeatController {\n  @Get()\n  list() {}\n}\n",
    },
    {
      path: '/p/src/feat/feat.module.ts',
      text: "import { Module } from '@nestjs/common';\nimport { FeatController } from './feat.controller';\n@Module({})\nexport class FeatModule {\n  static forChild() {\n    return { module: FeatModule, controllers: [FeatController] };\n  }\n}\n",
    },
  ];
  assert.deepEqual(await app(`${users}\nimport { FeatModule } from './feat/feat.module';`, 'UsersModule, FeatModule.forChild()', feat), [
    'feat/feat.controller.ts /feat',
    'reports/reports.controller.ts /reports',
    'users/users.controller.ts /users',
  ]);
  const head = `${users}\nimport { TypeOrmModule } from '@nestjs/typeorm';\nimport { ReportsModule } from './reports/reports.module';`;
  const entities = (n: number) => Array.from({ length: n }, (_, i) => `E${i}`).join(', ');
  const imports = (n: number) =>
    `UsersModule, TypeOrmModule.forFeature([${entities(n)}]), TypeOrmModule.forRootAsync({ imports: [ReportsModule] })`;
  const served = ['reports/reports.controller.ts /reports', 'users/users.controller.ts /users'];
  assert.deepEqual(await app(head, imports(40)), served);
  assert.deepEqual(await app(head, imports(300)), served);
});

test('a bootstrap is `NestFactory` of @nestjs/core (also through a namespace import); a reason names every application checked', async () => {
  const admin = {
    path: '/p/src/admin.module.ts',
    text: "import { Module } from '@nestjs/common';\nimport { ReportsModule } from './reports/reports.module';\n@Module({ imports: [ReportsModule] })\nexport class AdminModule {}\n",
  };
  const run = async (boot: string, extra: { path: string; text: string }[] = []) =>
    (
      await detectRoutes([
        { ...main, text: boot },
        ...extra,
        admin,
        ...feature('reports'),
        { path: '/p/src/app.module.ts', text: "import { Module } from '@nestjs/common';\n@Module({})\nexport class AppModule {}\n" },
      ])
    )
      .map(brief)
      .sort();
  const reached = (apps: string) => [
    `null(\`ReportsModule\` (reports/reports.module.ts:4) is never imported into the module graph of ${apps}) unmounted`,
  ];
  const ns = "import * as core from '@nestjs/core';\nimport { AppModule } from './app.module';\ncore.NestFactory.create(AppModule);\n";
  assert.deepEqual(await run(ns), reached('`AppModule` (main.ts:3)'));
  // a class of the project that happens to be called NestFactory makes no application: nothing is known unserved
  const local = "import { NestFactory } from './factory';\nimport { AppModule } from './app.module';\nNestFactory.create(AppModule);\n";
  assert.deepEqual(await run(local), ['/reports']);
  const second = {
    path: '/p/src/worker.ts',
    text: "import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module';\nvoid NestFactory.createApplicationContext(AppModule);\n",
  };
  assert.deepEqual(await run(ns, [second]), reached('`AppModule` (main.ts:3) or `AppModule` (worker.ts:3)'));
});

test('a module of a registry package the project depends on reaches no project module but those its call is given', async () => {
  const head = "import { UsersModule } from './users/users.module';\nimport { MailerModule } from '@nestjs-modules/mailer/dist';";
  const imports = "UsersModule, MailerModule.forRoot({ transport: 'smtp://localhost' })";
  const installed = (dir: string): ResolveOptions => ({
    installedPackages: [{ dir, names: ['@nestjs/common', '@nestjs-modules/mailer'] }],
  });
  const unserved = [
    'reports/reports.controller.ts null(`ReportsModule` (reports/reports.module.ts:4) is never imported into the module graph of `AppModule` (main.ts:3)) unmounted',
    'users/users.controller.ts /users',
  ];
  const all = ['reports/reports.controller.ts /reports', 'users/users.controller.ts /users'];
  const admin = {
    path: '/p/src/admin.module.ts',
    text: "import { Module } from '@nestjs/common';\nimport { ReportsModule } from './reports/reports.module';\n@Module({ imports: [ReportsModule] })\nexport class AdminModule {}\n",
  };
  assert.deepEqual(await app(head, imports, [admin], installed('/p')), unserved);
  // not a dependency (an alias the analysis may miss), or one of another package.json's folder: the graph is not whole
  assert.deepEqual(await app(head, imports, [admin]), all);
  assert.deepEqual(await app(head, imports, [admin], installed('/other')), all);
  // a controller listed in no @Module but given to a dynamic module call is kept
  const health = {
    path: '/p/src/health.controller.ts',
    text: "import { Controller, Get } from '@nestjs/common';\n@Controller('health')\nexport class HealthController {\n  @Get()\n  check() {}\n}\n",
  };
  const given = `${head}\nimport { HealthController } from './health.controller';`;
  assert.deepEqual(
    await app(given, `${imports}, MailerModule.forFeature({ controllers: [HealthController] })`, [health], installed('/p')),
    ['health.controller.ts /health', 'users/users.controller.ts /users'],
  );
  assert.deepEqual(await app(given, imports, [health], installed('/p')), [
    'health.controller.ts null(`HealthController` is in the `controllers` of no module of `AppModule` (main.ts:3)) unmounted',
    'users/users.controller.ts /users',
  ]);
});
