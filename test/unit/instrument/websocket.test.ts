/**
 * WebSocket registrations are not HTTP routes to observe: Instrument Route refuses them with the reason, in both
 * styles, and instruments the HTTP routes beside them as usual (`<input>.expected.ts` inline, `<input>.wrapped.ts`).
 * Fastify `{ websocket: true }` (with a `wsHandler`, the `handler` is an HTTP handler), Hono `upgradeWebSocket(…)`;
 * express-ws `app.ws(…)` and NestJS gateways are not detected as routes.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits, planInstrumentFile, planInstrumentRoute } from '../../../src/core/instrument/planner';
import { DEFAULT_OPTIONS, type Aspect, type InstrumentOptions } from '../../../src/core/instrument/types';
import { WEBSOCKET_HANDLER_FASTIFY, WEBSOCKET_HANDLER_HONO } from '../../../src/core/instrument/jsWebSocket';
import { detectRoutes } from '../../../src/core/routes/detector';
import { routeLabel } from '../../../src/core/routes/route';
import { FIXTURES } from '../../support/instrument/helpers';
import { tempTree } from '../../support/tempTree';

const ALL: Aspect[] = ['counter', 'histogram', 'span'];
const STYLES: { style: InstrumentOptions['style']; golden: string }[] = [
  { style: 'inline', golden: 'expected' },
  { style: 'wrapper', golden: 'wrapped' },
];

const CASES = [
  {
    input: 'websocket/fastify.ts',
    ws: ['GET /ws/echo', 'GET /ws/feed'],
    http: ['GET /status', 'GET /users/:id'],
    why: WEBSOCKET_HANDLER_FASTIFY,
  },
  { input: 'websocket/hono.ts', ws: ['GET /ws', 'GET /ws/auth'], http: ['GET /users/:id'], why: WEBSOCKET_HANDLER_HONO },
];

function golden(rel: string, actual: string): void {
  const p = path.join(FIXTURES, rel);
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(p, actual);
  assert.equal(actual, fs.readFileSync(p, 'utf8'));
}

describe('WebSocket handlers are not instrumented as HTTP routes', () => {
  for (const c of CASES) {
    for (const { style, golden: kind } of STYLES) {
      it(`${c.input} (${style}): the WebSocket routes are refused with the reason, the HTTP routes instrumented`, async () => {
        const file = path.join(FIXTURES, c.input);
        const text = fs.readFileSync(file, 'utf8');
        const routes = (await detectRoutes([{ path: file, text }])).filter((r) => r.file === file);
        assert.deepEqual(routes.map(routeLabel).sort(), [...c.ws, ...c.http].sort(), 'the detector reports every registration');
        const opts = { ...DEFAULT_OPTIONS, style };
        const plan = await planInstrumentFile(text, file, routes, ALL, opts);
        assert.equal(plan.refused, undefined, plan.refused);
        for (const label of c.ws) assert.ok(plan.summary.includes(`${label}: ${c.why}`), plan.summary);
        assert.match(plan.summary, new RegExp(`^instrument ${c.http.length} handlers?`));
        const out = applyEdits(text, plan.edits);
        golden(c.input.replace(/\.ts$/, `.${kind}.ts`), out);
        // one WebSocket route alone (the code action's path): refused, no edit
        for (const r of routes.filter((x) => c.ws.includes(routeLabel(x)))) {
          const one = await planInstrumentRoute(text, file, r, ALL, opts, routes);
          assert.deepEqual(one.edits, []);
          assert.equal(one.refused, `${routeLabel(r)}: ${c.why}`);
        }
      });
    }
  }

  it('a Hono `upgradeWebSocket(…)` result named in another module: refused where it is registered and where it is declared', async () => {
    const files = {
      'src/index.ts': [
        "import { Hono } from 'hono';",
        "import { wsConfig } from './ws/config';",
        'const app = new Hono();',
        "app.get('/ws', wsConfig);",
        "app.get('/api', (c) => c.json({ ok: true }));",
        'export default app;',
        '',
      ].join('\n'),
      'src/ws/config.ts': [
        "import { upgradeWebSocket } from 'hono/bun';",
        'export const wsConfig = upgradeWebSocket(async (c) => ({ onMessage: (e, ws) => ws.send(String(e.data)) }));',
        '',
      ].join('\n'),
    };
    const dir = tempTree(files);
    const sources = Object.entries(files).map(([rel, text]) => ({ path: path.join(dir, rel), text }));
    const routes = await detectRoutes(sources);
    for (const style of ['wrapper', 'inline'] as const) {
      const index = await planInstrumentFile(
        files['src/index.ts'],
        sources[0]!.path,
        routes.filter((r) => r.file === sources[0]!.path),
        ALL,
        {
          ...DEFAULT_OPTIONS,
          style,
        },
      );
      assert.ok(index.edits.length, `${style}: GET /api is instrumented`);
      assert.match(index.summary, new RegExp(`skipped: GET /ws: ${WEBSOCKET_HANDLER_HONO.replace(/[()`…]/g, '.')}`), style);
      assert.doesNotMatch(applyEdits(files['src/index.ts'], index.edits), /observeRoute\('GET', '\/ws'/, style);
    }
    const config = await planInstrumentFile(files['src/ws/config.ts'], sources[1]!.path, routes, ALL, {
      ...DEFAULT_OPTIONS,
      style: 'inline',
    });
    assert.deepEqual(config.edits, []);
    assert.match(config.refused ?? '', /GET \/ws: WebSocket handler/);
  });

  it('express-ws `app.ws` / `router.ws` and NestJS gateways are not detected as HTTP routes', async () => {
    const expressWs = [
      "const express = require('express');",
      'const app = express();',
      "require('express-ws')(app);",
      'const router = express.Router();',
      "app.ws('/echo', (ws, req) => ws.on('message', (m) => ws.send(m)));",
      "router.ws('/chat', (ws) => ws.send('hi'));",
      "router.get('/users', (req, res) => res.json([]));",
      "app.use('/api', router);",
      '',
    ].join('\n');
    const gateway = [
      "import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';",
      "@WebSocketGateway(81, { namespace: 'events' })",
      'export class EventsGateway {',
      "  @SubscribeMessage('events')",
      '  handle(@MessageBody() data: string): string {',
      '    return data;',
      '  }',
      '}',
      '',
    ].join('\n');
    const routes = await detectRoutes([
      { path: '/p/app.js', text: expressWs },
      { path: '/p/events.gateway.ts', text: gateway },
    ]);
    assert.deepEqual(
      routes.map((r) => `${r.file} ${routeLabel(r)}`),
      ['/p/app.js GET /api/users'],
    );
  });
});
