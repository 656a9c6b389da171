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
