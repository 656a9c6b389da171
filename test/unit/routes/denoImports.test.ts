/** Deno import maps (deno.json / deno.jsonc `imports`, or the `importMap` file they name): which project file a bare
 *  specifier names, as Deno resolves it, and the npm name of a `npm:` / `jsr:` package. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { denoTargets, mapSpecifier, readDenoImportMaps, registryPackage, type DenoImportMap } from '../../../src/core/routes/denoImports';
import { detectRoutes } from '../../../src/core/routes/detector';

test('an exact key names its target; else the longest key ending in / maps that prefix; none: undefined', () => {
  const imports = { '@backend/': '/p/backend/', '@backend/route/': '/p/routes/', '@cfg': '/p/config.ts', zod: null };
  assert.equal(mapSpecifier(imports, '@cfg'), '/p/config.ts');
  assert.equal(mapSpecifier(imports, '@backend/App.ts'), '/p/backend/App.ts');
  assert.equal(mapSpecifier(imports, '@backend/route/User.ts'), '/p/routes/User.ts');
  assert.equal(mapSpecifier(imports, 'zod'), null, 'an external package');
  assert.equal(mapSpecifier(imports, '@cfg/x'), undefined, 'an exact key maps no subpath');
  assert.equal(mapSpecifier(imports, 'hono'), undefined);
});

test('the map nearest above the importing file is read first, then those further up; an external target stops', () => {
  const maps: DenoImportMap[] = [
    { dir: '/p', imports: { '@shared/': '/p/shared/', hono: null } },
    { dir: '/p/api', imports: { '@shared/': '/p/api/shared/' } },
  ];
  assert.deepEqual(denoTargets(maps, '@shared/x.ts', '/p/api/main.ts'), ['/p/api/shared/x.ts']);
  assert.deepEqual(denoTargets(maps, '@shared/x.ts', '/p/web/main.ts'), ['/p/shared/x.ts']);
  assert.equal(denoTargets(maps, 'hono', '/p/api/main.ts'), null, 'the member inherits the root map');
  assert.deepEqual(denoTargets(maps, '@other/x', '/p/api/main.ts'), []);
  assert.deepEqual(denoTargets(maps, '@shared/x.ts', '/elsewhere/main.ts'), []);
});

test('npm: and jsr: specifiers, and the JSR name of Hono, are the npm package with its subpath', () => {
  assert.equal(registryPackage('npm:hono@^4.6.16'), 'hono');
  assert.equal(registryPackage('npm:/hono@4/factory'), 'hono/factory');
  assert.equal(registryPackage('jsr:@hono/hono@^4.6.0/factory'), 'hono/factory');
  assert.equal(registryPackage('@hono/hono'), 'hono');
  assert.equal(registryPackage('npm:@hono/zod-openapi@0.18'), '@hono/zod-openapi');
  assert.equal(registryPackage('express'), 'express');
  assert.equal(registryPackage('@backend/route/User.ts'), '@backend/route/User.ts');
  // deno.land/x modules and npm CDNs by URL
  assert.equal(registryPackage('https://deno.land/x/hono@v3.1.5/mod.ts'), 'hono');
  assert.equal(registryPackage('https://deno.land/x/hono@v3.1.5/middleware.ts'), 'hono/middleware');
  assert.equal(registryPackage('https://deno.land/x/hono/validator/index.ts'), 'hono/validator');
  assert.equal(registryPackage('https://esm.sh/hono@4.6.1'), 'hono');
  assert.equal(registryPackage('https://esm.sh/@hono/zod-openapi@0.18?target=deno'), '@hono/zod-openapi');
  assert.equal(registryPackage('https://example.com/hono/mod.ts'), 'https://example.com/hono/mod.ts');
});

test('deno.json imports, deno.jsonc with comments, and an importMap file relative to itself; unreadable ones noted', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'deno-maps-'));
  try {
    const write = (rel: string, text: string): string => {
      const f = path.join(root, rel);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, text);
      return f;
    };
    const files = [
      write('deno.jsonc', '{\n  // aliases\n  "imports": { "@api/": "./api/", "hono": "jsr:@hono/hono@4", "__proto__": "./x/", },\n}\n'),
      write('admin/deno.json', '{ "importMap": "./maps/import_map.json" }'),
      write('broken/deno.json', '{ "imports": '),
    ];
    write('admin/maps/import_map.json', '{ "imports": { "~/": "../src/" } }');
    const notes: string[] = [];
    const maps = await readDenoImportMaps(root, files, notes);
    assert.deepEqual(
      maps.map((m) => [path.relative(root, m.dir), Object.entries(m.imports)]),
      [
        [
          '',
          [
            ['@api/', path.join(root, 'api') + '/'],
            ['hono', null],
            ['__proto__', path.join(root, 'x') + '/'],
          ],
        ],
        ['admin', [['~/', path.join(root, 'admin', 'src') + '/']]],
      ],
    );
    assert.deepEqual(notes, ['broken/deno.json: could not read its imports']);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a Hono sub-app imported through the import map is mounted where the app routes it', async () => {
  const routes = await detectRoutes(
    [
      {
        path: '/p/backend/App.ts',
        text:
          'import { Hono } from "hono";\nimport user from "@backend/route/User.ts";\n' +
          'const app = new Hono().basePath("/api");\napp.route("/user", user);\nexport default app;\n',
      },
      {
        path: '/p/backend/route/User.ts',
        text: 'import { Hono } from "jsr:@hono/hono@^4";\nconst user = new Hono();\nuser.get("/:id", (c) => c.json({}));\nexport default user;\n',
      },
    ],
    { denoImportMaps: [{ dir: '/p', imports: { '@backend/': '/p/backend/' } }] },
  );
  assert.deepEqual(
    routes.map((r) => `${r.methods.join(',')} ${r.fullPath}`),
    ['GET /api/user/:id'],
  );
});
