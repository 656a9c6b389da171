/**
 * Wrapper style, Express: a handler that is an array of middleware (`export const create = [...rules(), async (req, res)
 * => …]`, imported or declared in the route file) is refused with the reason: `observeRoute(…, create)` would call the
 * array as a function and break every request. An imported function beside it is wrapped as ever.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits, planInstrumentFile } from '../../../src/core/instrument/planner';
import { detectRoutes } from '../../../src/core/routes/detector';
import { OPTS, routesIn } from '../../support/instrument/helpers';
import { tempTree } from '../../support/tempTree';

describe('wrapper style: an Express handler that is an array of middleware', () => {
  it('refused where it is registered, imported or local; a function handler beside it is wrapped', async () => {
    const dir = tempTree({
      'package.json': JSON.stringify({ dependencies: { express: '^4', 'prom-client': '^15', '@opentelemetry/api': '^1' } }),
      'src/controllers/listing.controller.ts': [
        "import type { Request, Response } from 'express';",
        'const rules = () => [];',
        'export const listingCreation = [...rules(), async (req: Request, res: Response) => res.status(201).json({})];',
        'export async function listAll(req: Request, res: Response) {',
        '  res.json([]);',
        '}',
        '',
      ].join('\n'),
      'src/app.ts':
        "import express from 'express';\nimport { router } from './routes/listing.route';\nconst app = express();\napp.use(router);\napp.listen(3000);\n",
      'src/routes/listing.route.ts': [
        "import { Router } from 'express';",
        "import { listingCreation as create, listAll } from '../controllers/listing.controller.js';",
        'const local: Array<unknown> = [async (req: unknown, res: { json(x: unknown): void }) => res.json({})];',
        'export const router = Router();',
        "router.post('/listings', create);",
        "router.get('/listings', listAll);",
        "router.put('/listings', local);",
        '',
      ].join('\n'),
    });
    const file = path.join(dir, 'src/routes/listing.route.ts');
    const text = fs.readFileSync(file, 'utf8');
    const app = path.join(dir, 'src/app.ts');
    const routes = (
      await detectRoutes([
        { path: file, text },
        { path: app, text: fs.readFileSync(app, 'utf8') },
      ])
    ).filter((r) => r.file === file);
    assert.equal(routes.length, 3);
    const p = await planInstrumentFile(text, file, routes, ['counter', 'histogram', 'span'], { ...OPTS, style: 'wrapper' });
    const out = applyEdits(text, p.edits);
    assert.match(out, /router\.get\('\/listings', observeRoute\('GET', '\/listings', listAll\)\);/);
    assert.match(out, /router\.post\('\/listings', create\);/);
    assert.match(out, /router\.put\('\/listings', local\);/);
    for (const [label, name] of [
      ['POST /listings', 'create'],
      ['PUT /listings', 'local'],
    ])
      assert.match(
        p.summary,
        new RegExp(`${label}: its handler \`${name}\` is an array of middleware \\(Express runs each element in turn\\)`),
      );
  });

  it('CommonJS: an array required by destructuring (`const { create: add } = require(…)`) is refused too', async () => {
    const dir = tempTree({
      'package.json': JSON.stringify({ dependencies: { express: '^4', 'prom-client': '^15', '@opentelemetry/api': '^1' } }),
      'controllers/items.js':
        "'use strict';\nconst create = [(req, res, next) => next(), (req, res) => res.status(201).json({})];\nfunction list(req, res) {\n  res.json([]);\n}\nmodule.exports = { create, list };\n",
      'app.js':
        "'use strict';\nconst express = require('express');\nconst { create: add, list } = require('./controllers/items');\nconst app = express();\napp.post('/items', add);\napp.get('/items', list);\nmodule.exports = app;\n",
    });
    const file = path.join(dir, 'app.js');
    const text = fs.readFileSync(file, 'utf8');
    const routes = (await detectRoutes([{ path: file, text }])).filter((r) => r.file === file);
    const p = await planInstrumentFile(text, file, routes, ['counter', 'histogram', 'span'], { ...OPTS, style: 'wrapper' });
    const out = applyEdits(text, p.edits);
    assert.match(out, /app\.post\('\/items', add\);/);
    assert.match(out, /app\.get\('\/items', observeRoute\('GET', '\/items', list\)\);/);
    assert.match(p.summary, /POST \/items: its handler `add` is an array of middleware/);
  });
});

describe('Koa / Hono handlers spread in from a list (`router.post("/list", ...orders.createList)`)', () => {
  it('wrapper style: the observing middleware goes before the spread, once; inline style: refused with where to observe them', async () => {
    const dir = tempTree({
      'package.json': JSON.stringify({
        dependencies: { koa: '^2', '@koa/router': '^12', 'prom-client': '^15', '@opentelemetry/api': '^1' },
      }),
      'src/orders.js': 'export const createList = [async (ctx, next) => next(), async (ctx) => { ctx.body = []; }];\n',
      'src/router.js':
        "import Router from '@koa/router';\nimport * as orders from './orders';\nexport const router = new Router();\nrouter.post('/list', ...orders.createList);\n",
      'src/app.js':
        "import Koa from 'koa';\nimport { router } from './router';\nconst app = new Koa();\napp.use(router.routes());\napp.listen(3000);\n",
    });
    const { file, text, routes } = await routesIn(dir, 'src/router.js', ['src/app.js']);
    assert.equal(routes.length, 1);
    const all = ['counter', 'histogram', 'span'] as const;
    const plan = await planInstrumentFile(text, file, routes, [...all], { ...OPTS, style: 'wrapper', workspaceRoot: dir });
    const out = applyEdits(text, plan.edits);
    assert.match(out, /router\.post\('\/list', observeRoute\('POST', '\/list'\), \.\.\.orders\.createList\);/);
    const again = await planInstrumentFile(out, file, routes, [...all], { ...OPTS, style: 'wrapper', workspaceRoot: dir });
    assert.deepEqual(again.edits, []);
    const inline = await planInstrumentFile(text, file, routes, [...all], { ...OPTS, style: 'inline', workspaceRoot: dir });
    assert.match(
      inline.summary,
      /its handlers are spread in from `orders\.createList`, a list of functions, not one written here: the wrapper style observes them at the registration/,
    );
  });
});
