/**
 * The wrapper style on the real frameworks from npm (Express TS and CommonJS, Fastify, Koa, Hono, NestJS, and an
 * Express app whose handlers live in another module or inside wrapper calls): the original app and the instrumented
 * one (one line per handler + the generated telemetryRoutes helper) answer every request identically; the counter
 * shows each route and status in prom-client's registry; the OpenTelemetry SDK's InMemorySpanExporter shows the
 * spans with http.route, the route parameters and the status.
 */
import 'reflect-metadata';
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { FastifyInstance } from 'fastify';
import type { Hono } from 'hono';
import type Koa from 'koa';
import { register } from 'prom-client';
import ts from 'typescript';
import { applyEdits } from '../../../src/core/instrument/planner';
import { planWrappedCopy } from '../../support/instrument/cases';
import { scratchDir } from '../../support/instrument/pyenv';
import { exportedApp, listenLoopback } from '../../support/instrument/run';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

type Ask = (method: string, p: string, body?: unknown) => Promise<{ status: number; body: string }>;

/** The fixture folder copied twice (original, wrapped); `entry` instrumented in the wrapped copy; its helper written. */
async function prepare(fixture: string, entry: string, transpile = false): Promise<{ original: string; wrapped: string }> {
  const { original, wrapped, file, text, plan } = await planWrappedCopy(scratchDir(`wrapjs-${fixture}`), fixture, entry, () => true);
  const dirs = [original, wrapped] as const;
  fs.writeFileSync(file, applyEdits(text, plan.edits));
  for (const f of plan.newFiles ?? []) fs.writeFileSync(f.path, f.content);
  if (transpile) {
    // NestJS: legacy decorators and metadata, as Nest projects compile
    for (const d of dirs) {
      for (const f of fs.readdirSync(d).filter((x) => x.endsWith('.ts'))) {
        const js = ts.transpileModule(fs.readFileSync(path.join(d, f), 'utf8'), {
          compilerOptions: {
            module: ts.ModuleKind.CommonJS,
            target: ts.ScriptTarget.ES2022,
            experimentalDecorators: true,
            emitDecoratorMetadata: true,
          },
        }).outputText;
        fs.writeFileSync(path.join(d, f.replace(/\.ts$/, '.js')), js);
      }
    }
  }
  return { original: dirs[0], wrapped: dirs[1] };
}

async function load<T>(dir: string, entry: string): Promise<T> {
  return exportedApp<T>(await import(path.join(dir, entry)));
}

async function listen(handler: http.RequestListener): Promise<{ ask: Ask; close: () => Promise<void> }> {
  const { url, close } = await listenLoopback(handler);
  return { ask: viaFetch(url), close };
}

