/** Routers mounted in a loop over an array built from others (`[].concat(a, b)`, `[...a, ...b]`, a `let` assigned once):
 *  each element's routes take the loop's prefix, as those of a literal array do, also when the parts are imported. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.methods.join(',')} ${r.fullPath ?? 'null'} ${r.file}`;

// route modules exporting their mount path and router, and two modules exporting arrays of them
const routeModule = (p: string): string =>
  `const express = require('express');\nconst router = express.Router();\nrouter.get('/', (req, res) => res.json([]));\nmodule.exports = { path: '${p}', router };\n`;
const MODULES = [
  { path: '/p/src/routes/users.js', text: routeModule('/users') },
  { path: '/p/src/routes/items.js', text: routeModule('/items') },
  { path: '/p/src/routes/v1.js', text: "module.exports = [require('./users')];\n" },
  { path: '/p/src/routes/v2.js', text: "const items = require('./items');\nmodule.exports = [items];\n" },
];
const MOUNTED = ['GET /api/items /p/src/routes/items.js', 'GET /api/users /p/src/routes/users.js'];

const app = (seq: string, loop: string) => ({
  path: '/p/src/app.js',
  text:
    "const express = require('express');\nconst users = require('./routes/users');\nconst items = require('./routes/items');\n" +
    `const v1 = require('./routes/v1');\nconst v2 = require('./routes/v2');\nconst app = express();\n${seq}\n${loop}\napp.listen(3000);\n`,
});

const LOOPS = ["for (const r of routes) app.use('/api' + r.path, r.router);", 'routes.forEach((r) => app.use(`/api${r.path}`, r.router));'];

test('a loop over a concatenation, a spread of arrays, or a let assigned once mounts each element at the loop’s prefix', async () => {
  const seqs = [
    'const routes = [].concat(users, items);',
    'const routes = [...v1, ...v2];',
    'const routes = [...v1, items];',
    'const a = [users];\nconst b = [items];\nconst routes = [...a, ...b];',
    'let routes = [users, items];',
    'let routes = [...v1, ...v2];',
  ];
  for (const seq of seqs)
    for (const loop of LOOPS) {
      const routes = await detectRoutes([app(seq, loop), ...MODULES]);
      assert.deepEqual(routes.map(brief).sort(), MOUNTED, `${seq} ${loop}`);
    }
});

test('a loop over a spread of this file’s tables of { path, router } mounts every row, the spread ones too', async () => {
  const text =
    "const express = require('express');\nconst users = require('./routes/users');\nconst items = require('./routes/items');\n" +
    "const app = express();\nconst base = [{ path: '/users', router: users.router }];\n" +
    "const routes = [...base, { path: '/items', router: items.router }];\n" +
    "for (const r of routes) app.use('/api' + r.path, r.router);\napp.listen(3000);\n";
  const routes = await detectRoutes([{ path: '/p/src/app.js', text }, ...MODULES.slice(0, 2)]);
  assert.deepEqual(routes.map(brief).sort(), MOUNTED);
});
