/** A path or prefix read from an environment parsed by a zod schema: its `.default(…)` written in the code, with where it
 *  comes from; no default, or a chain that transforms the value, leaves it unknown. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.fullPath ?? `null(${r.fullPathReason ?? ''})`} ${r.fullPathSource ?? '-'}`;

async function health(envText: string): Promise<string[]> {
  const routes = await detectRoutes([
    { path: '/p/src/env.ts', text: envText },
    {
      path: '/p/src/index.ts',
      text:
        "import { Hono } from 'hono';\nimport { env } from './env';\nconst app = new Hono();\n" +
        "app.get(env.HEALTH_PATH, (c) => c.text('ok'));\nexport default app;\n",
    },
  ]);
  return routes.map(brief);
}

test('a zod default, the schema written in place or held by a const, is the path, with its source', async () => {
  const inPlace =
    "import { z } from 'zod';\nexport const env = z.object({ HEALTH_PATH: z.string().min(1).default('/healthz') }).parse(process.env);\n";
  const named =
    "import { z } from 'zod';\nconst schema = z.object({\n  'HEALTH_PATH': z.string().default('/healthz'),\n});\n" +
    'export const env = schema.parse(process.env);\n';
  for (const text of [inPlace, named])
    assert.deepEqual(await health(text), ['/healthz path from `env.HEALTH_PATH` (default `/healthz`)'], text);
});

test('no default, a transformed value, or another parse call: the path stays unknown', async () => {
  for (const schema of [
    'z.object({ HEALTH_PATH: z.string() }).parse(process.env)',
    "z.object({ HEALTH_PATH: z.string().transform((s) => `/${s}`).default('healthz') }).parse(process.env)",
    "JSON.parse('{}')",
  ]) {
    const got = await health(`import { z } from 'zod';\nexport const env = ${schema};\n`);
    assert.deepEqual(got, ['null(path is a variable: env.HEALTH_PATH) -'], schema);
  }
});

test('every key of a parsed environment read in its own file, of two schemas, keeps its own default', async () => {
  const text =
    "import { Hono } from 'hono';\nimport { z } from 'zod';\n" +
    "const env = z.object({ A: z.string().default('/a'), B: z.string().default('/b') }).parse(process.env);\n" +
    "const cfg = z.object({ A: z.string().default('/c') }).parse(process.env);\nconst app = new Hono();\n" +
    "app.get(env.A, (c) => c.text('1'));\napp.get(env.B, (c) => c.text('2'));\napp.get(cfg.A, (c) => c.text('3'));\n" +
    "app.get(env.A + '/x', (c) => c.text('4'));\napp.get(cfg.B, (c) => c.text('5'));\nexport default app;\n";
  const routes = await detectRoutes([{ path: '/p/src/index.ts', text }]);
  assert.deepEqual(routes.map(brief), [
    '/a path from `env.A` (default `/a`)',
    '/b path from `env.B` (default `/b`)',
    '/c path from `cfg.A` (default `/c`)',
    '/a/x -',
    'null(path is a variable: cfg.B) -',
  ]);
});
