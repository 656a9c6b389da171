/**
 * The Prometheus scrape endpoint reached through a project helper one call away is left alone like one serving the
 * exposition itself; a private registry it serves gets the helper's metrics (JS, exported) or is said in the summary.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits, DEFAULT_OPTIONS, planInstrumentFile } from '../../../src/core/instrument/planner';
import type { Aspect } from '../../../src/core/instrument/types';
import { detectRoutes } from '../../../src/core/routes/detector';
import { asWritten } from '../../../src/core/routes/route';
import { tempTree } from '../../support/tempTree';

const ALL: Aspect[] = ['counter', 'histogram', 'span'];
const OPTS = { ...DEFAULT_OPTIONS };

/** Plans every route of `rel` in the tree (in both styles when asked), the other files read from disk as the planner does. */
async function planIn(files: Record<string, string>, rel: string, style: 'wrapper' | 'inline' = 'wrapper') {
  const root = tempTree(files);
  const file = path.join(root, rel);
  const text = files[rel]!;
  const routes = (await detectRoutes([{ path: file, text }])).map(asWritten).filter((r) => r.file === file);
  const plan = await planInstrumentFile(text, file, routes, ALL, { ...OPTS, style, workspaceRoot: root });
  return { root, file, text, plan, out: applyEdits(text, plan.edits) };
}

const LEFT_ALONE = (p: string) => new RegExp(`left alone: GET ${p}: serves the Prometheus metrics; observing it would count every scrape`);

