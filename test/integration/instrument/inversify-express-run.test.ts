/**
 * inversify-express-utils (from npm): its controller methods instrumented in the wrapper style, one
 * `@ObserveRoute(method, full path)` under the route decorator, compiled with the TypeScript compiler (type-checked,
 * legacy decorators + metadata, as inversify projects compile). The original app and the instrumented one answer every
 * request byte for byte the same; the counter has the statuses the library answered with (a returned value 200,
 * `this.json(x, 201)`, `this.notFound()` 404, the response a method sends itself, a thrown error's `status` or 500 as
 * the app's error handler answers); an `@all` route is counted under the request's method; spans carry http.route and
 * the route parameters, with or without decorated parameters. The same holds with the decorator moved above the route
 * decorator (applied last): the library calls the method by name.
 */
import 'reflect-metadata';
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { cleanUpMetadata } from 'inversify-express-utils';
import { register } from 'prom-client';
import { assertCountedOnce, assertSameAnswers, compileDecorated, prepareDecorated, serveReplies } from '../../support/instrument/decorated';
import { scratchDir } from '../../support/instrument/pyenv';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

const CONTROLLER = 'OrderController.ts';
const REQUESTS: [string, string, unknown?][] = [
  ['GET', '/api/orders'],
  ['GET', '/api/orders/1'],
  ['GET', '/api/orders/9'],
  ['POST', '/api/orders', { item: 'cake' }],
  ['PUT', '/api/orders/1/ping'],
  ['GET', '/api/orders/1/teapot'],
  ['GET', '/api/orders/1/crash'],
  ['DELETE', '/api/orders/1'],
];
const COUNTS: [string, string, number][] = [
  ['GET', '/api/orders', 200], // a returned value
  ['GET', '/api/orders/:id', 200], // this.json(order)
  ['GET', '/api/orders/:id', 404], // this.notFound()
  ['POST', '/api/orders', 201], // this.json(x, 201)
  ['PUT', '/api/orders/:id/ping', 200], // @all: the request's method
  ['GET', '/api/orders/:id/teapot', 418], // a thrown error's status, as the error handler answers
  ['GET', '/api/orders/:id/crash', 500], // a plain Error
  ['DELETE', '/api/orders/:id', 204], // the response the method sent itself
];

/** The app of one copy. The library serves every controller declared so far (global metadata): each copy's app is
 *  built right after its controllers are declared, alone. */
async function appOf(dir: string): Promise<http.RequestListener> {
  cleanUpMetadata();
  const { app } = (await import(path.join(dir, 'app.js'))) as { app: http.RequestListener };
  return app;
}

describe('instrumented inversify-express-utils controller runs', () => {
  const apps: http.RequestListener[] = [];
  before(async () => {
    process.env.NODE_ENV = 'test';
    provider.register();
    const prepared = await prepareDecorated(scratchDir('ie-run'), 'inversify-express', CONTROLLER);
    assert.deepEqual(
      prepared.routes.map((r) => `${r.methods.join('|')} ${r.fullPath}`),
      [
        'GET /api/orders',
        'GET /api/orders/:id',
        'POST /api/orders',
        'DELETE /api/orders/:id',
        'ALL /api/orders/:id/ping',
        'GET /api/orders/:id/teapot',
        'GET /api/orders/:id/crash',
      ],
    );
    assert.match(prepared.instrumented, /@httpGet\('\/:id'\)\n {2}@ObserveRoute\('GET', '\/api\/orders\/:id'\)\n {2}one\(/);
    compileDecorated(prepared.dirs);
    for (const d of prepared.dirs) apps.push(await appOf(d));
  });
  after(async () => {
    await provider.shutdown();
  });
  beforeEach(() => {
    exporter.reset();
    register.resetMetrics();
  });

  for (const variant of ['wrapped', 'reordered'] as const) {
    it(`@ObserveRoute ${variant === 'wrapped' ? 'under the route decorator' : 'above it'}: same answers; the statuses the library answered with; spans`, async () => {
      const a = await serveReplies(apps[0]!);
      const b = await serveReplies(apps[variant === 'wrapped' ? 1 : 2]!);
      try {
        await assertSameAnswers(a, b, REQUESTS);
        // the original app is not instrumented: every count is the instrumented app's
        await assertCountedOnce(COUNTS);
        const spans = exporter.getFinishedSpans();
        assert.equal(spans.length, REQUESTS.length, spans.map((s) => s.name).join(', '));
        const one = spans.filter((s) => s.name === 'GET /api/orders/:id');
        assert.deepEqual(
          one.map((s) => [s.attributes['http.route'], s.attributes['http.route.param.id'], s.attributes['http.response.status_code']]),
          [
            ['/api/orders/:id', '1', 200],
            ['/api/orders/:id', '9', 404],
          ],
          'a decorated parameter: the route parameters from the request the library passes after it',
        );
        const ping = spans.find((s) => s.name === 'PUT /api/orders/:id/ping');
        assert.equal(ping?.attributes['http.route.param.id'], '1');
        const crash = spans.find((s) => s.name === 'GET /api/orders/:id/crash');
        assert.equal(crash?.status.code, SpanStatusCode.ERROR);
        assert.equal(crash?.events[0]?.name, 'exception');
      } finally {
        await a.close();
        await b.close();
      }
    });
  }
});
