/** Planner behaviour: options, formatting, import merging, reuse of existing metrics, refusals, validation. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { applyEdits, planAppSetup, planInstrumentFile, planInstrumentRoute, validateResult } from '../../../src/core/instrument/planner';
import type { Aspect, InstrumentOptions } from '../../../src/core/instrument/types';
import type { Route } from '../../../src/core/routes/types';
import { OPTS, route } from '../../support/instrument/helpers';

const F = '/tmp/proj/app.py';
const T = '/tmp/proj/app.ts';

async function instrument(text: string, file: string, routes: Route[], aspects: Aspect[] = ['counter', 'histogram', 'span'], opts = OPTS) {
  const plan = await planInstrumentFile(text, file, routes, [...aspects], opts);
  return { plan, out: applyEdits(text, plan.edits) };
}

describe('planner: Python', () => {
  const src = [
    'from fastapi import FastAPI',
    '',
    'app = FastAPI()',
    '',
    '',
    '@app.get("/a/{x}")',
    '@some.other_decorator(1)',
    'async def a(x: int):',
    '  span = x',
    '  return {"x": span}',
    '',
  ].join('\n');

  it('keeps a 2-space indentation, leaves decorator stacks alone, avoids clobbering a local named span', async () => {
    const { plan, out } = await instrument(src, F, [route('fastapi', ['GET'], '/a/{x}', src, F)]);
    assert.equal(plan.refused, undefined);
    assert.match(
      out,
      /\n@app\.get\("\/a\/\{x\}"\)\n@some\.other_decorator\(1\)\nasync def a\(x: int\):\n  _telemetry_start = time\.perf_counter\(\)\n/,
    );
    assert.match(
      out,
      /\n  with tracer\.start_as_current_span\("GET \/a\/\{x\}"\) as otel_span:\n    otel_span\.set_attribute\("http\.route", "\/a\/\{x\}"\)\n/,
    );
    assert.match(out, /\n      span = x\n      return \{"x": span\}\n    except Exception as e:\n/);
    assert.doesNotMatch(out, /\t/);
  });

  it('inline spans record the route parameters except those that may carry a credential', async () => {
    const py = [
      'from fastapi import FastAPI',
      'app = FastAPI()',
      '',
      '',
      '@app.get("/invites/{id}/{token}")',
      'def accept(id: int, token: str):',
      '    return {}',
      '',
    ].join('\n');
    const { out } = await instrument(py, F, [route('fastapi', ['GET'], '/invites/{id}/{token}', py, F)]);
    assert.match(out, /set_attribute\("http\.route\.param\.id", str\(id\)\)/);
    assert.doesNotMatch(out, /http\.route\.param\.token/);
    const js = [
      "import express from 'express';",
      'const app = express();',
      "app.get('/reset/:userId/:resetToken', (req, res) => {",
      "  res.send('ok');",
      '});',
      '',
    ].join('\n');
    const { out: jsOut } = await instrument(js, T, [route('express', ['GET'], '/reset/:userId/:resetToken', js, T)]);
    assert.match(jsOut, /http\.route\.param\.userId/);
    assert.doesNotMatch(jsOut, /http\.route\.param\.resetToken/);
  });

  it('honours the options: prefix, labels, buckets, tracer name, span name template', async () => {
    const opts = {
      metricPrefix: 'shop_',
      labels: ['method', 'route'],
      buckets: [0.1, 1],
      tracerName: 'shop',
      spanNameTemplate: 'handle {route} ({method})',
      style: 'inline' as const,
    };
    const { out } = await instrument(src, F, [route('fastapi', ['GET'], '/a/{x}', src, F)], ['counter', 'histogram', 'span'], opts);
    assert.match(
      out,
      /\ntry:\n  HTTP_REQUESTS_TOTAL = Counter\(\n    "shop_http_requests_total",\n    "[^"]*",\n    \["method", "route"\],\n  \)\nexcept ValueError:[^\n]*\n  HTTP_REQUESTS_TOTAL = REGISTRY\._names_to_collectors\["shop_http_requests_total"\]\n/,
    );
    assert.match(out, /buckets=\(0\.1, 1\.0\),/);
    assert.match(out, /trace\.get_tracer\("shop"\)/);
    assert.match(out, /start_as_current_span\("handle \/a\/\{x\} \(GET\)"\)/);
    assert.match(out, /HTTP_REQUESTS_TOTAL\.labels\(method="GET", route="\/a\/\{x\}"\)\.inc\(\)/);
    // no status label → no status bookkeeping
    assert.doesNotMatch(out, /_telemetry_status|_telemetry_result/);
  });

  it('merges imports with existing ones and reuses an existing counter and tracer', async () => {
    const text = [
      '"""Doc."""',
      'import time',
      'from prometheus_client import (',
      '    Counter,',
      ')',
      'from opentelemetry import trace',
      'from flask import Flask',
      '',
      'REQS = Counter("myapp_http_requests_total", "Requests.", ["method", "route", "status"])',
      'my_tracer = trace.get_tracer("custom")',
      'app = Flask(__name__)',
      '',
      '@app.route("/p")',
      'def p():',
      '    return "x"',
      '',
    ].join('\n');
    const { plan, out } = await instrument(text, F, [route('flask', ['GET'], '/p', text, F)]);
    assert.equal(plan.refused, undefined);
    assert.equal(out.match(/^import time$/gm)?.length, 1);
    assert.match(
      out,
      /from prometheus_client import \(\n {4}Counter,\n {4}Histogram,\n {4}REGISTRY,\n\)/,
      'one name per line, as the list is written',
    );
    assert.equal(out.match(/= Counter\(/g)?.length, 1, 'the existing counter is reused');
    assert.match(out, /REQS\.labels\(method="GET", route="\/p", status=_telemetry_code\)\.inc\(\)/);
    assert.match(out, /with my_tracer\.start_as_current_span\("GET \/p"\) as span:/);
    assert.doesNotMatch(out, /trace\.get_tracer\("telemetry-lens"\)/);
    assert.match(out, /^from opentelemetry\.trace import Status, StatusCode$/m);
    const again = await planInstrumentFile(out, F, [route('flask', ['GET'], '/p', out, F)], ['counter', 'histogram', 'span'], OPTS);
    assert.deepEqual(again.edits, []);
  });

  it('preserves CRLF line endings', async () => {
    const crlf = src.replace(/\n/g, '\r\n');
    const { plan, out } = await instrument(crlf, F, [route('fastapi', ['GET'], '/a/{x}', crlf, F)]);
    assert.equal(plan.refused, undefined);
    assert.doesNotMatch(out, /[^\r]\n/);
  });

  it('refuses a handler with syntax errors, with a clear reason', async () => {
    const bad = src.replace('  return {"x": span}', '  return {"x": span');
    const plan = await planInstrumentRoute(bad, F, route('fastapi', ['GET'], '/a/{x}', bad, F), ['counter'], OPTS);
    assert.deepEqual(plan.edits, []);
    assert.match(plan.refused ?? '', /GET \/a\/\{x\}: the handler a has syntax errors; fix them first/);
  });

  it('refuses partial re-instrumentation and reports what is present', async () => {
    const { out } = await instrument(src, F, [route('fastapi', ['GET'], '/a/{x}', src, F)], ['counter']);
    const plan = await planInstrumentRoute(out, F, route('fastapi', ['GET'], '/a/{x}', out, F), ['counter', 'span'], OPTS);
    assert.deepEqual(plan.edits, []);
    assert.deepEqual(plan.alreadyInstrumented, ['counter']);
    assert.match(plan.refused ?? '', /already partially instrumented \(counter\); remove that instrumentation to add span/);
    const same = await planInstrumentRoute(out, F, route('fastapi', ['GET'], '/a/{x}', out, F), ['counter'], OPTS);
    assert.deepEqual(same.edits, []);
    assert.equal(same.refused, undefined);
  });

  it('refuses unknown labels, missing handlers, one-line bodies, foreign handler files, unsupported files', async () => {
    const r = route('fastapi', ['GET'], '/a/{x}', src, F);
    assert.match(
      (await planInstrumentRoute(src, F, r, ['counter'], { ...OPTS, labels: ['user_id'] })).refused ?? '',
      /unsupported metric label "user_id"/,
    );
    assert.match(
      (await planInstrumentRoute(src, F, { ...r, handlerLine: 1 }, ['counter'], OPTS)).refused ?? '',
      /handler function not found/,
    );
    const oneLine = 'from fastapi import FastAPI\napp = FastAPI()\n@app.get("/o")\ndef o(): return 1\n';
    assert.match(
      (await planInstrumentRoute(oneLine, F, route('fastapi', ['GET'], '/o', oneLine, F), ['span'], OPTS)).refused ?? '',
      /own lines/,
    );
    // the other file as the user finds it: relative to this file's folder, or to the workspace holding both
    const foreign = { ...r, handlerFile: '/elsewhere/x.py' };
    assert.match(
      (await planInstrumentRoute(src, F, foreign, ['span'], OPTS)).refused ?? '',
      /its handler is in (\.\.\/)+elsewhere\/x\.py;/,
    );
    assert.match(
      (await planInstrumentRoute(src, F, foreign, ['span'], { ...OPTS, workspaceRoot: '/' })).refused ?? '',
      /its handler is in elsewhere\/x\.py;/,
    );
    assert.match((await planInstrumentRoute(src, '/tmp/a.rb', r, ['span'], OPTS)).refused ?? '', /unsupported file type/);
    assert.match((await planInstrumentRoute(src, F, r, [], OPTS)).refused ?? '', /no aspect/);
  });
});

describe('planner: a file starting with a UTF-8 byte order mark', () => {
  it('keeps the mark first: imports go after it, in both styles and for the app set-up', async () => {
    const text = '\uFEFFfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/x")\ndef x():\n    return 1\n';
    for (const style of ['inline', 'wrapper'] as const) {
      const { plan, out } = await instrument(text, F, [route('fastapi', ['GET'], '/x', text, F)], undefined, { ...OPTS, style });
      assert.equal(plan.refused, undefined, plan.refused);
      assert.equal(out.indexOf('\uFEFF'), 0, style);
      assert.equal(out.lastIndexOf('\uFEFF'), 0, style);
      assert.notEqual(out, text);
    }
    const setup = await planAppSetup(text, F, 'metrics-endpoint', OPTS);
    const out = applyEdits(text, setup.plan.edits);
    assert.equal(out.lastIndexOf('\uFEFF'), 0);
    assert.match(out, /^\uFEFF(?:from|import) /);
  });
});

describe('planner: TypeScript / JavaScript', () => {
  it('adds the response parameter a zero-parameter inline handler needs for the status label', async () => {
    const text = "import Fastify from 'fastify';\nconst app = Fastify();\napp.get('/z', async () => ({ ok: true }));\n";
    const { plan, out } = await instrument(text, T, [route('fastify', ['GET'], '/z', text, T)]);
    assert.equal(plan.refused, undefined);
    assert.match(
      out,
      /app\.get\('\/z', async \(_request, reply\) => \{\n {2}return tracer\.startActiveSpan\('GET \/z', async \(span\) => \{/,
    );
    assert.match(out, /return \(\{ ok: true \}\);\n/);
    assert.match(out, /String\(telemetryErrorCode \|\| reply\.statusCode\)/);
  });

  it('refuses a handler that is built by a call (middleware factory) or is not a function here, and says which', async () => {
    const text =
      "import express from 'express';\nimport passport from 'passport';\nconst app = express();\nconst h = 1;\napp.get('/auth/x', passport.authenticate('x', {\n  session: false,\n}));\napp.get('/y', h);\n";
    const { plan } = await instrument(text, T, [route('express', ['GET'], '/auth/x', text, T), route('express', ['GET'], '/y', text, T)]);
    assert.match(
      plan.refused ?? '',
      /GET \/auth\/x: its handler `passport\.authenticate\('x', \{…` is built by a call \(a middleware factory\), not a function written here: nothing to wrap/,
    );
    assert.match(plan.refused ?? '', /GET \/y: its handler `h` is not a function defined in this file/);
  });

  it('names the handler of Fastify route options, a method bound to its object, not the options object', async () => {
    const text =
      "import Fastify from 'fastify';\nconst app = Fastify();\nconst ctrl = app.getService('ctrl');\napp.get('/v', {\n  schema: {},\n  handler: ctrl.get.bind(ctrl),\n});\n";
    const { plan } = await instrument(text, T, [route('fastify', ['GET'], '/v', text, T)]);
    assert.match(
      plan.refused ?? '',
      /GET \/v: its handler `ctrl\.get` is not a function defined in this file: instrument it where it is defined/,
    );
  });

  it('in a chain of registrations on one line, each refusal names its own handler', async () => {
    const text =
      "import express from 'express';\nimport * as ctrl from './ctrl';\nconst router = express.Router();\nrouter.get('/blogs', ctrl.list).delete('/blogs/:id', ctrl.remove);\n";
    const routes = [route('express', ['GET'], '/blogs', text, T), route('express', ['DELETE'], '/blogs/:id', text, T)];
    const { plan } = await instrument(text, T, routes);
    assert.match(plan.refused ?? '', /GET \/blogs: its handler `ctrl\.list` is not a function defined in this file/);
    assert.match(plan.refused ?? '', /DELETE \/blogs\/:id: its handler `ctrl\.remove` is not a function defined in this file/);
  });

  it('an inline middleware before a handler built by a call is not taken for the handler', async () => {
    const text =
      "import express from 'express';\nimport swaggerUi from 'swagger-ui-express';\nconst app = express();\napp.get(\n  '/docs',\n  (_req, _res, next) => {\n    next();\n  },\n  swaggerUi.setup(spec),\n);\n";
    const r = route('express', ['GET'], '/docs', text, T, { handlerAt: 'swaggerUi.setup' });
    const { plan, out } = await instrument(text, T, [{ ...r, line: 4 }]);
    assert.match(plan.refused ?? '', /GET \/docs: its handler `swaggerUi\.setup\(spec\)` is built by a call \(a middleware factory\)/);
    assert.equal(out, text);
  });

  it('a typed handler registered through an adaptor call: the refusal says the adaptor may not pass (req, res) on', async () => {
    const text =
      "import { Router, Request } from 'express';\nimport adaptor from './adaptor';\nconst router = Router();\nconst createArea = async (req: Request) => ({ ok: true });\nrouter.post('/', adaptor(createArea));\n";
    const r = route('express', ['POST'], '/', text, T, { handlerAt: 'const createArea', lineAt: 'router.post' });
    const { plan, out } = await instrument(text, T, [r]);
    assert.match(
      plan.refused ?? '',
      /POST \/: the handler does not declare its res parameter; add it to instrument the handler, if `adaptor\(createArea\)` passes the request and response on; else the wrapper style observes it at its registration/,
    );
    assert.equal(out, text);
  });

  it('adds to a multi-line import list one name per line, to a one-line list on the same line', async () => {
    const text =
      "import {\n  Controller,\n  Get,\n} from '@nestjs/common';\nimport { trace } from '@opentelemetry/api';\n\n@Controller('c')\nexport class C {\n  @Get('x')\n  x() {\n    return 1;\n  }\n}\n";
    const { plan, out } = await instrument(text, T, [route('nestjs', ['GET'], 'x', text, T, { fullPath: '/c/x' })]);
    assert.equal(plan.refused, undefined, plan.refused);
    assert.match(out, /^import \{\n {2}Controller,\n {2}Get,\n {2}HttpException,\n\} from '@nestjs\/common';$/m);
    assert.match(out, /^import \{ trace, SpanStatusCode \} from '@opentelemetry\/api';$/m);
  });

  it('refuses every registration of a handler shared by several routes: one static label would miscount', async () => {
    const text =
      "import express from 'express';\nconst app = express();\nfunction h(_req: express.Request, res: express.Response) {\n  res.send('x');\n}\nfunction k(_req: express.Request, res: express.Response) {\n  res.send('k');\n}\napp.get('/a', h);\napp.get('/b', h);\napp.get('/k', k);\n";
    const routes = [
      route('express', ['GET'], '/a', text, T, { handlerAt: 'function h' }),
      route('express', ['GET'], '/b', text, T, { handlerAt: 'function h' }),
      route('express', ['GET'], '/k', text, T, { handlerAt: 'function k' }),
    ];
    const { plan, out } = await instrument(text, T, routes);
    assert.equal(plan.refused, undefined);
    for (const p of ['/a', '/b'])
      assert.match(
        plan.summary,
        new RegExp(
          `GET \\${p}: its handler is shared by 2 routes: one static label would miscount; the wrapper style labels each registration`,
        ),
      );
    assert.equal(out.match(/startActiveSpan/g)?.length, 1, 'only the unshared handler');
    assert.match(out, /route: '\/k'/);
    assert.doesNotMatch(out, /route: '\/[ab]'/);
    // one route asked for (the lens on /b), the file's other routes given: still refused
    const one = await planInstrumentRoute(text, T, routes[1]!, ['counter', 'histogram', 'span'], OPTS, routes);
    assert.match(one.refused ?? '', /GET \/b: its handler is shared by 2 routes/);
    assert.equal(one.edits.length, 0);
  });

  it('uses double quotes and no semicolons when the file does, and a namespace import when present', async () => {
    const text =
      'import express from "express"\nimport * as prom from "prom-client"\nconst app = express()\napp.get("/q", (req, res) => {\n  res.send("q")\n})\n';
    const { plan, out } = await instrument(text, T, [route('express', ['GET'], '/q', text, T)], ['counter']);
    assert.equal(plan.refused, undefined);
    assert.match(
      out,
      /\(telemetryRegisteredMetric\("http_requests_total", \["method", "route", "status"\]\) as prom\.Counter<string> \| undefined\) \?\? new prom\.Counter\(\{/,
    );
    // the lookup sharing our own metric and refusing another library's: the namespace's register, the file's style
    assert.match(out, /\n  const m = prom\.register\.getSingleMetric\(name\) as \{ labelNames\?: string\[\] \} \| undefined\n/);
    assert.match(out, /\n  throw new Error\(`\$\{name\} is registered already with the labels \[\$\{has\.join\(", "\)\}\]/);
    assert.doesNotMatch(out, /from "prom-client";|import \{ Counter/);
    assert.match(out, /httpRequestsTotal\.inc\(\{ method: "GET", route: "\/q", status: telemetryStatus \}\)\n/);
  });

  it('refuses a destructured response parameter with a clear reason', async () => {
    const text =
      "import Koa from 'koa';\nimport Router from '@koa/router';\nconst router = new Router();\nrouter.get('/d', async ({ response }) => {\n  response.body = 1;\n});\n";
    const plan = await planInstrumentRoute(text, T, route('koa', ['GET'], '/d', text, T), ['counter'], OPTS);
    assert.match(plan.refused ?? '', /parameter 1 of the handler is destructured; name it \(e\.g\. ctx\)/);
  });

  it('refuses a handler with syntax errors', async () => {
    const text = "import express from 'express';\nconst app = express();\napp.get('/e', (req, res) => {\n  res.send(;\n});\n";
    const plan = await planInstrumentRoute(text, T, route('express', ['GET'], '/e', text, T), ['span'], OPTS);
    assert.match(plan.refused ?? '', /syntax errors/);
  });
});

describe('validateResult / applyEdits', () => {
  it('reports new syntax errors only', async () => {
    assert.equal(await validateResult('x = 1\n', 'x = 2\n', F), undefined);
    assert.match((await validateResult('x = 1\n', 'x = (\n', F)) ?? '', /would not parse \(syntax error near line 1/);
    assert.equal(await validateResult('x = (\n', 'x = (\ny = 2\n', F), undefined);
    assert.match((await validateResult('const a = 1;', 'const a = {;', T)) ?? '', /would not parse/);
  });

  it('applies sorted edits and rejects overlaps', () => {
    assert.equal(
      applyEdits('abcdef', [
        { start: 4, end: 5, newText: 'E' },
        { start: 0, end: 0, newText: '>' },
      ]),
      '>abcdEf',
    );
    assert.throws(
      () =>
        applyEdits('abc', [
          { start: 0, end: 2, newText: '' },
          { start: 1, end: 1, newText: 'x' },
        ]),
      /overlapping/,
    );
  });
});

describe('planner: name clashes and offsets', () => {
  it('uses an aliased perf_counter when `time` is not the time module (from datetime import time)', async () => {
    const text =
      'from datetime import time\nfrom flask import Flask\napp = Flask(__name__)\n\n@app.route("/t")\ndef t():\n    return str(time(1, 2))\n';
    const r = route('flask', ['GET'], '/t', text, F);
    const { plan, out } = await instrument(text, F, [r], ['histogram']);
    assert.equal(plan.refused, undefined);
    assert.match(out, /^from time import perf_counter as _telemetry_perf_counter$/m);
    assert.match(out, /_telemetry_start = _telemetry_perf_counter\(\)/);
    assert.doesNotMatch(out, /^import time$/m);
  });

  it('computes offsets in UTF-16 code units (non-ASCII text before and inside the handler)', async () => {
    const text =
      'from fastapi import FastAPI\n\napp = FastAPI()\nG = "héllo 😀"\n\n@app.get("/x")\nasync def x():\n    return {"g": G + "😀é"}\n';
    const { plan, out } = await instrument(text, F, [route('fastapi', ['GET'], '/x', text, F)]);
    assert.equal(plan.refused, undefined);
    assert.match(out, /\n {12}return \{"g": G \+ "😀é"\}\n {8}except Exception as e:\n/);
    assert.match(out, /\nG = "héllo 😀"\n/);
  });
});

describe('planner: FastAPI request/response parameters', () => {
  it('labels multi-method routes with request.method and honours an injected Response status', async () => {
    const text = [
      'from fastapi import FastAPI, Request, Response',
      'app = FastAPI()',
      '',
      '@app.api_route("/m", methods=["GET", "POST"], status_code=202)',
      'async def m(req: Request, response: Response):',
      '    response.status_code = 201',
      '    return {"m": req.method}',
      '',
    ].join('\n');
    const { plan, out } = await instrument(text, F, [route('fastapi', ['GET', 'POST'], '/m', text, F)], ['counter']);
    assert.equal(plan.refused, undefined);
    assert.match(out, /_telemetry_code = _telemetry_status\(_telemetry_result, _telemetry_error, response\.status_code or 202\)/);
    assert.match(out, /HTTP_REQUESTS_TOTAL\.labels\(method=req\.method, route="\/m", status=_telemetry_code\)\.inc\(\)/);
  });
});

describe('planner: settings', () => {
  const text = "import express from 'express';\nconst app = express();\napp.get('/s', (req, res) => {\n  res.send('s');\n});\n";
  const r = () => route('express', ['GET'], '/s', text, T);

  it('falls back to defaults for missing settings and sorts buckets', async () => {
    const plan = await planInstrumentRoute(text, T, r(), ['histogram'], {
      buckets: [1, 0.1],
      style: 'inline',
    } as unknown as InstrumentOptions);
    const out = applyEdits(text, plan.edits);
    assert.match(
      out,
      /name: 'http_request_duration_seconds',\n {2}help: '[^']*',\n {2}labelNames: \['method', 'route', 'status'\],\n {2}buckets: \[0\.1, 1\],/,
    );
  });

  it('works without labels and refuses an invalid prefix', async () => {
    const plan = await planInstrumentRoute(text, T, r(), ['counter'], { ...OPTS, labels: [] });
    assert.match(applyEdits(text, plan.edits), /\n {4}httpRequestsTotal\.inc\(\);\n/);
    assert.doesNotMatch(applyEdits(text, plan.edits), /telemetryStatus/);
    const bad = await planInstrumentRoute(text, T, r(), ['counter'], { ...OPTS, metricPrefix: '9-x' });
    assert.match(bad.refused ?? '', /invalid metric prefix "9-x"/);
  });
});
