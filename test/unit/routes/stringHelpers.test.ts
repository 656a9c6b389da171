/** A prefix written as a call of a project string helper (`removeVersionFromBasePath(APP_CONFIG.BASE_API_PATH)`,
 *  `scoped('/x')`): the string the helper's body returns for the argument, across files; a helper whose regular
 *  expression is not RE2 syntax, a long argument, an unknown argument, or a body that is not a string function of its
 *  parameter leaves the prefix unknown, with the reason. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.fullPath ?? `null(${r.fullPathReason ?? ''})`} ${r.fullPathSource ?? '-'}`;

/** The route `GET /x` of a plugin registered with `prefix`, with `helpers` (the module `./helpers`, imported as `h` and by
 *  name) and `decls` in the app file. */
async function mountedAt(prefix: string, helpers: string, decls = ''): Promise<string> {
  const names = [...helpers.matchAll(/export (?:const|function) (\w+)/g)].map((m) => m[1]).join(', ');
  const routes = await detectRoutes([
    { path: '/p/src/helpers.ts', text: helpers },
    { path: '/p/src/config.ts', text: "export const APP_CONFIG = { BASE_API_PATH: '/api/v1', ADMIN: ' /Admin ' };\n" },
    {
      path: '/p/src/app.ts',
      text:
        `import Fastify from 'fastify';\nimport * as h from './helpers';\nimport { ${names} } from './helpers';\n` +
        `import { APP_CONFIG } from './config';\n${decls}\nconst app = Fastify();\n` +
        `async function routes(f) {\n  f.get('/x', async () => 'x');\n}\napp.register(routes, { prefix: ${prefix} });\n`,
    },
  ]);
  assert.equal(routes.length, 1);
  return brief(routes[0]!);
}

const removeVersion =
  'export const removeVersionFromBasePath = (path: string) => {\n  if (!path) {\n    return "";\n  }\n' +
  '  try {\n    return path.replace(/\\/v\\d+$/, "");\n  } catch (error) {\n    return path;\n  }\n};\n';

test('an imported helper with a guard and try/catch, applied to an imported constant, gives its string', async () => {
  for (const call of ['removeVersionFromBasePath', 'h.removeVersionFromBasePath'])
    assert.equal(await mountedAt(`${call}(APP_CONFIG.BASE_API_PATH) + '/hooks'`, removeVersion), '/api/hooks/x -', call);
  // the guard's own value for an empty argument
  assert.equal(await mountedAt("removeVersionFromBasePath('')", removeVersion), '/x -');
});

test('string methods, templates and a helper of this file; a helper of a helper', async () => {
  const norm = 'export function normalize(s: string): string {\n  const t = s.trim();\n  return t.toLowerCase();\n}\n';
  const scoped = 'const scoped = (p: string) => `/internal${p.slice(0, -1)}`;';
  assert.equal(await mountedAt("scoped('/admin/')", norm, scoped), '/internal/admin/x -');
  assert.equal(await mountedAt('scoped(normalize(APP_CONFIG.ADMIN))', norm, scoped), '/internal/admi/x -');
  assert.equal(
    await mountedAt("h.normalize(' /Ops ').replaceAll('o', '0')", norm),
    "null(prefix at app.ts:10 is a function call: h.normalize(' /Ops ').replaceAll('o', '0')) -",
  );
});

test('a configuration default through a helper keeps its provenance, the value being the helper result', async () => {
  const decls = "const BASE = process.env.BASE_API_PATH || '/api/v2';";
  assert.equal(
    await mountedAt('removeVersionFromBasePath(BASE)', removeVersion, decls),
    '/api/x prefix from `removeVersionFromBasePath(BASE)` (default `/api`)',
  );
});

test('a regular expression is run in linear time; one that is not RE2 syntax, or a long argument, is refused', async () => {
  const nested = 'export const strip = (p: string) => p.replace(/(a+)+b/, "");\n';
  const long = `'/${'a'.repeat(240)}!'`;
  // `(a+)+b` on a run of `a`s without a `b`: exponential for a backtracking matcher; no match, the argument unchanged
  assert.equal(await mountedAt(`strip(${long})`, nested), `/${'a'.repeat(240)}!/x -`);
  const over = `'/${'a'.repeat(300)}'`;
  assert.match(await mountedAt(`strip(${over})`, nested), /^null\(prefix .* is a function call \(argument longer than 256 characters\)/);
  const backref = 'export const collapse = (p: string) => p.replace(/(\\/\\w+)\\1/, "$1");\n';
  assert.match(
    await mountedAt("collapse('/old/old')", backref),
    /^null\(prefix .* is a function call \(regular expression \/\(\\\/\\w\+\)\\1\/ is not RE2 syntax/,
  );
});

test('a body that is no string function of its parameter, or an unknown argument: the prefix stays unknown', async () => {
  const loop = 'export function build(p: string) {\n  let out = p;\n  for (const c of "ab") out += c;\n  return out;\n}\n';
  assert.equal(await mountedAt("build('/a')", loop), "null(prefix at app.ts:10 is a function call: build('/a')) -");
  assert.match(
    await mountedAt('removeVersionFromBasePath(process.env.BASE)', removeVersion),
    /^null\(prefix at app.ts:10 is a function call \(its argument is a run-time/,
  );
});
