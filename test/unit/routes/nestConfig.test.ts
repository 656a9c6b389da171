/** NestJS configuration loaded by `ConfigModule.forRoot({ load: [factory] })`: plain factories (`() => ({ … })`), as
 *  the NestJS docs write them, give the global prefix `configService.get('KEY')` reads, with its provenance. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.methods.join(',')} ${r.fullPath ?? `null(${r.fullPathReason ?? ''})`} ${r.fullPathSource ?? '-'}`;

const CONTROLLER = {
  path: '/p/src/cats/cats.controller.ts',
  text: "import { Controller, Get } from '@nestjs/common';\n@Controller('cats')\nexport class CatsController {\n  @Get()\n  list() {}\n}\n",
};

/** An app module importing `ConfigModule.<call>` (written in place) and a bootstrap whose global prefix is `prefix`. */
function app(imports: string, call: string, prefix: string): { path: string; text: string }[] {
  return [
    CONTROLLER,
    {
      path: '/p/src/app.module.ts',
      text:
        `import { Module } from '@nestjs/common';\nimport { ConfigModule } from '@nestjs/config';\n${imports}\n` +
        `import { CatsController } from './cats/cats.controller';\n` +
        `@Module({ imports: [ConfigModule.${call}], controllers: [CatsController] })\nexport class AppModule {}\n`,
    },
    {
      path: '/p/src/main.ts',
      text:
        "import { NestFactory } from '@nestjs/core';\nimport { ConfigService } from '@nestjs/config';\nimport { AppModule } from './app.module';\n" +
        'async function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n  const config = app.get(ConfigService);\n' +
        `  app.setGlobalPrefix(${prefix});\n  await app.listen(3000);\n}\nbootstrap();\n`,
    },
  ];
}

test('a named plain factory listed in forRoot load gives a nested key, with the environment variable it defaults', async () => {
  const routes = await detectRoutes([
    ...app("import { configuration } from './config';", 'forRoot({ isGlobal: true, load: [configuration] })', "config.get('http.prefix')"),
    {
      path: '/p/src/config.ts',
      text: "export const configuration = () => ({\n  port: 3000,\n  http: { prefix: process.env.HTTP_PREFIX || 'v1' },\n});\n",
    },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /v1/cats prefix from `process.env.HTTP_PREFIX` (default `v1`)']);
});

test('the NestJS docs form: an arrow exported as default (ES or CommonJS), keys read through ConfigService', async () => {
  const factory = "() => ({\n  port: parseInt(process.env.PORT, 10) || 3000,\n  apiPrefix: process.env.API_PREFIX ?? 'api',\n})";
  for (const text of [`export default ${factory};\n`, `module.exports = ${factory};\n`]) {
    const routes = await detectRoutes([
      ...app("import configuration from './config/configuration';", 'forRoot({ load: [configuration] })', "config.get('apiPrefix')"),
      { path: '/p/src/config/configuration.ts', text },
    ]);
    assert.deepEqual(routes.map(brief), ['GET /api/cats prefix from `process.env.API_PREFIX` (default `api`)'], text);
  }
});

test('a function declaration loaded by forFeature, and an empty default: the path as written, saying why', async () => {
  const routes = await detectRoutes([
    ...app("import appConfig from './app.config';", 'forFeature(appConfig)', "config.getOrThrow<string>('prefix', { infer: true })!"),
    {
      path: '/p/src/app.config.ts',
      text: "export default function appConfig() {\n  return { prefix: process.env.PREFIX ?? '' };\n}\n",
    },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /cats prefix from `process.env.PREFIX` (default empty)']);
});

test('a factory written in place in load counts; one no ConfigModule loads does not', async () => {
  const inPlace = await detectRoutes(app('', "forRoot({ load: [() => ({ prefix: 'api' })] })", "config.get('prefix')"));
  assert.deepEqual(inPlace.map(brief), ["GET /api/cats prefix from `config.get('prefix')` (default `api`)"]);

  const unloaded = await detectRoutes([
    ...app("import { other } from './config';", 'forRoot({ load: [other] })', "config.get('prefix')"),
    { path: '/p/src/config.ts', text: "export const other = () => ({ port: 1 });\nexport const unused = () => ({ prefix: 'api' });\n" },
  ]);
  assert.deepEqual(unloaded.map(brief), ["GET null(global prefix is a configuration value prefix: config.get('prefix')) -"]);
});

test('a factory that takes parameters is not a configuration factory', async () => {
  const routes = await detectRoutes([
    ...app("import { make } from './config';", 'forRoot({ load: [make] })', "config.get('prefix')"),
    { path: '/p/src/config.ts', text: "export const make = (env) => ({ prefix: 'api' });\n" },
  ]);
  assert.equal(routes[0]?.fullPath, null);
});
