/**
 * The inline style and answers known only after the handler returns: a sync handler returning a promise (observed
 * until it settles, through the module's `telemetrySettled`), NestJS `@Res()` (the response's status at the end),
 * `@Redirect()` (its code, or a returned `{ url, statusCode }`'s), and an Observable (refused with the reason).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { applyEdits, planInstrumentFile } from '../../../src/core/instrument/planner';
import { detect } from '../../support/instrument/cases';
import { OPTS } from '../../support/instrument/helpers';

const ALL = ['counter', 'histogram', 'span'] as const;
const T = '/tmp/proj/app.ts';
const C = '/tmp/proj/cats.controller.ts';

/** Every route of the file (the real detector), instrumented; planning again on the output changes nothing. */
async function instrument(text: string, file: string, count: number) {
  const routes = await detect(text, file);
  assert.equal(routes.length, count);
  const plan = await planInstrumentFile(text, file, routes, [...ALL], OPTS);
  const out = applyEdits(text, plan.edits);
  const again = await planInstrumentFile(out, file, await detect(out, file), [...ALL], OPTS);
  assert.deepEqual(again.edits, [], 'idempotent');
  return { plan, out };
}

/** The instrumented body of the handler whose span is `name`, up to the next handler's. */
function handlerOf(out: string, name: string): string {
  const at = out.indexOf(`startActiveSpan('${name}'`);
  assert.ok(at >= 0, `${name} instrumented`);
  const next = out.indexOf('startActiveSpan(', at + 1);
  return out.slice(at, next < 0 ? undefined : next);
}

