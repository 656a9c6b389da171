/**
 * Wrapper style, JS/TS: the helper module goes only where the route file's tsconfig.json compiles it without changing
 * the build (inside rootDir, matched by include, not excluded), and the route file imports it from there.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { jsHelperLocation } from '../../../src/core/instrument/helperLocation';
import { compileScope } from '../../../src/core/instrument/tsconfigScope';
import { tempDir } from '../../support/tempTree';

const ROUTES = "import { Router } from 'express';\nexport const router = Router();\n";

function project(files: Record<string, string>): string {
  const root = tempDir('tl-scope-');
  for (const [rel, text] of Object.entries({ 'package.json': '{}', ...files })) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe('wrapper style: the helper inside the compile scope of the route file', () => {
  it('a file directly in src/ with rootDir ./src: src/telemetryRoutes.ts, imported as ./telemetryRoutes', async () => {
    const root = project({
      'tsconfig.json': '{ "compilerOptions": { "rootDir": "./src", "outDir": "dist" }, // jsonc\n "include": ["src/**/*.ts"], }',
      'src/app.main.ts': ROUTES,
    });
    const h = await jsHelperLocation(path.join(root, 'src', 'app.main.ts'), ROUTES, true);
    assert.equal(h.path, path.join(root, 'src', 'telemetryRoutes.ts'));
    assert.equal(h.module, './telemetryRoutes');
  });

  it('no src/: the outermost included folder, not the package root outside rootDir', async () => {
    const root = project({
      'tsconfig.json': '{ "compilerOptions": { "rootDir": "lib" }, "include": ["lib"] }',
      'lib/routes/users.ts': ROUTES,
    });
    const h = await jsHelperLocation(path.join(root, 'lib', 'routes', 'users.ts'), ROUTES, true);
    assert.equal(h.path, path.join(root, 'lib', 'telemetryRoutes.ts'));
    assert.equal(h.module, '../telemetryRoutes');
  });

  it('a tracing.ts or an old helper outside rootDir (loaded with node -r) is passed over', async () => {
    const root = project({
      'tsconfig.json': '{ "compilerOptions": { "rootDir": "src" }, "include": ["src"] }',
      'tracing.ts': '// node -r ./tracing.js\n',
      'telemetryRoutes.ts': '// an old helper, outside rootDir\n',
      'src/routes/users.ts': ROUTES,
    });
    const h = await jsHelperLocation(path.join(root, 'src', 'routes', 'users.ts'), ROUTES, true);
    assert.equal(h.path, path.join(root, 'src', 'telemetryRoutes.ts'));
    assert.equal(h.exists, false);
  });

  it('without rootDir, the include base bounds it (the computed common root, so the dist/ layout, must not move)', async () => {
    const root = project({
      'tsconfig.json': '{ "compilerOptions": { "outDir": "build" }, "include": ["server/**/*"] }',
      'server/http/routes/users.ts': ROUTES,
    });
    const h = await jsHelperLocation(path.join(root, 'server', 'http', 'routes', 'users.ts'), ROUTES, true);
    assert.equal(h.path, path.join(root, 'server', 'telemetryRoutes.ts'));
  });

  it('no tsconfig, or one that does not compile the file (a .js file without allowJs): the usual place', async () => {
    const js = project({ 'server.js': '', 'routes/users.js': ROUTES });
    assert.equal((await jsHelperLocation(path.join(js, 'routes', 'users.js'), ROUTES, false)).path, path.join(js, 'telemetryRoutes.js'));
    const mixed = project({ 'tsconfig.json': '{ "compilerOptions": { "rootDir": "src" } }', 'server.js': '', 'routes/users.js': ROUTES });
    assert.equal(await compileScope(path.join(mixed, 'routes', 'users.js'), mixed), undefined);
    assert.equal(
      (await jsHelperLocation(path.join(mixed, 'routes', 'users.js'), ROUTES, false)).path,
      path.join(mixed, 'telemetryRoutes.js'),
    );
  });

  it('follows extends (include and rootDir relative to the file that wrote them), exclude, and solution-style references', async () => {
    const root = project({
      'config/base.json':
        '{ "compilerOptions": { "rootDir": "../app" }, "include": ["../app/**/*.ts"], "exclude": ["../app/**/*.spec.ts"] }',
      'tsconfig.json': '{ "files": [], "references": [{ "path": "./tsconfig.app.json" }] }',
      'tsconfig.app.json': '{ "extends": "./config/base" }',
      'app/users.ts': ROUTES,
    });
    const scope = await compileScope(path.join(root, 'app', 'users.ts'), root);
    assert.equal(scope?.config, path.join(root, 'tsconfig.app.json'));
    assert.equal(scope.accepts(path.join(root, 'app', 'x', 'telemetryRoutes.ts')), true);
    assert.equal(scope.accepts(path.join(root, 'app', 'x.spec.ts')), false, 'excluded');
    assert.equal(scope.accepts(path.join(root, 'telemetryRoutes.ts')), false, 'outside rootDir');
    assert.equal(scope.accepts(path.join(root, 'app', 'telemetryRoutes.js')), false, 'not compiled without allowJs');
  });
});

