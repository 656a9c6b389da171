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
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type Koa from 'koa';
import { register } from 'prom-client';
import ts from 'typescript';
import { applyEdits, DEFAULT_OPTIONS, planInstrumentFile } from '../../../src/core/instrument/planner';
import { detectRoutes } from '../../../src/core/routes/detector';
import { FIXTURES } from '../../support/instrument/helpers';
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

type Reply = { status: number; headers: Record<string, string>; body: string };

/** Three copies of the fixture: as written, instrumented, and instrumented with each `@ObserveRoute` moved on top. */
async function prepare(base: string): Promise<{ dirs: string[]; instrumented: string }> {
  const src = path.join(FIXTURES, 'routing-controllers');
  const files = fs.readdirSync(src);
  const dirs = ['original', 'wrapped', 'reordered'].map((d) => path.join(base, d));
  for (const d of dirs) {
    fs.mkdirSync(d, { recursive: true });
    for (const f of files) fs.copyFileSync(path.join(src, f), path.join(d, f));
  }
  // the routes as the Express server serves them (koa.ts serves the same controller under the same prefix)
  const wrapped = dirs[1]!;
  const read = (f: string) => ({ path: path.join(wrapped, f), text: fs.readFileSync(path.join(wrapped, f), 'utf8') });
  const file = path.join(wrapped, CONTROLLER);
  const routes = (await detectRoutes([read(CONTROLLER), read('app.ts')])).filter((r) => r.file === file);
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

describe('instrumented routing-controllers controller runs (Express and Koa)', () => {
  let dirs: string[] = [];
  before(async () => {
    process.env.NODE_ENV = 'test';
    provider.register();
    const prepared = await prepare(scratchDir('rc-run'));
    dirs = prepared.dirs;
    assert.match(prepared.instrumented, /@Get\('\/:id'\)\n {2}@ObserveRoute\('GET', '\/api\/users\/:id'\)\n {2}getOne\(/);
    compile(dirs);
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
        const a = await serve(await listener(dirs[0]!));
        const b = await serve(await listener(dirs[variant === 'wrapped' ? 1 : 2]!));
        try {
          for (const [method, p, body] of REQUESTS) {
            const want = await a.ask(method, p, body);
            assert.deepEqual(await b.ask(method, p, body), want, `${method} ${p}`);
          }
          for (const [method, route, status] of COUNTS) {
            assert.equal(await count(method, route, status), '1', `${method} ${route} ${status}`);
          }
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
