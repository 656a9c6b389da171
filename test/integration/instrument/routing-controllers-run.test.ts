/**
 * routing-controllers (Express and Koa, from npm): its controller methods instrumented in the wrapper style, one
 * `@ObserveRoute(method, full path)` under the route decorator, compiled with the TypeScript compiler (type-checked,
 * legacy decorators + metadata, as routing-controllers projects compile). The original app and the instrumented one
 * answer every request byte for byte the same; the counter has routing-controllers' own statuses (200, `@HttpCode`,
 * `@OnUndefined`, `@OnNull`, null 204, `@Redirect`, a thrown HttpError's httpCode, 500 for another error); spans carry http.route
 * and the `@Param` values. The same holds with the decorator moved above the route decorators (applied last).
 */
import 'reflect-metadata';
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type Koa from 'koa';
import { register } from 'prom-client';
import { assertCountedOnce, assertSameAnswers, compileDecorated, prepareDecorated, serveReplies } from '../../support/instrument/decorated';
import { scratchDir } from '../../support/instrument/pyenv';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

const CONTROLLER = 'UserController.ts';
const REQUESTS: [string, string, unknown?][] = [
  ['GET', '/api/users/1'],
  ['GET', '/api/users/9'],
  ['POST', '/api/users', { name: 'bob' }],
  ['DELETE', '/api/users/1'],
  ['GET', '/api/users/1/note'],
  ['GET', '/api/users/1/legacy'],
  ['GET', '/api/users/1/home'],
  ['GET', '/api/users/1/crash'],
];
const COUNTS: [string, string, number][] = [
  ['GET', '/api/users/:id', 200],
  ['GET', '/api/users/:id', 404], // NotFoundError: its httpCode
  ['POST', '/api/users', 201], // @HttpCode(201)
  ['DELETE', '/api/users/:id', 204], // @OnUndefined(204)
  ['GET', '/api/users/:id/note', 204], // null without @OnNull
  ['GET', '/api/users/:id/legacy', 410], // @OnNull(410)
  ['GET', '/api/users/:id/home', 302], // @Redirect
  ['GET', '/api/users/:id/crash', 500], // a plain Error
];

describe('instrumented routing-controllers controller runs (Express and Koa)', () => {
  let dirs: string[] = [];
  before(async () => {
    process.env.NODE_ENV = 'test';
    provider.register();
    // the routes as the Express server serves them (koa.ts serves the same controller under the same prefix)
    const prepared = await prepareDecorated(scratchDir('rc-run'), 'routing-controllers', CONTROLLER, [CONTROLLER, 'app.ts']);
    dirs = prepared.dirs;
    assert.match(prepared.instrumented, /@Get\('\/:id'\)\n {2}@ObserveRoute\('GET', '\/api\/users\/:id'\)\n {2}getOne\(/);
    compileDecorated(dirs);
  });
  after(async () => {
    await provider.shutdown();
  });
  beforeEach(() => {
    exporter.reset();
    register.resetMetrics();
  });

  for (const server of ['Express', 'Koa'] as const) {
    for (const variant of ['wrapped', 'reordered'] as const) {
      it(`${server}, @ObserveRoute ${variant === 'wrapped' ? 'under the route decorator' : 'above every decorator'}: same answers; routing-controllers' statuses; spans`, async () => {
        const entry = server === 'Express' ? 'app.js' : 'koa.js';
        const listener = async (d: string) => {
          const { app } = (await import(path.join(d, entry))) as { app: http.RequestListener | Koa };
          return server === 'Koa' ? (app as Koa).callback() : (app as http.RequestListener);
        };
        const a = await serveReplies(await listener(dirs[0]!));
        const b = await serveReplies(await listener(dirs[variant === 'wrapped' ? 1 : 2]!));
        try {
          await assertSameAnswers(a, b, REQUESTS);
          await assertCountedOnce(COUNTS);
          const spans = exporter.getFinishedSpans();
          assert.equal(spans.length, REQUESTS.length, spans.map((s) => s.name).join(', '));
          const get = spans.filter((s) => s.name === 'GET /api/users/:id');
          assert.deepEqual(
            get.map((s) => [s.attributes['http.route'], s.attributes['http.route.param.id'], s.attributes['http.response.status_code']]),
            [
              ['/api/users/:id', '1', 200],
              ['/api/users/:id', '9', 404],
            ],
          );
          const crash = spans.find((s) => s.name === 'GET /api/users/:id/crash');
          assert.equal(crash?.status.code, SpanStatusCode.ERROR);
          assert.equal(crash?.events[0]?.name, 'exception');
        } finally {
          await a.close();
          await b.close();
        }
      });
    }
  }
});
