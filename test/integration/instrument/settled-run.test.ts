/**
 * Answers known only after the handler returns, instrumented inline and run for real: a sync handler returning a
 * promise (NestJS with the real @nestjs/core, Express, Fastify, Koa, Hono) is timed until the promise settles and
 * counted with the status the framework answers (a rejected HttpException's, one set in a `.then`); NestJS `@Res()`
 * counts the response's status, `@Redirect()` its code or the statusCode the method returns.
 */
import 'reflect-metadata';
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { FastifyInstance } from 'fastify';
import type { Hono } from 'hono';
import type Koa from 'koa';
import { register } from 'prom-client';
import ts from 'typescript';
import { applyEdits, planInstrumentFile } from '../../../src/core/instrument/planner';
import { CASES, detect, loadCase } from '../../support/instrument/cases';
import { OPTS } from '../../support/instrument/helpers';
import { scratchDir } from '../../support/instrument/pyenv';
import { exportedApp, listenLoopback } from '../../support/instrument/run';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let dir = '';

/** The instrumented text of a file (every route the detector finds in it), planned inline. */
async function instrumented(text: string, file: string): Promise<string> {
  const plan = await planInstrumentFile(text, file, await detect(text, file), ['counter', 'histogram', 'span'], OPTS);
  assert.equal(plan.refused, undefined, plan.refused);
  assert.doesNotMatch(plan.summary, /skipped/, plan.summary);
  return applyEdits(text, plan.edits);
}

/** Writes the instrumented source under the scratch folder and imports it (TypeScript, run by tsx). */
async function load<T>(name: string, source: string): Promise<T> {
  const file = path.join(dir, name, 'app.ts');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, await instrumented(source, file));
  return exportedApp<T>(await import(file));
}

/** The count of a route and status, and its duration sum (seconds). */
async function observed(route: string, status: number): Promise<{ count: number; seconds: number }> {
  const pick = async (name: string, metric: string) =>
    (await register.getSingleMetric(name)!.get()).values.find(
      (v) =>
        (metric === name || (v as { metricName?: string }).metricName === metric) &&
        v.labels.route === route &&
        v.labels.status === String(status),
    )?.value ?? 0;
  return {
    count: await pick('http_requests_total', 'http_requests_total'),
    seconds: await pick('http_request_duration_seconds', 'http_request_duration_seconds_sum'),
  };
}

const LATER = 'const later = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));\n';

