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
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { cleanUpMetadata } from 'inversify-express-utils';
import { register } from 'prom-client';
import ts from 'typescript';
import { applyEdits, DEFAULT_OPTIONS, planInstrumentFile } from '../../../src/core/instrument/planner';
import { detectRoutes } from '../../../src/core/routes/detector';
import { FIXTURES } from '../../support/instrument/helpers';
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

type Reply = { status: number; headers: Record<string, string>; body: string };

/** Three copies of the fixture: as written, instrumented, and instrumented with each `@ObserveRoute` moved on top. */
async function prepare(base: string): Promise<{ dirs: string[]; instrumented: string }> {
  const src = path.join(FIXTURES, 'inversify-express');
  const files = fs.readdirSync(src);
  const dirs = ['original', 'wrapped', 'reordered'].map((d) => path.join(base, d));
  for (const d of dirs) {
    fs.mkdirSync(d, { recursive: true });
    for (const f of files) fs.copyFileSync(path.join(src, f), path.join(d, f));
  }
  const wrapped = dirs[1]!;
  const read = (f: string) => ({ path: path.join(wrapped, f), text: fs.readFileSync(path.join(wrapped, f), 'utf8') });
  const file = path.join(wrapped, CONTROLLER);
  const routes = (await detectRoutes(files.map(read))).filter((r) => r.file === file);
  assert.deepEqual(
    routes.map((r) => `${r.methods.join('|')} ${r.fullPath}`),
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
  const text = fs.readFileSync(file, 'utf8');
  const plan = await planInstrumentFile(text, file, routes, ['counter', 'histogram', 'span'], DEFAULT_OPTIONS);
  assert.equal(plan.refused, undefined, plan.refused);
  const instrumented = applyEdits(text, plan.edits);
  fs.writeFileSync(file, instrumented);
  const again = await planInstrumentFile(instrumented, file, routes, ['counter', 'histogram', 'span'], DEFAULT_OPTIONS);
  assert.deepEqual(again.edits, [], 'a decorated method offers nothing on a second run');
  const reordered = instrumented.replace(/((?:\n {2}@(?!ObserveRoute)\w+\([^\n]*\))+)\n( {2}@ObserveRoute\([^\n]*\))/g, '\n$2$1');
  assert.notEqual(reordered, instrumented);
  fs.writeFileSync(path.join(dirs[2]!, CONTROLLER), reordered);
  for (const f of plan.newFiles ?? []) for (const d of dirs.slice(1)) fs.writeFileSync(path.join(d, path.basename(f.path)), f.content);
  return { dirs, instrumented };
}

/** tsc over the three copies, type-checked, emitting CommonJS next to the sources. */
function compile(dirs: string[]): void {
  const roots = dirs.flatMap((d) =>
    fs
      .readdirSync(d)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join(d, f)),
  );
  const program = ts.createProgram(roots, {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    types: ['node'],
  });
  const emitted = program.emit();
  const diags = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  assert.deepEqual(
    diags.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    [],
  );
}

/** The app of one copy. The library serves every controller declared so far (global metadata): each copy's app is
 *  built right after its controllers are declared, alone. */
async function appOf(dir: string): Promise<http.RequestListener> {
  cleanUpMetadata();
  const { app } = (await import(path.join(dir, 'app.js'))) as { app: http.RequestListener };
  return app;
}

async function serve(
  listener: http.RequestListener,
): Promise<{ ask: (m: string, p: string, b?: unknown) => Promise<Reply>; close: () => Promise<void> }> {
  const server = http.createServer(listener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ask = async (method: string, p: string, body?: unknown): Promise<Reply> => {
    const r = await fetch(base + p, {
      method,
      redirect: 'manual',
      ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    const headers = Object.fromEntries([...r.headers].filter(([k]) => k !== 'date'));
    return { status: r.status, headers, body: await r.text() };
  };
  return { ask, close: () => new Promise((r) => server.close(() => r())) };
}

const count = async (method: string, route: string, status: number) =>
  new RegExp(`^http_requests_total\\{method="${method}",route="${route}",status="${status}"\\} (\\d+)$`, 'm').exec(
    await register.metrics(),
  )?.[1];

describe('instrumented inversify-express-utils controller runs', () => {
  const apps: http.RequestListener[] = [];
  before(async () => {
    process.env.NODE_ENV = 'test';
    provider.register();
    const prepared = await prepare(scratchDir('ie-run'));
    assert.match(prepared.instrumented, /@httpGet\('\/:id'\)\n {2}@ObserveRoute\('GET', '\/api\/orders\/:id'\)\n {2}one\(/);
    compile(prepared.dirs);
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
      const a = await serve(apps[0]!);
      const b = await serve(apps[variant === 'wrapped' ? 1 : 2]!);
      try {
        for (const [method, p, body] of REQUESTS) {
          const want = await a.ask(method, p, body);
          assert.deepEqual(await b.ask(method, p, body), want, `${method} ${p}`);
        }
        // the original app is not instrumented: every count is the instrumented app's
        for (const [method, route, status] of COUNTS) {
          assert.equal(await count(method, route, status), '1', `${method} ${route} ${status}`);
        }
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
