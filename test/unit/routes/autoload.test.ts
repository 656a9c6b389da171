/** @fastify/autoload's own choice of files: index scripts, ignorePattern, maxDepth, match/ignore filters. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadParsers } from '../../../src/core/parsing/treeSitter';
import { analyzeFile, detectRoutes } from '../../../src/core/routes/detector';
import { autoloadDir } from '../../../src/core/routes/autoload';

const none = () => [];

test('autoloadDir: folder prefixes, scripts only, an index script hides its siblings', () => {
  assert.equal(autoloadDir('/r', '/r/root.js', {}, none), '');
  assert.equal(autoloadDir('/r', '/r/users/admin/list.ts', {}, none), '/users/admin');
  assert.equal(autoloadDir('/r', '/r/users/types.d.ts', {}, none), null, 'a declaration file is no plugin');
  assert.equal(autoloadDir('/r', '/r/users/schema.json', {}, none), null);
  const hasIndex = (folder: string) => (folder === '/r/users' ? ['bans.js', 'index.js'] : []);
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

test('autoloadDir: the index is the first name indexPattern takes, whatever ignorePattern says; hook scripts are no plugins', () => {
  const o = { ignorePattern: { re: '.*.(ts|js)' }, indexPattern: { re: 'routes.(ts|js)' }, autoHooksPattern: { re: 'autohooks.(ts|js)' } };
  const auth = (folder: string) => (folder === '/r/auth' ? ['autohooks.ts', 'controllers.ts', 'routes.ts'] : []);
  assert.equal(autoloadDir('/r', '/r/auth/routes.ts', o, auth), '/auth', 'the ignorePattern matches auth/routes.ts: the index is kept');
  assert.equal(autoloadDir('/r', '/r/auth/controllers.ts', o, auth), null);
  assert.equal(autoloadDir('/r', '/r/auth/controllers.ts', { indexPattern: o.indexPattern }, auth), null, 'beside the index');
  assert.equal(
    autoloadDir('/r', '/r/auth/index.ts', { indexPattern: o.indexPattern }, () => ['index.ts']),
    '/auth',
    'with an indexPattern of its own, index.ts is an ordinary plugin',
  );
  assert.equal(
    autoloadDir('/r', '/r/auth/index.ts', { indexPattern: null }, () => ['index.ts']),
    '/auth',
    'unknown: no index',
  );
  assert.equal(autoloadDir('/r', '/r/autohooks.ts', {}, none), null, "autoload's own default hook name");
  assert.equal(autoloadDir('/r', '/r/_autoHooks.js', {}, none), null);
  assert.equal(autoloadDir('/r', '/r/hooks.ts', { autoHooksPattern: { re: '^hooks' } }, none), null);
  assert.equal(autoloadDir('/r', '/r/autohooks.ts', { autoHooksPattern: null }, none), '', 'unknown: every script is a plugin');
});

test('autoload options: a pattern that is no regular expression is not known, and says so', async () => {
  const parsers = await loadParsers();
  const text =
    "import AutoLoad from '@fastify/autoload';\nexport default async (f) => {\n  f.register(AutoLoad, { dir: `${import.meta.dirname}/m`, indexPattern: 'routes', autoHooksPattern: /^h\\.ts$/ });\n};\n";
  const fa = analyzeFile(parsers, '/p/app.js', text);
  assert.match(fa.notes.join('\n'), /line 3: autoload indexPattern not statically known; every script of the folder is kept/);
  assert.deepEqual(fa.autoload[0]!.filters, { indexPattern: null, autoHooksPattern: { re: '^h\\.ts$' } });
});

test("a Fastify app's chained setters return the app: autoload registered on it mounts the folder", async () => {
  const app = [
    "import { fastify } from 'fastify';",
    "import { fastifyAutoload } from '@fastify/autoload';",
    'const app = fastify().withTypeProvider<T>().setValidatorCompiler(c).setErrorHandler(h);',
    "app.register(fastifyAutoload, { dir: `${import.meta.dirname}/modules`, options: { prefix: '/api' } });",
  ].join('\n');
  const plugin = "export default function users(fastify: F) {\n  fastify.get('/me', async () => 1);\n}\n";
  const routes = await detectRoutes([
    { path: '/p/app.ts', text: app },
    { path: '/p/modules/users/index.ts', text: plugin },
  ]);
  assert.deepEqual(
    routes.map((r) => r.fullPath),
    ['/api/users/me'],
  );
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

test("a module's `opts.prefix`: what each autoload registering it gives; different ones, or loaders loading each other, stay unknown", async () => {
  const mod = (name: string) =>
    `import fp from 'fastify-plugin';\nimport autoload from '@fastify/autoload';\nexport default fp(async (f, opts) => {\n  f.register(autoload, { dir: \`\${import.meta.dirname}/${name}\`, options: { prefix: opts.prefix } });\n});\n`;
  const route = "export default async (f) => {\n  f.get('/x', async () => 1);\n};\n";
  const app = [
    "import Fastify from 'fastify';",
    "import autoload from '@fastify/autoload';",
    'const app = Fastify();',
    "app.register(autoload, { dir: `${import.meta.dirname}/modules`, maxDepth: 1, options: { prefix: '/v1' } });",
    "app.register(autoload, { dir: `${import.meta.dirname}/modules/shop`, maxDepth: 0, options: { prefix: '/v2' } });",
    "app.register(autoload, { dir: `${import.meta.dirname}/self/a`, options: { prefix: '/v3' } });",
  ].join('\n');
  const routes = await detectRoutes([
    { path: '/p/app.js', text: app },
    { path: '/p/modules/shop/index.js', text: mod('routes') },
    { path: '/p/modules/shop/routes/x.js', text: route },
    // two modules autoloading each other's folder: each one's option is asked of the other once, never forever
    { path: '/p/self/a/index.js', text: mod('../b').replace('f.register', "f.get('/a', async () => 1);\n  f.register") },
    { path: '/p/self/b/index.js', text: mod('../a') },
  ]);
  assert.deepEqual(
    routes.map((r) => [r.file, r.fullPath, r.fullPathReason ?? '']),
    [
      [
        '/p/modules/shop/routes/x.js',
        null,
        "prefix at modules/shop/index.js:4 is a plugin option several autoload registrations give different values: '/v1/shop', '/v2'",
      ],
      ['/p/self/a/index.js', null, 'parameter `f` of an anonymous function (self/b/index.js:3) is only mounted inside a mount cycle'],
      ['/p/self/a/index.js', '/a', ''],
    ],
  );
});
