/** @fastify/autoload's own choice of files: index scripts, ignorePattern, maxDepth, match/ignore filters. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadParsers } from '../../../src/core/parsing/treeSitter';
import { analyzeFile, detectRoutes } from '../../../src/core/routes/detector';
import { autoloadDir } from '../../../src/core/routes/autoload';

const none = () => false;

test('autoloadDir: folder prefixes, scripts only, an index script hides its siblings', () => {
  assert.equal(autoloadDir('/r', '/r/root.js', {}, none), '');
  assert.equal(autoloadDir('/r', '/r/users/admin/list.ts', {}, none), '/users/admin');
  assert.equal(autoloadDir('/r', '/r/users/types.d.ts', {}, none), null, 'a declaration file is no plugin');
  assert.equal(autoloadDir('/r', '/r/users/schema.json', {}, none), null);
  const hasIndex = (p: string) => p === '/r/users/index.js';
  assert.equal(autoloadDir('/r', '/r/users/bans.js', {}, hasIndex), null, 'the index registers its siblings itself');
  assert.equal(autoloadDir('/r', '/r/users/index.js', {}, hasIndex), '/users');
  assert.equal(autoloadDir('/r', '/r/users/bans/list.js', {}, hasIndex), '/users/bans', 'sub-folders are still read');
});

test('autoloadDir: ignorePattern on every folder and script path below dir, maxDepth, match and ignore filters', () => {
  const ignoreApi = { ignorePattern: { re: 'api' } };
  assert.equal(autoloadDir('/r', '/r/api/servers/owned.js', ignoreApi, none), null);
  assert.equal(autoloadDir('/r', '/r/v1/rapid.js', ignoreApi, none), null, 'the script path matches too');
  assert.equal(autoloadDir('/r', '/r/v1/users.js', ignoreApi, none), '/v1');
  assert.equal(autoloadDir('/r', '/r/API/x.js', { ignorePattern: { re: 'api', i: true } }, none), null);
  assert.equal(autoloadDir('/r', '/r/a/b/c.js', { maxDepth: 1 }, none), null);
  assert.equal(autoloadDir('/r', '/r/a/c.js', { maxDepth: 1 }, none), '/a');
  assert.equal(autoloadDir('/r', '/r/a/c.js', { matchFilter: { includes: '/b/' } }, none), null);
  assert.equal(autoloadDir('/r', '/r/b/c.js', { matchFilter: { re: '^/b/' } }, none), '/b');
  assert.equal(autoloadDir('/r', '/r/legacy/c.js', { ignoreFilter: { includes: 'legacy' } }, none), null);
});

// the timeout only guards CI if a backtracking engine ever came back: it would hang on the second case
test(
  'a pattern RE2 cannot read keeps every script and says so; a pathological one is matched in linear time',
  { timeout: 60_000 },
  async () => {
    const parsers = await loadParsers();
    const app = (pattern: string) =>
      `const AutoLoad = require('@fastify/autoload');\nmodule.exports = async (f) => {\n  f.register(AutoLoad, { dir: require('path').join(__dirname, 'routes'), ignorePattern: ${pattern} });\n};\n`;
    const fa = analyzeFile(parsers, '/p/app.js', app('/(?<=x)api/'));
    assert.match(fa.notes.join('\n'), /line 3: autoload ignorePattern not statically known; every script of the folder is kept/);
    assert.equal(fa.autoload[0]!.filters, undefined);

    const route = {
      path: '/p/routes/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!.js',
      text: "module.exports = async (f) => { f.get('/', async () => 1); };\n",
    };
    const routes = await detectRoutes([{ path: '/p/app.js', text: app('/(a+)+$/') }, route]);
    assert.deepEqual(
      routes.map((r) => r.fullPath),
      ['/'],
      'a backtracking engine would take ages on this name; RE2 answers (no match) at once',
    );
  },
);
