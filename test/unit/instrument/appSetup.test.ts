/** App-level setup: finding app objects, /metrics endpoints, tracing setup files; idempotent, options honoured. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits, findApps, planAppSetup } from '../../../src/core/instrument/planner';
import { OPTS, readFixture } from '../../support/instrument/helpers';
import { tempDir } from '../../support/tempTree';

async function setup(text: string, file: string, kind: 'metrics-endpoint' | 'tracing', opts = {}) {
  const r = await planAppSetup(text, file, kind, { ...OPTS, ...opts });
  assert.equal(r.plan.refused, undefined, r.plan.refused);
  const out = applyEdits(text, r.plan.edits);
  const again = await planAppSetup(out, file, kind, { ...OPTS, ...opts });
  assert.deepEqual(again.plan.edits, [], 'idempotent');
  assert.equal(again.plan.refused, undefined);
  assert.deepEqual(again.newFiles, []);
  return { out, newFiles: r.newFiles, summary: r.plan.summary };
}

describe('findApps', () => {
  it('finds app objects of every framework with their line', async () => {
    const cases: [string, string, { name: string; framework: string; line: number }[]][] = [
      ['fastapi/app.py', '/p/app.py', [{ name: 'app', framework: 'fastapi', line: 8 }]],
      ['flask/app.py', '/p/app.py', [{ name: 'app', framework: 'flask', line: 3 }]],
      ['express/app.ts', '/p/app.ts', [{ name: 'app', framework: 'express', line: 3 }]],
      ['express-cjs/app.js', '/p/app.js', [{ name: 'app', framework: 'express', line: 4 }]],
      ['fastify/app.ts', '/p/app.ts', [{ name: 'app', framework: 'fastify', line: 3 }]],
      ['koa/app.ts', '/p/app.ts', [{ name: 'app', framework: 'koa', line: 4 }]],
      ['hono/app.ts', '/p/app.ts', [{ name: 'app', framework: 'hono', line: 3 }]],
      ['nestjs/main.ts', '/p/main.ts', [{ name: 'app', framework: 'nestjs', line: 10 }]],
      ['nestjs/users.controller.ts', '/p/c.ts', []],
    ];
    for (const [rel, file, want] of cases) {
      const apps = await findApps(readFixture(rel).text, file);
      assert.deepEqual(
        apps.map(({ name, framework, line }) => ({ name, framework, line })),
        want,
        rel,
      );
    }
  });

  it('does not mistake routers for apps', async () => {
    const text = "import express from 'express';\nconst router = express.Router();\nmodule.exports = router;\n";
    assert.deepEqual(await findApps(text, '/p/r.js'), []);
  });
});

describe('planAppSetup: Python', () => {
  it('FastAPI: plain prometheus_client mount by default, Instrumentator as an option', async () => {
    const { text } = readFixture('fastapi/app.py');
    const plain = await setup(text, '/p/svc/app.py', 'metrics-endpoint');
    assert.match(plain.out, /\nfrom prometheus_client import make_asgi_app\nimport os\n/);
    assert.match(
      plain.out,
      /\napp = FastAPI\(title="users"\)\n# Prometheus scrape endpoint[^\n]*\napp\.mount\("\/metrics", make_asgi_app\(\)\)\n/,
    );
    const inst = await setup(text, '/p/svc/app.py', 'metrics-endpoint', { fastapiMetrics: 'instrumentator' });
    assert.match(inst.out, /from prometheus_fastapi_instrumentator import Instrumentator/);
    assert.match(inst.out, /\nInstrumentator\(\)\.instrument\(app\)\.expose\(app\)\n/);
  });

  it('Flask: a /metrics view by default (tab-indented like the file), DispatcherMiddleware as an option', async () => {
    const { text } = readFixture('flask/app.py');
    const view = await setup(text, '/p/svc/app.py', 'metrics-endpoint');
    assert.match(view.out, /^from prometheus_client import CONTENT_TYPE_LATEST, generate_latest$/m);
    assert.match(
      view.out,
      /\n@app\.route\("\/metrics"\)\ndef prometheus_metrics\(\):\n\treturn generate_latest\(\), 200, \{"Content-Type": CONTENT_TYPE_LATEST\}\n/,
    );
    const disp = await setup(text, '/p/svc/app.py', 'metrics-endpoint', { flaskMetrics: 'dispatcher' });
    assert.match(disp.out, /^from werkzeug\.middleware\.dispatcher import DispatcherMiddleware$/m);
    assert.match(disp.out, /^app\.wsgi_app = DispatcherMiddleware\(app\.wsgi_app, \{"\/metrics": make_wsgi_app\(\)\}\)$/m);
  });

  it('tracing: telemetry.py next to the app with the OTLP exporter, resource and instrumentor; call after the app', async () => {
    const { text } = readFixture('flask/app.py');
    const r = await setup(text, '/p/svc/app.py', 'tracing', { serviceName: 'items' });
    assert.match(r.out, /^from telemetry import setup_telemetry$/m);
    assert.match(r.out, /\napp = Flask\(__name__\)\nsetup_telemetry\(app, "items"\)\n/);
    assert.equal(r.newFiles.length, 1);
    assert.equal(r.newFiles[0]!.path, '/p/svc/telemetry.py');
    const c = r.newFiles[0]!.content;
    for (const s of [
      'TracerProvider(resource=resource)',
      'BatchSpanProcessor(OTLPSpanExporter())',
      'FlaskInstrumentor().instrument_app(app)',
      'SERVICE_NAME',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
    ]) {
      assert.ok(c.includes(s), s);
    }
    const rel = await setup('from .models import User\nfrom fastapi import FastAPI\n\napp = FastAPI()\n', '/p/pkg/main.py', 'tracing');
    assert.match(rel.out, /^from \.telemetry import setup_telemetry$/m);
    assert.match(rel.newFiles[0]!.content, /FastAPIInstrumentor\.instrument_app\(app\)/);
    assert.match(rel.out, /setup_telemetry\(app, "pkg"\)/);
  });

  it('refuses a file without an app object', async () => {
    const r = await planAppSetup('from fastapi import APIRouter\nrouter = APIRouter()\n', '/p/r.py', 'metrics-endpoint', OPTS);
    assert.match(r.plan.refused ?? '', /no FastAPI\(\) or Flask\(\.\.\.\) app object/);
  });
});

describe('planAppSetup: Node', () => {
  it('Express: /metrics route serving register.metrics() with register.contentType, merged import', async () => {
    const text = "import express from 'express';\nimport { Counter } from 'prom-client';\n\nconst app = express();\n";
    const r = await setup(text, '/p/app.ts', 'metrics-endpoint');
    assert.match(r.out, /^import \{ Counter, register \} from 'prom-client';$/m);
    assert.match(
      r.out,
      /app\.get\('\/metrics', async \(_req, res\) => \{\n {2}res\.set\('Content-Type', register\.contentType\);\n {2}res\.end\(await register\.metrics\(\)\);\n\}\);/,
    );
  });

  it('tracing: CommonJS require first, tracing.js with NodeSDK + OTLP exporter + service name', async () => {
    const { text } = readFixture('express-cjs/app.js');
    const r = await setup(text, '/p/api/app.js', 'tracing');
    assert.match(r.out, /^'use strict';\nrequire\('\.\/tracing'\); \/\/ OpenTelemetry first/);
    assert.equal(r.newFiles[0]!.path, '/p/api/tracing.js');
    const c = r.newFiles[0]!.content;
    assert.match(c, /const \{ NodeSDK \} = require\('@opentelemetry\/sdk-node'\);/);
    assert.match(c, /traceExporter: new OTLPTraceExporter\(\)/);
    assert.match(c, /\[ATTR_SERVICE_NAME\]: process\.env\.OTEL_SERVICE_NAME \?\? 'api'/);
    assert.match(c, /new ExpressInstrumentation\(\)/);
  });

  it('tracing: an ES module with no relative import of its own imports ./tracing.js where its project needs it', async () => {
    const text = "import Fastify from 'fastify';\n\nconst app = Fastify();\nawait app.listen({ port: 3000 });\n";
    const root = tempDir('tl-tracing-');
    const write = (rel: string, body: string) => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), body);
    };
    write('package.json', '{ "type": "module" }');
    write('tsconfig.json', '{ "compilerOptions": { "module": "NodeNext", "outDir": "build" }, "include": ["src"] }');
    const ts = await setup(text, path.join(root, 'src', 'server.ts'), 'tracing');
    assert.match(ts.out, /^import '\.\/tracing\.js'; \/\/ OpenTelemetry first/, 'TS2835 under NodeNext without the extension');
    assert.equal(ts.newFiles[0]!.path, path.join(root, 'src', 'tracing.ts'));
    const js = await setup(text, path.join(root, 'server.js'), 'tracing');
    assert.match(js.out, /^import '\.\/tracing\.js';/, 'Node cannot load an extensionless ES module import');
    write('other/package.json', '{}');
    const cjs = await setup(text, path.join(root, 'other', 'server.ts'), 'tracing');
    assert.match(cjs.out, /^import '\.\/tracing';/, 'CommonJS project: as before');
    // TypeScript run by Node itself (`node src/server.ts`): its own imports name .ts files, and so does this one
    const own = `import { routes } from './routes.ts';\n${text}`;
    const stripped = await setup(own, path.join(root, 'src', 'server.ts'), 'tracing');
    assert.match(stripped.out, /^import '\.\/tracing\.ts';/, 'ERR_MODULE_NOT_FOUND for ./tracing or ./tracing.js');
  });

  it('tracing: ESM import first in TypeScript; NestJS metrics on the HTTP adapter', async () => {
    const { text } = readFixture('nestjs/main.ts');
    const t = await setup(text, '/p/src/main.ts', 'tracing');
    assert.match(t.out, /^import '\.\/tracing'; \/\/ OpenTelemetry first[^\n]*\nimport 'reflect-metadata';/);
    assert.equal(t.newFiles[0]!.path, '/p/src/tracing.ts');
    const m = await setup(text, '/p/src/main.ts', 'metrics-endpoint');
    assert.match(
      m.out,
      /const app = await NestFactory\.create\(AppModule\);\n {2}\/\/ Prometheus scrape endpoint[^\n]*\n {2}app\.getHttpAdapter\(\)\.get\('\/metrics'/,
    );
  });
});