describe('inline style: sync handlers that may return a promise', () => {
  it('Express/Fastify/Koa/Hono: the body runs in telemetrySettled; one answering with the response keeps its try/finally', async () => {
    const cases: { file: string; framework: string; text: string; settled: string[]; plain: string[] }[] = [
      {
        file: '/tmp/proj/express.ts',
        framework: 'express',
        text: "import express from 'express';\nconst app = express();\napp.get('/a', (req, res) => svc.list().then((r) => res.json(r)));\napp.get('/b', (req, res) => res.status(201).json({}));\napp.get('/c', (req, res) => {\n  if (req.query.x) return res.json({});\n  return svc.list().then((r) => res.json(r));\n});\n",
        settled: ['/a', '/c'],
        plain: ['/b'],
      },
      {
        file: '/tmp/proj/fastify.ts',
        framework: 'fastify',
        text: "import Fastify from 'fastify';\nconst app = Fastify();\napp.get('/a', (request, reply) => svc.list().then((r) => reply.send(r)));\napp.get('/b', (request, reply) => {\n  reply.send({});\n});\n",
        settled: ['/a'],
        plain: ['/b'],
      },
      {
        file: '/tmp/proj/koa.ts',
        framework: 'koa',
        text: "import Koa from 'koa';\nimport Router from '@koa/router';\nconst router = new Router();\nrouter.get('/a', (ctx, next) => next());\nrouter.get('/b', (ctx) => {\n  ctx.body = 1;\n});\nnew Koa().use(router.routes());\n",
        settled: ['/a'],
        plain: ['/b'],
      },
      {
        file: '/tmp/proj/hono.ts',
        framework: 'hono',
        text: "import { Hono } from 'hono';\nconst app = new Hono();\napp.get('/a', (c) => svc.list().then((r) => c.json(r)));\napp.get('/b', (c) => c.json({}));\n",
        settled: ['/a'],
        plain: ['/b'],
      },
    ];
    for (const c of cases) {
      const { plan, out } = await instrument(c.text, c.file, c.settled.length + c.plain.length);
      assert.equal(plan.refused, undefined, plan.refused);
      assert.equal(out.match(/^function telemetrySettled<T>\(/gm)?.length, 1, `${c.framework}: the helper, once`);
      for (const p of c.settled) {
        const h = handlerOf(out, `GET ${p}`);
        assert.match(h, /^startActiveSpan\('GET [^']+', \(span\) => \{\n/, `${c.framework} ${p}: stays sync`);
        assert.match(h, /\n {4}return telemetrySettled\(\n {6}\(\) => \{\n {8}(?:return |if )/, `${c.framework} ${p}`);
        assert.doesNotMatch(h, /try \{|return await/, `${c.framework} ${p}`);
      }
      for (const p of c.plain) assert.match(handlerOf(out, `GET ${p}`), /\n {4}try \{\n/, `${c.framework} ${p}: as before`);
    }
  });

  it('Hono: the status comes from the Response the promise resolves to; Express: from res at the end', async () => {
    const text = "import { Hono } from 'hono';\nconst app = new Hono();\napp.get('/a', (c) => svc.list().then((r) => c.json(r, 201)));\n";
    const { out } = await instrument(text, '/tmp/proj/hono.ts', 1);
    assert.match(
      out,
      /\n {6}\(telemetryResult\) => \{\n {8}telemetryCode = telemetryResult instanceof Response \? telemetryResult\.status : 200;\n {6}\}\n {4}\);\n/,
    );
    const ex =
      "import express from 'express';\nconst app = express();\napp.get('/a', (req, res) => svc.list().then((r) => res.json(r)));\n";
    const e = await instrument(ex, T, 1);
    assert.match(e.out, /\n {6}\(\) => \{\n {8}const telemetryStatus = String\(telemetryErrorCode \|\| res\.statusCode\);\n/);
    assert.match(e.out, /\n {6}\(err\) => \{\n {8}telemetryErrorCode = telemetryErrorStatus\(err\);\n/);
  });

  it('NestJS: an undeclared or `Promise<T> | undefined` return is settled (the method stays sync), `Promise<T>` made async', async () => {
    const text = [
      "import { Controller, Get } from '@nestjs/common';",
      '',
      "@Controller('cats')",
      'export class CatsController {',
      '  @Get()',
      '  findAll() {',
      '    return this.svc.findAll();',
      '  }',
      '',
      "  @Get('maybe')",
      '  maybe(): Promise<string[]> | undefined {',
      '    return this.svc.findAll();',
      '  }',
      '',
      "  @Get('typed')",
      '  typed(): Promise<string[]> {',
      '    return this.svc.findAll();',
      '  }',
      '}',
      '',
    ].join('\n');
    const { plan, out } = await instrument(text, C, 3);
    assert.equal(plan.refused, undefined, plan.refused);
    assert.match(
      out,
      /\n {2}findAll\(\) \{\n {4}return tracer\.startActiveSpan\('GET \/cats', \(span\) => \{\n(?:.*\n){3} {6}return telemetrySettled\(\n/,
    );
    assert.match(out, /\n {2}maybe\(\): Promise<string\[\]> \| undefined \{\n/, 'an async method may not be declared so');
    assert.match(out, /\n {2}async typed\(\): Promise<string\[\]> \{\n(?:.*\n){5} {8}return await this\.svc\.findAll\(\);\n/);
    assert.match(
      handlerOf(out, 'GET /cats'),
      /\(err\) => \{\n {10}telemetryCode = err instanceof HttpException \? err\.getStatus\(\) : 500;/,
    );
  });

  it('NestJS: a method declared to return an Observable is refused with the reason', async () => {
    const text =
      "import { Controller, Get } from '@nestjs/common';\nimport { Observable, of } from 'rxjs';\n\n@Controller('cats')\nexport class CatsController {\n  @Get('live')\n  live(): Observable<string[]> {\n    return of([]);\n  }\n}\n";
    const plan = await planInstrumentFile(text, C, await detect(text, C), [...ALL], OPTS);
    assert.match(
      plan.refused ?? '',
      /GET \/cats\/live: it returns an Observable, which NestJS subscribes to after the method has returned: its time and status are not known when the method returns; return a Promise \(`lastValueFrom\(…\)`\) to have them observed/,
    );
    assert.deepEqual(plan.edits, []);
  });
});

describe('inline style: NestJS @Res() and @Redirect()', () => {
  const text = [
    "import { Controller, Get, HttpStatus, Redirect, Res, Response } from '@nestjs/common';",
    "import type { Response as ExpressResponse } from 'express';",
    '',
    "@Controller('cats')",
    'export class CatsController {',
    "  @Get('brew')",
    '  brew(@Res() res: ExpressResponse) {',
    "    res.status(418).send('x');",
    '  }',
    '',
    "  @Get('pass')",
    '  pass(@Response({ passthrough: true }) reply: ExpressResponse) {',
    '    reply.status(203);',
    '    return { ok: true };',
    '  }',
    '',
    "  @Get('old')",
    "  @Redirect('https://example.com', HttpStatus.MOVED_PERMANENTLY)",
    '  old() {}',
    '',
    "  @Get('docs')",
    "  @Redirect('https://example.com')",
    '  async docs() {',
    "    return { url: 'https://example.com/v5', statusCode: 307 };",
    '  }',
    '',
    "  @Get('own')",
    "  @Redirect('https://example.com')",
    '  own(@Res() res: ExpressResponse) {',
    "    res.redirect(308, '/x');",
    '  }',
    '}',
    '',
  ].join('\n');

  it('@Res() / @Response(): the status is the response statusCode at the end (an HttpException thrown: its status)', async () => {
    const { plan, out } = await instrument(text, C, 5);
    assert.equal(plan.refused, undefined, plan.refused);
    for (const [name, res] of [
      ['brew', 'res'],
      ['pass', 'reply'],
      ['own', 'res'],
    ]) {
      const h = handlerOf(out, `GET /cats/${name}`);
      assert.match(h, /\n {6}let telemetryErrorCode = 0;\n/, name);
      assert.match(h, /telemetryErrorCode = err instanceof HttpException \? err\.getStatus\(\) : 500;/, name);
      assert.match(h, new RegExp(`const telemetryStatus = String\\(telemetryErrorCode \\|\\| ${res}\\.statusCode\\);`), name);
      assert.doesNotMatch(h, /telemetryRedirect/, name);
    }
  });

  it('@Redirect(): its code, else 302, or the statusCode of the returned { url, statusCode }', async () => {
    const { out } = await instrument(text, C, 5);
    const old = handlerOf(out, 'GET /cats/old');
    assert.match(old, /\n {6}let telemetryCode = HttpStatus\.MOVED_PERMANENTLY;\n {6}return telemetrySettled\(\n {8}\(\) => \{\n/);
    const docs = handlerOf(out, 'GET /cats/docs');
    assert.match(docs, /\n {6}let telemetryCode = 302;\n {6}return telemetrySettled\(\n {8}async \(\) => \{\n {10}return \{ url/);
    assert.match(
      docs,
      /\n {8}\(telemetryResult\) => \{\n {10}const telemetryRedirect = telemetryResult as \{ statusCode\?: unknown \} \| null \| undefined;\n {10}if \(typeof telemetryRedirect\?\.statusCode === 'number' && telemetryRedirect\.statusCode\) telemetryCode = telemetryRedirect\.statusCode;\n/,
    );
    assert.match(out, /\n {2}async docs\(\) \{\n {4}return tracer\.startActiveSpan\('GET \/cats\/docs', \(span\) => \{/);
  });
});