describe('Instrument Route leaves alone a scrape endpoint served through a project helper one call away', () => {
  const cases: [string, Record<string, string>, string, string][] = [
    [
      'a Python function imported from the package (`from app.metrics import metrics_response`)',
      {
        'app/__init__.py': '',
        'app/metrics.py':
          'from prometheus_client import CONTENT_TYPE_LATEST, generate_latest\n\n\ndef metrics_response():\n    return generate_latest(), 200, {"Content-Type": CONTENT_TYPE_LATEST}\n',
        'app/views.py':
          'from flask import Flask\nfrom app.metrics import metrics_response\n\napp = Flask(__name__)\n\n\n@app.route("/internal/prom")\ndef prom():\n    return metrics_response()\n\n\n@app.route("/users")\ndef users():\n    return "x"\n',
      },
      'app/views.py',
      '/internal/prom',
    ],
    [
      'a Python relative import with an alias (`from .telemetry import render as render_metrics`)',
      {
        'svc/telemetry.py':
          'from fastapi import Response\nfrom prometheus_client import generate_latest\n\n\ndef render():\n    return Response(generate_latest(), media_type="text/plain")\n',
        'svc/main.py':
          'from fastapi import FastAPI\nfrom .telemetry import render as render_metrics\n\napp = FastAPI()\n\n\n@app.get("/stats")\ndef stats():\n    return render_metrics()\n\n\n@app.get("/users")\ndef users():\n    return []\n',
      },
      'svc/main.py',
      '/stats',
    ],
    [
      "a JS function imported from a relative module (`import { getMetrics } from '../metrics'`)",
      {
        'src/metrics.ts':
          "import { register } from 'prom-client';\n\nexport async function getMetrics(): Promise<string> {\n  return register.metrics();\n}\n",
        'src/routes/app.ts':
          "import express from 'express';\nimport { getMetrics } from '../metrics';\n\nconst app = express();\napp.get('/prom', async (_req, res) => {\n  res.send(await getMetrics());\n});\napp.get('/users', (_req, res) => res.send('x'));\n",
      },
      'src/routes/app.ts',
      '/prom',
    ],
    [
      'a Python view calling a method of its own class (`self.exposition()`)',
      {
        'api.py':
          'from flask import Flask\nfrom flask.views import MethodView\nfrom prometheus_client import generate_latest\n\napp = Flask(__name__)\n\n\nclass Scrape(MethodView):\n    def exposition(self):\n        return generate_latest()\n\n    def get(self):\n        return self.exposition()\n\n\napp.add_url_rule("/prom", view_func=Scrape.as_view("prom"))\n\n\n@app.route("/users")\ndef users():\n    return "x"\n',
      },
      'api.py',
      '/prom',
    ],
    [
      'a NestJS controller calling its injected service (`this.prometheusService.getMetrics()`)',
      {
        'src/prometheus.service.ts':
          "import { Injectable } from '@nestjs/common';\nimport { Registry } from 'prom-client';\n\n@Injectable()\nexport class PrometheusService {\n  private readonly registry = new Registry();\n\n  getMetrics(): Promise<string> {\n    return this.registry.metrics();\n  }\n}\n",
        'src/stats.controller.ts':
          "import { Controller, Get } from '@nestjs/common';\nimport { PrometheusService } from './prometheus.service';\n\n@Controller('stats')\nexport class StatsController {\n  constructor(private readonly prometheusService: PrometheusService) {}\n\n  @Get('prom')\n  prom(): Promise<string> {\n    return this.prometheusService.getMetrics();\n  }\n\n  @Get('users')\n  users(): string {\n    return 'x';\n  }\n}\n",
      },
      'src/stats.controller.ts',
      '/stats/prom',
    ],
  ];
  for (const [name, files, rel, scrape] of cases) {
    it(name, async () => {
      for (const style of ['wrapper', 'inline'] as const) {
        const { plan, out } = await planIn(files, rel, style);
        assert.match(plan.summary, LEFT_ALONE(scrape), `${style}: ${plan.summary}`);
        assert.match(plan.summary, /^instrument 1 handler/, `${style}: ${plan.summary}`);
        assert.equal(out.split(scrape).length, files[rel]!.split(scrape).length, `${style}: the scrape route is not wrapped\n${out}`);
        if (rel.endsWith('controller.ts'))
          assert.match(
            plan.summary,
            /GET \/stats\/prom serves a private registry \(src\/prometheus\.service\.ts:6\) that .* metrics are not in: (declare it at module level, exported \(it is a class field\)|add it to their `registers`)/,
          );
      }
    });
  }

  it('a helper that serves no exposition does not make its route a scrape endpoint', async () => {
    const { plan } = await planIn(
      {
        'app/util.py': 'def listing():\n    return ["a"]\n',
        'app/views.py':
          'from flask import Flask\nfrom app.util import listing\n\napp = Flask(__name__)\n\n\n@app.route("/users")\ndef users():\n    return listing()\n',
      },
      'app/views.py',
    );
    assert.doesNotMatch(plan.summary, /left alone/);
    assert.match(plan.summary, /^instrument 1 handler/);
  });

  it('prometheus_client.exposition.make_asgi_app served on a route is left alone', async () => {
    const { plan } = await planIn(
      {
        'main.py':
          'from fastapi import FastAPI\nfrom prometheus_client import make_asgi_app\n\napp = FastAPI()\napp.add_api_route("/prom", make_asgi_app())\n\n\n@app.get("/users")\ndef users():\n    return []\n',
      },
      'main.py',
    );
    assert.match(plan.summary, LEFT_ALONE('/prom'));
    assert.match(plan.summary, /^instrument 1 handler one line each, new telemetry_routes\.py: GET \/users;/);
  });
});

