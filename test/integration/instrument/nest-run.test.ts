/**
 * The instrumented NestJS controller runs in a real Nest application (compiled with the TypeScript compiler and
 * legacy decorators + metadata, as Nest projects are): spans per request, HttpException statuses and @HttpCode
 * in the counter.
 */
import 'reflect-metadata';
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { register } from 'prom-client';
import ts from 'typescript';
import { applyEdits, planInstrumentFile } from '../../../src/core/instrument/planner';
import { CASES, loadCase } from '../../support/instrument/cases';
import { OPTS } from '../../support/instrument/helpers';
import { scratchDir } from '../../support/instrument/pyenv';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

describe('instrumented NestJS controller runs', () => {
  let app: INestApplication | undefined;
  let url = '';
  before(async () => {
    provider.register();
    const { file, text, routes } = await loadCase(CASES.find((c) => c.name === 'nestjs')!);
    const plan = await planInstrumentFile(text, file, routes, ['counter', 'histogram', 'span'], OPTS);
    assert.equal(plan.refused, undefined, plan.refused);
    const js = ts.transpileModule(applyEdits(text, plan.edits), {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
      },
    }).outputText;
    const out = path.join(scratchDir('nestrun'), 'users.controller.js');
    fs.writeFileSync(out, js);
    const { UsersController } = (await import(out)) as { UsersController: new () => unknown };
    class AppModule {}
    Module({ controllers: [UsersController] })(AppModule);
    app = await NestFactory.create(AppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  after(async () => {
    await app?.close();
    await provider.shutdown();
  });

  it('records spans and counts HttpException and @HttpCode statuses', async () => {
    const ok = await fetch(`${url}/users/1`);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { id: '1', name: 'ada' });
    assert.equal((await fetch(`${url}/users/9`)).status, 404);
    const created = await fetch(`${url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"bob"}',
    });
    assert.equal(created.status, 202);
    const spans = exporter.getFinishedSpans();
    const get = spans.filter((s) => s.name === 'GET /users/:id');
    assert.equal(get.length, 2);
    assert.equal(get[0]!.attributes['http.route'], '/users/:id');
    assert.equal(get[0]!.attributes['http.route.param.id'], '1');
    assert.equal(get[1]!.status.code, SpanStatusCode.ERROR);
    const text = await register.metrics();
    assert.match(text, /^http_requests_total\{method="GET",route="\/users\/:id",status="200"\} 1$/m);
    assert.match(text, /^http_requests_total\{method="GET",route="\/users\/:id",status="404"\} 1$/m);
    assert.match(text, /^http_requests_total\{method="POST",route="\/users",status="202"\} 1$/m);
  });
});
