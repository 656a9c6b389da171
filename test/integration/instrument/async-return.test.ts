/**
 * An async handler that returns a promise without awaiting it (`return service.load()`, common in Fastify and
 * NestJS): inside the generated try/finally the finally would run before the promise settles (duration ~0, span
 * ended early) and its rejection would escape the catch (counted with the default status). The planner turns such
 * returns into `return await …`; literals and nested functions are left alone, a sync handler stays sync (its body
 * runs in `telemetrySettled`, which observes a returned promise until it settles).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { register } from 'prom-client';
import { applyEdits, planInstrumentFile } from '../../../src/core/instrument/planner';
import { OPTS, route } from '../../support/instrument/helpers';
import { scratchDir } from '../../support/instrument/pyenv';

const SRC = [
  "const { later } = require('./later');",
  'const handlers = {};',
  'const app = { get: (p, h) => { handlers[p] = h; } };',
  "app.get('/slow', async (req, res) => {",
  '  const cb = async () => { return later(1); };',
  '  if (req.query.literal) return { ok: true };',
  '  return later(30, 0, cb && 30);',
  '});',
  "app.get('/gone', async (req, res) => later(10, 410));",
  "app.get('/ternary', async (req, res) => {",
  '  return req.query.a ? later(1) : later(2);',
  '});',
  "app.get('/sync', (req, res) => {",
  '  return later(1);',
  '});',
  'module.exports = handlers;',
  '',
].join('\n');

const LATER = [
  'exports.later = (ms, status, v) => new Promise((resolve, reject) => setTimeout(() => {',
  "  if (status) reject(Object.assign(new Error('gone'), { status }));",
  '  else resolve(v ?? ms);',
  '}, ms));',
  '',
].join('\n');

describe('planner: async handlers returning an un-awaited promise', () => {
  const file = '/tmp/proj/routes.js';
  const routes = ['/slow', '/gone', '/ternary', '/sync'].map((p) => route('express', ['GET'], p, SRC, file));

  it('awaits returned promises of async handlers only, parenthesising where await binds differently', async () => {
    const plan = await planInstrumentFile(SRC, file, routes, ['counter', 'histogram', 'span'], OPTS);
    assert.equal(plan.refused, undefined, plan.refused);
    const out = applyEdits(SRC, plan.edits);
    assert.match(out, /\n {6}return await later\(30, 0, cb && 30\);\n/);
    assert.match(out, /return \{ ok: true \};/, 'a literal is returned as it is');
    assert.match(out, /const cb = async \(\) => \{ return later\(1\); \};/, 'nested functions are not touched');
    assert.match(out, /\n {6}return await later\(10, 410\);\n/, 'expression-bodied arrow');
    assert.match(out, /return await \(req\.query\.a \? later\(1\) : later\(2\)\);/);
    assert.match(
      out,
      /tracer\.startActiveSpan\('GET \/sync', \(span\) => \{\n(?:.*\n)*? {4}return telemetrySettled\(\n {6}\(\) => \{\n {8}return later\(1\);/,
      'a sync handler stays sync: the promise it returns is observed until it settles (see settled-run.test.ts)',
    );
    const again = await planInstrumentFile(
      out,
      file,
      routes.map((r) => route('express', ['GET'], r.path, out, file)),
      ['counter', 'histogram', 'span'],
      OPTS,
    );
    assert.deepEqual(again.edits, [], 'idempotent');
  });

  it('measures the whole promise and counts its rejection status', async () => {
    const plan = await planInstrumentFile(SRC, file, routes, ['counter', 'histogram', 'span'], OPTS);
    const dir = scratchDir('asyncret');
    fs.writeFileSync(path.join(dir, 'later.js'), LATER);
    fs.writeFileSync(path.join(dir, 'routes.js'), applyEdits(SRC, plan.edits));
    type Handlers = Record<string, (req: unknown, res: unknown) => Promise<unknown>>;
    const mod = (await import(path.join(dir, 'routes.js'))) as { default?: Handlers } & Handlers;
    const handlers = mod.default ?? mod;
    const res = { statusCode: 200 };
    assert.equal(await handlers['/slow']!({ query: {} }, res), 30);
    await assert.rejects(handlers['/gone']!({ query: {} }, res), /gone/);
    const counts = (await register.getSingleMetric('http_requests_total')!.get()).values;
    assert.ok(
      counts.some((v) => v.labels.route === '/gone' && v.labels.status === '410' && v.value === 1),
      JSON.stringify(counts),
    );
    const hist = (await register.getSingleMetric('http_request_duration_seconds')!.get()).values;
    const slowSum = hist.find(
      (v) => (v as { metricName?: string }).metricName === 'http_request_duration_seconds_sum' && v.labels.route === '/slow',
    );
    assert.ok(slowSum && slowSum.value >= 0.025, `duration covers the awaited promise: ${JSON.stringify(slowSum)}`);
  });
});

describe('planner: sync handlers declared to return a Promise', () => {
  const file = '/tmp/proj/users.controller.ts';
  const text = [
    "import { Controller, Get, Post } from '@nestjs/common';",
    "import { later } from './later';",
    '',
    "@Controller('users')",
    'export class UsersController {',
    "  @Get('slow')",
    '  public slow(): Promise<number> {',
    '    return later(30);',
    '  }',
    '',
    "  @Post('gone')",
    '  gone(): Promise<number> {',
    '    return later(10, 410);',
    '  }',
    '',
    "  @Get('plain')",
    '  plain(): number {',
    '    return 1;',
    '  }',
    '}',
    '',
  ].join('\n');
  const routes = (t: string) => [
    route('nestjs', ['GET'], 'slow', t, file, { fullPath: '/users/slow', handlerAt: 'slow()' }),
    route('nestjs', ['POST'], 'gone', t, file, { fullPath: '/users/gone' }),
    route('nestjs', ['GET'], 'plain', t, file, { fullPath: '/users/plain' }),
  ];

  it('makes them async (keeping the declared type) and awaits their returns; other sync handlers stay sync', async () => {
    const plan = await planInstrumentFile(text, file, routes(text), ['counter', 'histogram', 'span'], OPTS);
    assert.equal(plan.refused, undefined, plan.refused);
    const out = applyEdits(text, plan.edits);
    assert.match(
      out,
      /\n {2}public async slow\(\): Promise<number> \{\n {4}return tracer\.startActiveSpan\('GET \/users\/slow', async \(span\) => \{/,
    );
    assert.match(out, /return await later\(30\);/);
    assert.match(out, /\n {2}async gone\(\): Promise<number> \{/);
    assert.match(out, /\n {2}plain\(\): number \{\n {4}return tracer\.startActiveSpan\('GET \/users\/plain', \(span\) => \{/);
    assert.deepEqual((await planInstrumentFile(out, file, routes(out), ['counter', 'histogram', 'span'], OPTS)).edits, [], 'idempotent');

    // runs: the duration covers the promise, a rejection is counted with its status
    const ts = await import('typescript');
    const dir = scratchDir('promise-typed');
    fs.writeFileSync(path.join(dir, 'later.js'), LATER);
    const js = ts.transpileModule(out, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, experimentalDecorators: true },
    }).outputText;
    fs.writeFileSync(path.join(dir, 'users.controller.js'), js);
    const mod = (await import(path.join(dir, 'users.controller.js'))) as {
      UsersController?: new () => Record<string, () => Promise<number>>;
      default?: { UsersController: new () => Record<string, () => Promise<number>> };
    };
    const C = mod.UsersController ?? mod.default!.UsersController;
    const c = new C();
    register.resetMetrics();
    assert.equal(await c['slow']!(), 30);
    await assert.rejects(c['gone']!(), /gone/);
    const counts = (await register.getSingleMetric('http_requests_total')!.get()).values;
    assert.ok(
      counts.some((v) => v.labels.route === '/users/gone' && v.labels.status === '500' && v.value === 1),
      JSON.stringify(counts),
    );
    const hist = (await register.getSingleMetric('http_request_duration_seconds')!.get()).values;
    const sum = hist.find(
      (v) => (v as { metricName?: string }).metricName === 'http_request_duration_seconds_sum' && v.labels.route === '/users/slow',
    );
    assert.ok(sum && sum.value >= 0.025, JSON.stringify(sum));
  });
});
