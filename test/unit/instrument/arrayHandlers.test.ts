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
import { OPTS } from '../../support/instrument/helpers';
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