describe('wrapper style: the helper specifier of a file with no relative import of its own, from its project', () => {
  const FASTIFY = "import { FastifyInstance } from 'fastify';\nexport default async function routes(app: FastifyInstance) {}\n";
  const nodeNext = '{ "compilerOptions": { "module": "NodeNext", "moduleResolution": "NodeNext", "outDir": "build" }, "include": ["src"] }';
  const spec = async (root: string, rel: string, text = FASTIFY) => (await jsHelperLocation(path.join(root, rel), text, true)).module;

  it('ESM ("type": "module") under node16/nodenext: `.js` (TS2835 and ERR_MODULE_NOT_FOUND without it)', async () => {
    const root = project({
      'package.json': '{ "type": "module" }',
      'tsconfig.json': nodeNext,
      'src/modules/selenium/selenium.routes.ts': FASTIFY,
    });
    assert.equal(await spec(root, 'src/modules/selenium/selenium.routes.ts'), '../../telemetryRoutes.js');
    // `module: Node16` alone implies node16 resolution, through `extends` too
    const implied = project({
      'package.json': '{ "type": "module" }',
      'tsconfig.base.json': '{ "compilerOptions": { "module": "Node16" } }',
      'tsconfig.json': '{ "extends": "./tsconfig.base.json", "include": ["src"] }',
      'src/plugins/ui.ts': FASTIFY,
    });
    assert.equal(await spec(implied, 'src/plugins/ui.ts'), '../telemetryRoutes.js');
  });

  it('CommonJS (no "type", or a .cts file) and bundler resolution keep the extensionless form', async () => {
    const cjs = project({ 'tsconfig.json': nodeNext, 'src/routes/users.ts': FASTIFY });
    assert.equal(await spec(cjs, 'src/routes/users.ts'), '../telemetryRoutes');
    const cts = project({
      'package.json': '{ "type": "module" }',
      'tsconfig.json': nodeNext,
      'src/telemetryRoutes.ts': '',
      'src/routes/users.cts': FASTIFY,
    });
    assert.equal(await spec(cts, 'src/routes/users.cts'), '../telemetryRoutes');
    const bundler = project({
      'package.json': '{ "type": "module" }',
      'tsconfig.json': '{ "compilerOptions": { "module": "ESNext", "moduleResolution": "Bundler" }, "include": ["src"] }',
      'src/routes/users.ts': FASTIFY,
    });
    assert.equal(await spec(bundler, 'src/routes/users.ts'), '../telemetryRoutes');
    const node10 = project({
      'package.json': '{ "type": "module" }',
      'tsconfig.json': '{ "compilerOptions": { "module": "ESNext", "moduleResolution": "Node10" }, "include": ["src"] }',
      'src/routes/users.ts': FASTIFY,
    });
    assert.equal(await spec(node10, 'src/routes/users.ts'), '../telemetryRoutes');
  });

  it('a .mts file is an ES module whatever package.json says: an existing telemetryRoutes.ts is imported as `.js`', async () => {
    const root = project({ 'tsconfig.json': nodeNext, 'src/telemetryRoutes.ts': '// helper\n', 'src/routes/users.mts': FASTIFY });
    const h = await jsHelperLocation(path.join(root, 'src', 'routes', 'users.mts'), FASTIFY, true);
    assert.equal(h.path, path.join(root, 'src', 'telemetryRoutes.ts'));
    assert.equal(h.module, '../telemetryRoutes.js');
  });

  it("the file's own relative imports win; with no tsconfig, an ES module follows its neighbours' imports", async () => {
    const esm = { 'package.json': '{ "type": "module" }', 'tsconfig.json': nodeNext, 'src/routes/users.ts': FASTIFY };
    const own = project(esm);
    assert.equal(await spec(own, 'src/routes/users.ts', `import { db } from '../db';\n${FASTIFY}`), '../telemetryRoutes');
    assert.equal(
      await spec(own, 'src/routes/users.ts', `import data from './data.json' with { type: 'json' };\n${FASTIFY}`),
      '../telemetryRoutes.js',
    );
    const loose = project({
      'package.json': '{ "type": "module" }',
      'src/routes/users.ts': FASTIFY,
      'src/routes/posts.ts': "export * from './posts/list.js';\n",
    });
    assert.equal(await spec(loose, 'src/routes/users.ts'), '../telemetryRoutes.js');
    const bare = project({
      'package.json': '{ "type": "module" }',
      'src/routes/users.ts': FASTIFY,
      'src/routes/posts.ts': "export * from './posts/list';\n",
    });
    assert.equal(await spec(bare, 'src/routes/users.ts'), '../telemetryRoutes');
    // a .js file Node loads as an ES module needs it without any tsconfig
    const js = project({ 'package.json': '{ "type": "module" }', 'src/app.js': '', 'src/routes/users.js': ROUTES });
    assert.equal((await jsHelperLocation(path.join(js, 'src', 'routes', 'users.js'), ROUTES, false)).module, '../telemetryRoutes.js');
  });

  it('TypeScript that imports its .ts files by name (`node src/index.ts`, allowImportingTsExtensions): `.ts` too', async () => {
    const own = "import { auth } from './betterAuth.ts';\n" + FASTIFY;
    const root = project({
      'package.json': '{ "type": "module" }',
      'tsconfig.json': '{ "extends": "@repo/typescript-config/node.json", "include": ["src"] }',
      'src/index.ts': "import { app } from './app.ts';\n",
      'src/features/auth/authRoutes.ts': own,
    });
    assert.equal(await spec(root, 'src/features/auth/authRoutes.ts', own), '../../telemetryRoutes.ts');
    // a file with no relative import of its own follows its neighbours
    const lone = project({
      'package.json': '{ "type": "module" }',
      'src/features/users/users.ts': "import { db } from '../../db.ts';\n",
      'src/features/users/routes.ts': FASTIFY,
    });
    assert.equal(await spec(lone, 'src/features/users/routes.ts'), '../../telemetryRoutes.ts');
  });
});