describe('Instrument Route and the registry the scrape endpoint serves', () => {
  const registryTs =
    "import * as client from 'prom-client';\n\nexport const registry = new client.Registry();\nclient.collectDefaultMetrics({ register: registry });\n";
  const appTs = (scrape: string) =>
    `import express from 'express';\n${scrape}\nconst app = express();\napp.get('/metrics', async (_req, res) => {\n  res.set('Content-Type', registry.contentType);\n  res.end(await registry.metrics());\n});\napp.get('/users', (_req, res) => res.send('x'));\nexport default app;\n`;

  it("JS: a private registry exported from a module of its own gets the new helper module's counter and histogram", async () => {
    const { plan } = await planIn(
      { 'package.json': '{"name":"svc"}', 'src/metrics.ts': registryTs, 'src/app.ts': appTs("import { registry } from './metrics';") },
      'src/app.ts',
    );
    const helper = plan.newFiles?.[0]?.content ?? '';
    assert.match(helper, /^import \{ registry as servedRegistry \} from '\.\/metrics';$/m);
    assert.equal(helper.match(/^ {2}registers: \[servedRegistry\],$/gm)?.length, 2, helper);
    assert.match(helper, /servedRegistry\.getSingleMetric\(name\)/);
    // prom-client's default registry is no longer imported (an unused import fails strict builds)
    assert.match(helper, /^import \{ Counter, Histogram \} from 'prom-client';$/m);
    assert.doesNotMatch(plan.summary, /private registry/);
  });

  it('JS CommonJS: the registry is required by its exported name', async () => {
    const { plan } = await planIn(
      {
        'package.json': '{"name":"svc"}',
        'lib/metrics.js':
          "const client = require('prom-client');\nconst promRegistry = new client.Registry();\nmodule.exports = { promRegistry };\n",
        'lib/app.js':
          "const express = require('express');\nconst { promRegistry } = require('./metrics');\nconst app = express();\napp.get('/metrics', async (req, res) => res.end(await promRegistry.metrics()));\napp.get('/users', (req, res) => res.send('x'));\n",
      },
      'lib/app.js',
    );
    const helper = plan.newFiles?.[0]?.content ?? '';
    assert.match(helper, /^const \{ promRegistry: servedRegistry \} = require\('\.\/metrics'\);$/m, helper);
    assert.equal(helper.match(/registers: \[servedRegistry\]/g)?.length, 2);
  });

  it('JS: a private registry that is not exported is said in one sentence with file:line, the helper unchanged', async () => {
    const { plan } = await planIn(
      {
        'package.json': '{"name":"svc"}',
        'src/metrics.ts':
          "import { Registry } from 'prom-client';\n\nconst registry = new Registry();\n\nexport async function scrape(): Promise<string> {\n  return registry.metrics();\n}\n",
        'src/app.ts':
          "import express from 'express';\nimport { scrape } from './metrics';\n\nconst app = express();\napp.get('/metrics', async (_req, res) => res.end(await scrape()));\napp.get('/users', (_req, res) => res.send('x'));\n",
      },
      'src/app.ts',
    );
    assert.match(
      plan.summary,
      /GET \/metrics serves a private registry \(src\/metrics\.ts:3\) that the helper's metrics are not in: export it, or add it to the `registers` of telemetryRoutes\.ts's metrics/,
    );
    assert.doesNotMatch(plan.newFiles?.[0]?.content ?? '', /registers:/);
  });

  it('JS: a registry declared in the route file itself is said (the helper importing it would be a circular import)', async () => {
    const { plan } = await planIn(
      {
        'package.json': '{"name":"svc"}',
        'src/app.ts': appTs("import { Registry } from 'prom-client';\n\nexport const registry = new Registry();"),
      },
      'src/app.ts',
    );
    assert.match(
      plan.summary,
      /GET \/metrics serves a private registry \(src\/app\.ts:4\) that the helper's metrics are not in: declare it in a module of its own/,
    );
    assert.doesNotMatch(plan.newFiles?.[0]?.content ?? '', /registers:/);
  });

  it('JS: an existing helper module is never overwritten; the registry it lacks is said', async () => {
    const files = {
      'package.json': '{"name":"svc"}',
      'src/metrics.ts': registryTs,
      'src/app.ts': appTs("import { registry } from './metrics';"),
    };
    const first = await planIn(files, 'src/app.ts');
    const root = first.root;
    const old = '// an older helper\nexport function observeRoute(m: string, r: string, h: unknown) { return h; }\n';
    fs.writeFileSync(path.join(root, 'src/telemetryRoutes.ts'), old);
    const file = path.join(root, 'src/app.ts');
    const text = files['src/app.ts'];
    const routes = (await detectRoutes([{ path: file, text }])).map(asWritten);
    const plan = await planInstrumentFile(text, file, routes, ALL, { ...OPTS, workspaceRoot: root });
    assert.equal(plan.newFiles, undefined);
    assert.equal(fs.readFileSync(path.join(root, 'src/telemetryRoutes.ts'), 'utf8'), old);
    assert.match(
      plan.summary,
      /serves a private registry \(src\/metrics\.ts:3\) that the helper's metrics are not in: telemetryRoutes\.ts exists and is not overwritten/,
    );
  });

  it('Python: a private CollectorRegistry served by generate_latest(registry) is said in one sentence with file:line', async () => {
    const { plan } = await planIn(
      {
        'app.py':
          'from flask import Flask\nfrom prometheus_client import CollectorRegistry, generate_latest\n\napp = Flask(__name__)\nregistry = CollectorRegistry()\n\n\n@app.route("/metrics")\ndef metrics():\n    return generate_latest(registry)\n\n\n@app.route("/users")\ndef users():\n    return "x"\n',
      },
      'app.py',
    );
    assert.match(
      plan.summary,
      /GET \/metrics serves a private registry \(app\.py:5\) that the helper's metrics are not in: serve the default REGISTRY/,
    );
    assert.match(plan.summary, LEFT_ALONE('/metrics'));
  });

  it('Python: the multiprocess registry (collecting the default registry of every process) is not private', async () => {
    const { plan } = await planIn(
      {
        'app.py':
          'from flask import Flask\nfrom prometheus_client import CollectorRegistry, generate_latest, multiprocess\n\napp = Flask(__name__)\n\n\n@app.route("/metrics")\ndef metrics():\n    registry = CollectorRegistry()\n    multiprocess.MultiProcessCollector(registry)\n    return generate_latest(registry)\n\n\n@app.route("/users")\ndef users():\n    return "x"\n',
      },
      'app.py',
    );
    assert.doesNotMatch(plan.summary, /private registry/);
    assert.match(plan.summary, LEFT_ALONE('/metrics'));
  });
});

