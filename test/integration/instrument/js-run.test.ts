/**
 * Instrumented Node apps really run: the Express (TS and CommonJS JS), Fastify, Koa and Hono samples, instrumented
 * with every aspect, serve requests in-process with the OpenTelemetry SDK (NodeTracerProvider + InMemorySpanExporter)
 * registered; each request produces a span named `<METHOD> <route>` with `http.route`, and the counter/histogram
 * show in `register.metrics()` with the right status.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { FastifyInstance } from 'fastify';
import type { Hono } from 'hono';
import type Koa from 'koa';
import { register } from 'prom-client';
import { applyEdits, planAppSetup, planInstrumentFile } from '../../../src/core/instrument/planner';
import { CASES, loadCase } from '../../support/instrument/cases';
import { OPTS } from '../../support/instrument/helpers';
import { scratchDir } from '../../support/instrument/pyenv';
import { exportedApp, listenLoopback } from '../../support/instrument/run';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let dir = '';

async function load<T>(name: string, withMetricsEndpoint = false): Promise<T> {
  const c = CASES.find((x) => x.name === name)!;
  const { file, text, routes } = await loadCase(c);
  const plan = await planInstrumentFile(text, file, routes, ['counter', 'histogram', 'span'], OPTS);
  assert.equal(plan.refused, undefined, plan.refused);
  let out = applyEdits(text, plan.edits);
  if (withMetricsEndpoint) {
    const s = await planAppSetup(out, file, 'metrics-endpoint', OPTS);
    assert.equal(s.plan.refused, undefined, s.plan.refused);
    out = applyEdits(out, s.plan.edits);
  }
  const target = path.join(dir, name, path.basename(file));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, out);
  return exportedApp<T>(await import(target));
}

function spans() {
  return exporter.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes, status: s.status.code }));
}

describe('instrumented Node apps run with the OpenTelemetry SDK', () => {
  before(() => {
    process.env.NODE_ENV = 'test'; // Express's final handler does not log the /boom error in test mode
    provider.register();
    dir = scratchDir('jsrun');
  });
  after(async () => {
    await provider.shutdown();
  });
  beforeEach(() => {
    exporter.reset();
    register.resetMetrics();
  });

  it('Express (TypeScript): span GET /users/:id with http.route, counter with status, /metrics endpoint', async () => {
    const app = await load<http.RequestListener>('express', true);
    const srv = await listenLoopback(app);
    try {
      const ok = await fetch(`${srv.url}/users/1`);
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { id: '1', name: 'ada' });
      assert.equal((await fetch(`${srv.url}/users/9`)).status, 404);
      assert.equal(await (await fetch(`${srv.url}/health`)).text(), 'ok');
      const got = spans();
      const user = got.find((s) => s.name === 'GET /users/:id');
      assert.ok(user, JSON.stringify(got));
      assert.equal(user.attributes['http.route'], '/users/:id');
      assert.equal(user.attributes['http.route.param.id'], '1');
      assert.equal(user.attributes['http.response.status_code'], 200);
      const m = await fetch(`${srv.url}/metrics`);
      assert.equal(m.headers.get('content-type'), register.contentType);
      const text = await m.text();
      assert.match(text, /^http_requests_total\{method="GET",route="\/users\/:id",status="200"\} 1$/m);
      assert.match(text, /^http_requests_total\{method="GET",route="\/users\/:id",status="404"\} 1$/m);
      assert.match(text, /^http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} 1$/m);
      assert.equal(text, await register.metrics());
      // a throwing handler: Express answers 500; the span records the exception with ERROR status
      assert.equal((await fetch(`${srv.url}/boom`)).status, 500);
      const boom = exporter.getFinishedSpans().find((s) => s.name === 'GET /boom');
      assert.equal(boom?.status.code, SpanStatusCode.ERROR);
      assert.equal(boom?.events[0]?.name, 'exception');
      assert.match(await register.metrics(), /^http_requests_total\{method="GET",route="\/boom",status="500"\} 1$/m);
    } finally {
      await srv.close();
    }
  });

  it('Express (CommonJS JavaScript): handlers keep working, spans and counters recorded', async () => {
    const app = await load<http.RequestListener>('express-cjs');
    const srv = await listenLoopback(app);
    try {
      const r = await fetch(`${srv.url}/users/7`);
      assert.equal(r.status, 200);
      assert.equal(((await r.json()) as { id: string }).id, '7');
      assert.deepEqual(await (await fetch(`${srv.url}/users`)).json(), []);
      assert.deepEqual(
        spans()
          .map((s) => s.name)
          .sort(),
        ['GET /users', 'GET /users/:id'],
      );
      assert.match(await register.metrics(), /^http_requests_total\{method="GET",route="\/users",status="200"\} 1$/m);
    } finally {
      await srv.close();
    }
  });

  it('Fastify: reply.code() status, returned payloads preserved', async () => {
    const app = await load<FastifyInstance>('fastify', true);
    await app.ready();
    const ok = await app.inject({ method: 'GET', url: '/users/3' });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { id: '3' });
    const nf = await app.inject({ method: 'GET', url: '/users/0' });
    assert.equal(nf.statusCode, 404);
    const created = await app.inject({ method: 'POST', url: '/users', payload: { a: 1 } });
    assert.deepEqual(created.json(), { created: { a: 1 } });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, /^http_requests_total\{method="GET",route="\/users\/:id",status="404"\} 1$/m);
    assert.match(metrics.body, /^http_requests_total\{method="POST",route="\/users",status="200"\} 1$/m);
    const user = spans().find((s) => s.name === 'GET /users/:id');
    assert.equal(user?.attributes['http.route'], '/users/:id');
    const notFound = spans().find((s) => s.name === 'GET /users/:id' && s.attributes['http.response.status_code'] === 404);
    assert.equal(notFound?.status, SpanStatusCode.UNSET, 'a 404 is not an error of the server span');
    // a 5xx the handler answers without throwing is an error of the server span (OpenTelemetry HTTP conventions)
    assert.equal((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 503);
    const ready = spans().find((s) => s.name === 'GET /ready');
    assert.equal(ready?.attributes['http.response.status_code'], 503);
    assert.equal(ready?.status, SpanStatusCode.ERROR);
    await app.close();
  });

  it('Koa (@koa/router): ctx.status after the body', async () => {
    const app = await load<Koa>('koa');
    const srv = await listenLoopback(app.callback());
    try {
      const r = await fetch(`${srv.url}/users/5`);
      assert.deepEqual(await r.json(), { id: '5' });
      assert.equal((await fetch(`${srv.url}/users/5`, { method: 'DELETE' })).status, 204);
      const text = await register.metrics();
      assert.match(text, /^http_requests_total\{method="GET",route="\/users\/:id",status="200"\} 1$/m);
      assert.match(text, /^http_requests_total\{method="DELETE",route="\/users\/:id",status="204"\} 1$/m);
      assert.ok(spans().some((s) => s.name === 'DELETE /users/:id' && s.attributes['http.route.param.id'] === '5'));
      // ctx.throw(404): Koa answers 404 and so does the status label
      assert.equal((await fetch(`${srv.url}/missing`)).status, 404);
      assert.match(await register.metrics(), /^http_requests_total\{method="GET",route="\/missing",status="404"\} 1$/m);
      assert.equal(spans().find((s) => s.name === 'GET /missing')?.status, SpanStatusCode.ERROR);
    } finally {
      await srv.close();
    }
  });

  it('Hono: status from the returned Response', async () => {
    const app = await load<Hono>('hono', true);
    const r = await app.request('/users/4');
    assert.deepEqual(await r.json(), { id: '4' });
    const c = await app.request('/users', {
      method: 'POST',
      body: JSON.stringify({ n: 1 }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(c.status, 201);
    const m = await (await app.request('/metrics')).text();
    assert.match(m, /^http_requests_total\{method="POST",route="\/users",status="201"\} 1$/m);
    assert.match(m, /^http_requests_total\{method="GET",route="\/users\/:id",status="200"\} 1$/m);
    const s = spans().find((x) => x.name === 'POST /users');
    assert.equal(s?.attributes['http.response.status_code'], 201);
  });
});