function viaFetch(base: string): Ask {
  return async (method, p, body) => {
    const r = await fetch(base + p, {
      method,
      ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    return { status: r.status, body: await r.text() };
  };
}

/** Serves an app of the framework; `ask` sends one request. */
async function serve(framework: string, app: unknown): Promise<{ ask: Ask; close: () => Promise<void> }> {
  if (framework === 'koa') return listen((app as Koa).callback());
  if (framework === 'fastify') {
    const f = app as FastifyInstance;
    await f.ready();
    return {
      ask: async (method, url, payload) => {
        const r = await f.inject({ method: method as 'GET', url, ...(payload ? { payload: payload as object } : {}) });
        return { status: r.statusCode, body: r.body };
      },
      close: () => f.close(),
    };
  }
  if (framework === 'hono') {
    const h = app as Hono;
    const ask: Ask = async (method, p, body) => {
      const r = await h.request(p, {
        method,
        ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
      });
      return { status: r.status, body: await r.text() };
    };
    return { ask, close: async () => {} };
  }
  return listen(app as http.RequestListener);
}

const count = async (method: string, route: string, status: number) =>
  new RegExp(
    `^http_requests_total\\{method="${method}",route="${route.replace(/[{}/]/g, '\\$&')}",status="${status}"\\} (\\d+)$`,
    'm',
  ).exec(await register.metrics())?.[1];

const CASES: {
  name: string;
  fixture: string;
  entry: string;
  framework: string;
  requests: [string, string, unknown?][];
  counts: [string, string, number, string][];
}[] = [
  {
    name: 'Express (TypeScript ESM)',
    fixture: 'express',
    entry: 'app.ts',
    framework: 'express',
    requests: [
      ['GET', '/users/1'],
      ['GET', '/users/9'],
      ['POST', '/users', { name: 'bob' }],
      ['GET', '/health'],
      ['PUT', '/echo'],
      ['GET', '/boom'],
    ],
    counts: [
      ['GET', '/users/:id', 200, '1'],
      ['GET', '/users/:id', 404, '1'],
      ['POST', '/users', 201, '1'],
      ['PUT', '/echo', 200, '1'],
      ['GET', '/boom', 500, '1'],
    ],
  },
  {
    name: 'Express (CommonJS JavaScript)',
    fixture: 'express-cjs',
    entry: 'app.js',
    framework: 'express',
    requests: [
      ['GET', '/users/7'],
      ['GET', '/users'],
    ],
    counts: [
      ['GET', '/users/:id', 200, '1'],
      ['GET', '/users', 200, '1'],
    ],
  },
  {
    name: 'Express, handlers in another module, in wrapper calls and shared by two routes',
    fixture: 'express-crossfile',
    entry: 'app.ts',
    framework: 'express',
    requests: [
      ['GET', '/api/users/1'],
      ['GET', '/api/people/1'],
      ['GET', '/api/users/5'],
      ['POST', '/api/users', { name: 'eve' }],
      ['POST', '/api/auth/login', { user: 'ada' }],
      ['POST', '/api/auth/login', {}],
      ['GET', '/api/slow'],
    ],
    counts: [
      ['GET', '/api/users/:id', 200, '1'],
      ['GET', '/api/people/:id', 200, '1'],
      ['GET', '/api/users/:id', 404, '1'],
      ['POST', '/api/users', 201, '1'],
      ['POST', '/api/auth/login', 200, '1'],
      ['POST', '/api/auth/login', 401, '1'],
      ['GET', '/api/slow', 200, '1'],
    ],
  },
  {
    name: 'Fastify',
    fixture: 'fastify',
    entry: 'app.ts',
    framework: 'fastify',
    requests: [
      ['GET', '/users/3'],
      ['GET', '/users/0'],
      ['POST', '/users', { a: 1 }],
      ['GET', '/health'],
      ['GET', '/health?deep=fail'],
      ['GET', '/ready'],
    ],
    counts: [
      ['GET', '/users/:id', 200, '1'],
      ['GET', '/users/:id', 404, '1'],
      ['POST', '/users', 200, '1'],
      ['GET', '/health', 200, '1'],
      ['GET', '/health', 503, '1'],
      ['GET', '/ready', 503, '1'],
    ],
  },
  {
    name: 'Koa (@koa/router)',
    fixture: 'koa',
    entry: 'app.ts',
    framework: 'koa',
    requests: [
      ['GET', '/users/5'],
      ['DELETE', '/users/5'],
      ['GET', '/missing'],
    ],
    counts: [
      ['GET', '/users/:id', 200, '1'],
      ['DELETE', '/users/:id', 204, '1'],
      ['GET', '/missing', 404, '1'],
    ],
  },
  {
    name: 'Hono',
    fixture: 'hono',
    entry: 'app.ts',
    framework: 'hono',
    requests: [
      ['GET', '/users/4'],
      ['POST', '/users', { n: 1 }],
    ],
    counts: [
      ['GET', '/users/:id', 200, '1'],
      ['POST', '/users', 201, '1'],
    ],
  },
];

describe('wrapper style on the real Node frameworks', () => {
  before(() => {
    process.env.NODE_ENV = 'test'; // Express's final handler does not log the /boom error in test mode
    provider.register();
  });
  after(async () => {
    await provider.shutdown();
  });
  beforeEach(() => {
    exporter.reset();
    register.resetMetrics();
  });

  for (const c of CASES) {
    it(`${c.name}: every request answers as before; counts by route and status; spans`, async () => {
      const { original, wrapped } = await prepare(c.fixture, c.entry);
      const a = await serve(c.framework, await load(original, c.entry));
      const b = await serve(c.framework, await load(wrapped, c.entry));
      try {
        // Express's development error page prints the stack, which passes through the wrapper: compare the rest
        const same = async (ask: Ask, method: string, p: string, body: unknown) => {
          const r = await ask(method, p, body);
          return { ...r, body: r.body.replace(/<br>.*<\/pre>/s, '</pre>') };
        };
        for (const [method, p, body] of c.requests)
          assert.deepEqual(await same(b.ask, method, p, body), await same(a.ask, method, p, body), `${method} ${p}`);
        for (const [method, route, status, n] of c.counts)
          assert.equal(await count(method, route, status), n, `${method} ${route} ${status}`);
        const spans = exporter.getFinishedSpans();
        assert.equal(spans.length, c.requests.length, spans.map((s) => s.name).join(', '));
        const [m, route] = c.counts[0]!;
        const first = spans.find((s) => s.name === `${m} ${route}`);
        assert.equal(first?.attributes['http.route'], route);
        if (route.includes(':id')) assert.equal(typeof first?.attributes['http.route.param.id'], 'string');
        for (const [method, r, status] of c.counts) {
          if (status >= 500)
            assert.ok(
              spans.some((s) => s.name === `${method} ${r}` && s.status.code === SpanStatusCode.ERROR),
              'a 5xx answer is an error of the span, thrown or not',
            );
        }
      } finally {
        await a.close();
        await b.close();
      }
    });
  }

  it('Fastify route options made by a project function (`loginOpts(login)`): its schema and hooks still answer first', async () => {
    const { original, wrapped } = await prepare('fastify-options', 'app.ts');
    assert.match(
      fs.readFileSync(path.join(wrapped, 'app.ts'), 'utf8'),
      /app\.post\('\/login', loginOpts\(observeRoute\('POST', '\/login', login\)\)\);/,
    );
    const a = await serve('fastify', await load(original, 'app.ts'));
    const b = await serve('fastify', await load(wrapped, 'app.ts'));
    try {
      for (const body of [{ user: 'mallory' }, {}, { user: 'ada' }]) {
        const r = await b.ask('POST', '/login', body);
        assert.deepEqual(r, await a.ask('POST', '/login', body), JSON.stringify(body));
      }
      assert.equal(await count('POST', '/login', 200), '1');
      assert.deepEqual(
        exporter.getFinishedSpans().map((s) => s.name),
        ['POST /login'],
        'the hook (401) and the schema (400) answer before the handler is called',
      );
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a route parameter that may carry a credential (token, password, api key) is not written to the span', async () => {
    const { wrapped } = await prepare('express-cjs', 'app.js');
    const { observeRoute } = (await import(path.join(wrapped, 'telemetryRoutes.js'))) as {
      observeRoute: (method: string, route: string, h: http.RequestListener) => http.RequestListener;
    };
    const express = (await import('express')).default;
    const app = express();
    app.get(
      '/invites/:id/accept/:token/:apiKey',
      observeRoute('GET', '/invites/:id/accept/:token/:apiKey', (_req, res) => res.end('ok')),
    );
    const s = await listen(app);
    try {
      assert.deepEqual(await s.ask('GET', '/invites/7/accept/s3cret/k3y'), { status: 200, body: 'ok' });
    } finally {
      await s.close();
    }
    const [span] = exporter.getFinishedSpans();
    assert.deepEqual(span?.attributes, {
      'http.route': '/invites/:id/accept/:token/:apiKey',
      'http.route.param.id': '7',
      'http.response.status_code': 200,
    });
  });

  it('NestJS: the controller keeps its routes, params, @HttpCode and exceptions; counted and traced', async () => {
    const { original, wrapped } = await prepare('nestjs', 'users.controller.ts', true);
    const apps: INestApplication[] = [];
    try {
      const asks: Ask[] = [];
      for (const d of [original, wrapped]) {
        const { UsersController } = (await import(path.join(d, 'users.controller.js'))) as { UsersController: new () => unknown };
        class AppModule {}
        Module({ controllers: [UsersController] })(AppModule);
        const app = await NestFactory.create(AppModule, { logger: false });
        apps.push(app);
        await app.listen(0, '127.0.0.1');
        asks.push(viaFetch((await app.getUrl()).replace('[::1]', '127.0.0.1')));
      }
      for (const [method, p, body] of [
        ['GET', '/users/1'],
        ['GET', '/users/9'],
        ['POST', '/users', { name: 'bob' }],
      ] as const) {
        assert.deepEqual(await asks[1]!(method, p, body), await asks[0]!(method, p, body), `${method} ${p}`);
      }
      assert.equal(await count('GET', '/users/:id', 200), '1');
      assert.equal(await count('GET', '/users/:id', 404), '1');
      assert.equal(await count('POST', '/users', 202), '1', '@HttpCode(202)');
      const get = exporter.getFinishedSpans().filter((s) => s.name === 'GET /users/:id');
      assert.equal(get.length, 2);
      assert.equal(get[0]!.attributes['http.route.param.id'], '1', "@Param('id') read from the route arguments metadata");
      assert.equal(get[1]!.status.code, SpanStatusCode.ERROR);
    } finally {
      for (const app of apps) await app.close();
    }
  });

  it("NestJS @Redirect(): counted with the decorator's code, or the statusCode the method returns", async () => {
    const { wrapped } = await prepare('nestjs-responses', 'cats.controller.ts', true);
    const { CatsController } = (await import(path.join(wrapped, 'cats.controller.js'))) as { CatsController: new () => unknown };
    class AppModule {}
    Module({ controllers: [CatsController] })(AppModule);
    const app = await NestFactory.create(AppModule, { logger: false });
    try {
      await app.listen(0, '127.0.0.1');
      const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      assert.equal((await fetch(`${url}/cats/docs/latest`, { redirect: 'manual' })).status, 301);
      assert.equal((await fetch(`${url}/cats/docs/version`, { redirect: 'manual' })).status, 307);
      assert.equal(await count('GET', '/cats/docs/latest', 301), '1', '@Redirect(url, 301)');
      assert.equal(await count('GET', '/cats/docs/version', 307), '1', 'the returned { url, statusCode: 307 }');
    } finally {
      await app.close();
    }
  });
});