describe('a private registry served by another module of the service than the instrumented routes', () => {
  it('NestJS: a metrics service class serving its own Registry field; the plan says the helper metrics are not in it', async () => {
    const { plan } = await planIn(
      {
        'package.json': JSON.stringify({ dependencies: { '@nestjs/common': '^10', 'prom-client': '^15', '@opentelemetry/api': '^1' } }),
        'src/metrics/prometheus.service.ts': [
          "import { Injectable } from '@nestjs/common';",
          "import { Registry } from 'prom-client';",
          '@Injectable()',
          'export class PrometheusService {',
          '  private readonly registry = new Registry();',
          '  metricsText() {',
          '    return this.registry.metrics();',
          '  }',
          '}',
          '',
        ].join('\n'),
        'src/users/users.controller.ts': [
          "import { Controller, Get } from '@nestjs/common';",
          "@Controller('users')",
          'export class UsersController {',
          '  @Get()',
          '  list() {',
          '    return [];',
          '  }',
          '}',
          '',
        ].join('\n'),
      },
      'src/users/users.controller.ts',
    );
    assert.ok(plan.edits.length, 'still instrumented');
    assert.match(
      plan.summary,
      /the service's scrape endpoint \(through `registry\.metrics\(\)`\) serves a private registry \(src\/metrics\/prometheus\.service\.ts:5\) that the helper's metrics are not in: declare it at module level, exported \(it is a class field\)/,
    );
  });

  it('a service serving the default registry: nothing said', async () => {
    const { plan } = await planIn(
      {
        'package.json': JSON.stringify({ dependencies: { express: '^4', 'prom-client': '^15', '@opentelemetry/api': '^1' } }),
        'src/metrics.js': "const client = require('prom-client');\nmodule.exports = () => client.register.metrics();\n",
        'src/app.js':
          "const express = require('express');\nconst app = express();\napp.get('/a', (req, res) => res.json({}));\napp.listen(3000);\n",
      },
      'src/app.js',
    );
    assert.doesNotMatch(plan.summary, /private registry/);
  });
});
