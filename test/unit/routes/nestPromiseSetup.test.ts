/** NestJS: a global prefix set by a helper a bootstrap's promise chain runs (`.then(applyPrefix)`, `.then((app) =>
 *  setup(app))`) applies to every controller of that application, beside another application of the repository. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.fullPath ?? `null: ${r.fullPathReason}`} ${r.file}`;

const app = (dir: string, name: string, main: string) => [
  {
    path: `/r/apps/${dir}/src/${name}.controller.ts`,
    text: `import { Controller, Get } from '@nestjs/common';\n@Controller('${name}')\nexport class C {\n  @Get()\n  list() { return []; }\n}\n`,
  },
  {
    path: `/r/apps/${dir}/src/app.module.ts`,
    text: `import { Module } from '@nestjs/common';\nimport { C } from './${name}.controller';\n@Module({ controllers: [C] })\nexport class AppModule {}\n`,
  },
  {
    path: `/r/apps/${dir}/src/main.ts`,
    text: `import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module';\nimport { applyPrefix } from '../../../libs/applyPrefix';\nimport { setup } from '../../../libs/setup';\n${main}\n`,
  },
];
const helper = (name: string, prefix: string) => ({
  path: `/r/libs/${name}.ts`,
  text: `import { INestApplication } from '@nestjs/common';\nexport function ${name}(app: INestApplication) {\n  app.setGlobalPrefix('${prefix}');\n  return app;\n}\n`,
});
const LIBS = [helper('applyPrefix', 'api'), helper('setup', 'v2')];
const OTHER = app(
  'other',
  'health',
  "async function boot() {\n  const a = await NestFactory.create(AppModule);\n  a.setGlobalPrefix('ops');\n  await a.listen(3001);\n}\nboot();",
);

test('a prefix helper passed by name to then(), or called in a then() callback, prefixes the application’s controllers', async () => {
  for (const [chain, prefix] of [
    ['.then(applyPrefix)', '/api'],
    ['.then((app) => setup(app))', '/v2'],
  ] as const) {
    const main = `NestFactory.create(AppModule)\n  ${chain}\n  .then((app) => app.listen(3000));`;
    const routes = await detectRoutes([...app('shop', 'orders', main), ...OTHER, ...LIBS]);
    assert.deepEqual(
      routes.map(brief),
      [`/ops/health /r/apps/other/src/health.controller.ts`, `${prefix}/orders /r/apps/shop/src/orders.controller.ts`],
      chain,
    );
  }
});