describe('inline style: answers known after the handler returns, run for real', () => {
  before(() => {
    process.env.NODE_ENV = 'test';
    provider.register();
    dir = scratchDir('settledrun');
  });
  after(async () => {
    await provider.shutdown();
  });
  beforeEach(() => {
    exporter.reset();
    register.resetMetrics();
  });

  it('NestJS: a sync method returning a promise, a rejected HttpException, @Res(), @Redirect()', async () => {
    const { file, text } = await loadCase(CASES.find((c) => c.name === 'nestjs-responses')!);
    const js = ts.transpileModule(await instrumented(text, file), {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
      },
    }).outputText;
    const out = path.join(dir, 'nest', 'cats.controller.js');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, js);
    const { CatsController } = (await import(out)) as { CatsController: new () => unknown };
    class AppModule {}
    Module({ controllers: [CatsController] })(AppModule);
    let app: INestApplication | undefined;
    try {
      app = await NestFactory.create(AppModule, { logger: false });
      await app.listen(0, '127.0.0.1');
      const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      const ok = await fetch(`${url}/cats/7`);
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { id: '7' });
      assert.equal((await fetch(`${url}/cats/0`)).status, 404);
      assert.equal((await fetch(`${url}/cats`, { method: 'POST' })).status, 202);
      const brew = await fetch(`${url}/cats/teapot/brew`);
      assert.equal(brew.status, 418);
      assert.equal(await brew.text(), 'short and stout');
      const latest = await fetch(`${url}/cats/docs/latest`, { redirect: 'manual' });
      assert.equal(latest.status, 301);
      assert.equal(latest.headers.get('location'), 'https://docs.nestjs.com');
      const version = await fetch(`${url}/cats/docs/version`, { redirect: 'manual' });
      assert.equal(version.status, 307);
      assert.equal(version.headers.get('location'), 'https://docs.nestjs.com/v5/');

      // timed until the promise settled (the service waits 30 ms), counted with the status Nest answered
      const found = await observed('/cats/:id', 200);
      assert.equal(found.count, 1);
      assert.ok(found.seconds >= 0.025, `the duration covers the promise: ${found.seconds}`);
      const missing = await observed('/cats/:id', 404);
      assert.equal(missing.count, 1, 'the rejected NotFoundException: 404');
      assert.ok(missing.seconds >= 0.025, `${missing.seconds}`);
      const adopted = await observed('/cats', 202);
      assert.equal(adopted.count, 1);
      assert.ok(adopted.seconds >= 0.025, `${adopted.seconds}`);
      assert.equal((await observed('/cats/teapot/brew', 418)).count, 1, '@Res(): the status it answered with');
      assert.equal((await observed('/cats/docs/latest', 301)).count, 1, "@Redirect(url, 301): the decorator's code");
      assert.equal((await observed('/cats/docs/version', 307)).count, 1, 'the statusCode the method returned');
      assert.doesNotMatch(await register.metrics(), /route="\/cats\/(?:teapot\/brew|docs\/\w+)",status="20[01]"/, 'no static status');

      const spans = exporter.getFinishedSpans();
      const notFound = spans.find((s) => s.name === 'GET /cats/:id' && s.attributes['http.route.param.id'] === '0');
      assert.equal(notFound?.attributes['http.response.status_code'], 404);
      assert.equal(notFound?.events[0]?.name, 'exception');
      const [start, end] = [notFound!.startTime, notFound!.endTime];
      assert.ok((end[0] - start[0]) * 1e3 + (end[1] - start[1]) / 1e6 >= 25, 'the span ends when the promise settles');
    } finally {
      await app?.close();
    }
  });

  it('Express: a sync handler returning a promise, the status set in its .then', async () => {
    const { file, text } = await loadCase(CASES.find((c) => c.name === 'express-promises')!);
    const target = path.join(dir, 'express', path.basename(file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, await instrumented(text, file));
    const mod = (await import(target)) as { default: http.RequestListener | { default: http.RequestListener } };
    const app = typeof mod.default === 'function' ? mod.default : mod.default.default;
    const srv = await listenLoopback(app);
    try {
      assert.deepEqual(await (await fetch(`${srv.url}/orders`)).json(), [{ id: 1 }]);
      assert.equal((await fetch(`${srv.url}/orders/0`)).status, 404);
      assert.deepEqual(await (await fetch(`${srv.url}/ping`)).json(), { pong: true });
      const list = await observed('/orders', 200);
      assert.equal(list.count, 1);
      assert.ok(list.seconds >= 0.025, `${list.seconds}`);
      assert.equal((await observed('/orders/:id', 404)).count, 1, 'the status set once the promise resolved');
      assert.equal((await observed('/orders/:id', 200)).count, 0);
      assert.equal((await observed('/ping', 200)).count, 1);
    } finally {
      await srv.close();
    }
  });

  it('Fastify, Koa, Hono: sync handlers returning a promise', async () => {
    const fastify = await load<FastifyInstance>(
      'fastify',
      "import Fastify from 'fastify';\n" +
        LATER +
        'export const app = Fastify();\n' +
        "app.get('/f', (request, reply) => later(30, 0).then(() => reply.code(201).send({ ok: true })));\n" +
        "app.get('/g', (request, reply) => later(5, 0).then(() => Promise.reject(Object.assign(new Error('taken'), { statusCode: 409 }))));\n",
    );
    await fastify.ready();
    assert.equal((await fastify.inject({ method: 'GET', url: '/f' })).statusCode, 201);
    assert.equal((await fastify.inject({ method: 'GET', url: '/g' })).statusCode, 409);
    const f = await observed('/f', 201);
    assert.equal(f.count, 1);
    assert.ok(f.seconds >= 0.025, `${f.seconds}`);
    assert.equal((await observed('/g', 409)).count, 1);
    await fastify.close();

    const koa = await load<Koa>(
      'koa',
      "import Koa from 'koa';\nimport Router from '@koa/router';\n" +
        LATER +
        'const router = new Router();\n' +
        "router.get('/k', (ctx) => later(30, 0).then(() => {\n  ctx.status = 202;\n  ctx.body = 'k';\n}));\n" +
        'const app = new Koa();\napp.use(router.routes());\nexport default app;\n',
    );
    const srv = await listenLoopback(koa.callback());
    try {
      assert.equal((await fetch(`${srv.url}/k`)).status, 202);
      const k = await observed('/k', 202);
      assert.equal(k.count, 1);
      assert.ok(k.seconds >= 0.025, `${k.seconds}`);
    } finally {
      await srv.close();
    }

    const hono = await load<Hono>(
      'hono',
      "import { Hono } from 'hono';\n" +
        LATER +
        'const app = new Hono();\n' +
        "app.get('/h', (c) => later(30, 0).then(() => c.json({ ok: true }, 201)));\n" +
        'export default app;\n',
    );
    assert.equal((await hono.request('/h')).status, 201);
    const h = await observed('/h', 201);
    assert.equal(h.count, 1);
    assert.ok(h.seconds >= 0.025, `${h.seconds}`);
  });
});
