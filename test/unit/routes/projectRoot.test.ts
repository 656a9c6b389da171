/** The folder instrumenting one file scans: its nearest project root, or the monorepo that project is a member of. */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { monorepoRoot, nearestProjectRoot, projectRoot } from '../../../src/core/routes/projectRoot';
import { tempTree } from '../../support/tempTree';

const ROUTES = 'export const x = 1;\n';

describe('projectRoot: a member of a monorepo scans the monorepo', () => {
  it('package.json workspaces (array, and yarn `{ packages }`): the root, for a file of a member package', () => {
    for (const workspaces of [['apps/*', 'packages/*'], { packages: ['apps/*', 'packages/*'], nohoist: [] }]) {
      const root = tempTree({
        'package.json': JSON.stringify({ name: 'mono', private: true, workspaces }),
        'packages/admin-api/package.json': '{"name":"@repo/admin-api"}',
        'packages/admin-api/src/handlers/roles.ts': ROUTES,
      });
      const file = path.join(root, 'packages/admin-api/src/handlers/roles.ts');
      assert.equal(nearestProjectRoot(file), path.join(root, 'packages/admin-api'));
      assert.equal(projectRoot(file), root);
    }
  });

  it('pnpm-workspace.yaml (block and flow lists, quoted, `!` exclusions) and lerna.json (its default packages/*)', () => {
    const root = tempTree({
      'package.json': '{"name":"mono","private":true}',
      'pnpm-workspace.yaml': "packages:\n  - 'apps/*'\n  - \"packages/**\" # libraries\n  - '!packages/legacy'\ncatalog:\n  zod: ^4\n",
      'apps/server/package.json': '{"name":"server"}',
      'apps/server/src/index.ts': ROUTES,
      'packages/legacy/package.json': '{"name":"legacy"}',
      'packages/legacy/src/index.ts': ROUTES,
      'packages/deep/api/package.json': '{"name":"api"}',
      'packages/deep/api/index.ts': ROUTES,
      'tools/gen/package.json': '{"name":"gen"}',
      'tools/gen/index.ts': ROUTES,
    });
    assert.equal(projectRoot(path.join(root, 'apps/server/src/index.ts')), root);
    assert.equal(projectRoot(path.join(root, 'packages/deep/api/index.ts')), root);
    // not a member: its own package is what it is
    assert.equal(projectRoot(path.join(root, 'packages/legacy/src/index.ts')), path.join(root, 'packages/legacy'));
    assert.equal(projectRoot(path.join(root, 'tools/gen/index.ts')), path.join(root, 'tools/gen'));
    const flow = tempTree({ 'pnpm-workspace.yaml': 'packages: [apps/*, "libs/*"]\n', 'libs/a/package.json': '{}', 'libs/a/a.ts': ROUTES });
    assert.equal(projectRoot(path.join(flow, 'libs/a/a.ts')), flow);
    const lerna = tempTree({ 'lerna.json': '{"version":"1.0.0"}', 'packages/a/package.json': '{}', 'packages/a/a.js': ROUTES });
    assert.equal(projectRoot(path.join(lerna, 'packages/a/a.js')), lerna);
  });

  it('a uv workspace (members, exclude) for a Python package', () => {
    const root = tempTree({
      'pyproject.toml':
        '[project]\nname = "mono"\n\n[tool.uv.workspace]\nmembers = [\n  "services/*",  # every service\n]\nexclude = ["services/old"]\n\n[tool.ruff]\nline-length = 100\n',
      'services/api/pyproject.toml': '[project]\nname = "api"\n',
      'services/api/api/routes.py': 'x = 1\n',
      'services/old/pyproject.toml': '[project]\nname = "old"\n',
      'services/old/routes.py': 'x = 1\n',
    });
    assert.equal(projectRoot(path.join(root, 'services/api/api/routes.py')), root);
    assert.equal(projectRoot(path.join(root, 'services/old/routes.py')), path.join(root, 'services/old'));
  });

  it('the root package itself, a project declaring no workspaces, and never above a repository (.git)', () => {
    const root = tempTree({ 'package.json': '{"workspaces":["packages/*"]}', 'src/app.ts': ROUTES });
    assert.equal(projectRoot(path.join(root, 'src/app.ts')), root);
    const plain = tempTree({ 'package.json': '{"name":"svc"}', 'sub/package.json': '{"name":"sub"}', 'sub/a.ts': ROUTES });
    assert.equal(projectRoot(path.join(plain, 'sub/a.ts')), path.join(plain, 'sub'));
    const repo = tempTree({
      'package.json': '{"workspaces":["vendor/*"]}',
      'vendor/lib/.git/HEAD': 'ref: refs/heads/main\n',
      'vendor/lib/package.json': '{"name":"lib"}',
      'vendor/lib/a.ts': ROUTES,
    });
    // the member is its own repository: the monorepo above it is not looked for
    assert.equal(monorepoRoot(path.join(repo, 'vendor/lib/a.ts')), undefined);
    assert.equal(projectRoot(path.join(repo, 'vendor/lib/a.ts')), path.join(repo, 'vendor/lib'));
    // patterns out of the root or unusable are no members
    const odd = tempTree({ 'package.json': '{"workspaces":["../x/*","/abs/*",7]}', 'p/package.json': '{}', 'p/a.ts': ROUTES });
    assert.equal(projectRoot(path.join(odd, 'p/a.ts')), path.join(odd, 'p'));
  });
});
