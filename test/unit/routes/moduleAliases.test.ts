/** module-alias (package.json `_moduleAliases`): which path a bare name stands for, as module-alias 2.x resolves it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { aliasScope, aliasTarget, type AliasScope } from '../../../src/core/routes/moduleAliases';

const root = path.resolve('/proj');
const scopes = [
  aliasScope(root, {
    _moduleAliases: { '@routes': './routes', '@routes/admin': './admin', '@root': '.', '@abs': '/opt/shared', '@bad': 3 },
  }),
  aliasScope(path.join(root, 'services', 'billing'), { _moduleAliases: { '@routes': './src/routes' } }),
].filter((s): s is AliasScope => s !== null);
const from = path.join(root, 'app.js');

test('an alias matches the name itself or the name followed by `/`, the rest joined to its target', () => {
  assert.equal(aliasTarget(scopes, '@routes', from), path.join(root, 'routes'));
  assert.equal(aliasTarget(scopes, '@routes/users.routes.js', from), path.join(root, 'routes', 'users.routes.js'));
  assert.equal(aliasTarget(scopes, '@root/controllers/users', from), path.join(root, 'controllers', 'users'));
  assert.equal(aliasTarget(scopes, '@routesx', from), null);
  assert.equal(aliasTarget(scopes, 'express', from), null);
});

test('the longer alias wins over one it extends; an absolute target stays absolute; a target that is no string is ignored', () => {
  assert.equal(aliasTarget(scopes, '@routes/admin', from), path.join(root, 'admin'));
  assert.equal(aliasTarget(scopes, '@routes/admin/stats.js', from), path.join(root, 'admin', 'stats.js'));
  assert.equal(aliasTarget(scopes, '@abs/paths', from), path.join('/opt/shared', 'paths'));
  assert.equal(aliasTarget(scopes, '@bad', from), null);
});

test('a file uses the aliases of the nearest package.json above it that declares some', () => {
  const billing = path.join(root, 'services', 'billing');
  assert.equal(aliasTarget(scopes, '@routes/x', path.join(billing, 'src', 'app.js')), path.join(billing, 'src', 'routes', 'x'));
  assert.equal(aliasTarget(scopes, '@root', path.join(billing, 'src', 'app.js')), null);
  assert.equal(aliasScope(root, { name: 'plain' }), null);
  assert.equal(aliasTarget(scopes, '@routes', path.resolve('/elsewhere/app.js')), null);
});
