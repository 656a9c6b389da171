/** routing-controllers: the controllers a server serves, from classes or globs; a repository's glob is bounded. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { detectRoutes } from '../../../src/core/routes/detector';

const root = path.resolve('/proj');
const controller = [
  "import { JsonController, Get } from 'routing-controllers';",
  '',
  "@JsonController('/users')",
  'export class UserController {',
  "  @Get('/:id')",
  '  one() {',
  '    return {};',
  '  }',
  '}',
  '',
].join('\n');
const server = (glob: string) =>
  `import { createKoaServer } from 'routing-controllers';\n\ncreateKoaServer({ routePrefix: '/api', controllers: [__dirname + ${JSON.stringify(glob)}] }).listen(3000);\n`;

async function users(glob: string) {
  const routes = await detectRoutes([
    { path: path.join(root, 'src', 'server.ts'), text: server(glob) },
    { path: path.join(root, 'src', 'controllers', 'users.ts'), text: controller },
  ]);
  return routes.filter((r) => r.path === '/:id');
}

test('a controllers glob names the controller files it matches: the route is under the server prefix', async () => {
  const [r] = await users('/controllers/*.ts');
  assert.equal(r?.framework, 'koa');
  assert.equal(r?.fullPath, '/api/users/:id');
});

test('a glob too long or with too many ** is not turned into a regular expression: the route says so', async () => {
  for (const glob of [`/controllers/${'x'.repeat(300)}*.ts`, '/**/**/**/**/**/*.ts']) {
    const [r] = await users(glob);
    assert.equal(r?.fullPath, null, glob);
    assert.match(r?.fullPathReason ?? '', /routing-controllers controllers not evaluated/);
  }
});
