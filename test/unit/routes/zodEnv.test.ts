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
