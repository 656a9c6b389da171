/** Planner refusal: a library of the service registers our metric names with other labels, and no prefix is set. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { planInstrumentFile } from '../../../src/core/instrument/planner';
import { fastapiApp, OPTS, route } from '../../support/instrument/helpers';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tl-foreign-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const JS = ["const fastify = require('fastify')();", "fastify.get('/users', async () => []);", ''].join('\n');
const PY = fastapiApp();

async function planJs(pkg: object, prefix: string, style: 'inline' | 'wrapper' = 'wrapper', files: Record<string, string> = {}) {
  const dir = project({ 'package.json': JSON.stringify(pkg), 'src/routes/users.js': JS, ...files });
  const file = path.join(dir, 'src/routes/users.js');
  return planInstrumentFile(JS, file, [route('fastify', ['GET'], '/users', JS, file)], ['counter', 'histogram', 'span'], {
    ...OPTS,
    style,
    metricPrefix: prefix,
  });
}

async function planPy(manifest: Record<string, string>, prefix: string, style: 'inline' | 'wrapper' = 'inline', main = PY) {
  const dir = project({ ...manifest, 'app/main.py': main });
  const file = path.join(dir, 'app/main.py');
  return planInstrumentFile(main, file, [route('fastapi', ['GET'], '/users', main, file)], ['counter', 'histogram', 'span'], {
    ...OPTS,
    style,
    metricPrefix: prefix,
  });
}

describe('planner: a library registering the same metric names with other labels', () => {
  it('refuses a JS service depending on fastify-metrics without a prefix, naming the library and the fix', async () => {
    for (const style of ['wrapper', 'inline'] as const) {
      const plan = await planJs({ dependencies: { fastify: '^4', 'fastify-metrics': '^10' } }, '', style);
      assert.match(
        plan.refused ?? '',
        /fastify-metrics, which registers http_request_duration_seconds with labels method, route, status_code/,
      );
      assert.match(plan.refused ?? '', /set telemetryLens\.instrument\.metricPrefix \(CLI --prefix\), e\.g\. app_/);
      assert.equal(plan.edits.length, 0);
      assert.equal(plan.newFiles?.length ?? 0, 0);
    }
  });

  it('refuses a devDependency too (express-prom-bundle, @hono/prometheus)', async () => {
    assert.match((await planJs({ devDependencies: { 'express-prom-bundle': '^7' } }, '')).refused ?? '', /express-prom-bundle/);
    assert.match((await planJs({ dependencies: { '@hono/prometheus': '^1' } }, '')).refused ?? '', /@hono\/prometheus/);
  });

  it('instruments with a prefix, or without such a library', async () => {
    const withPrefix = await planJs({ dependencies: { 'fastify-metrics': '^10' } }, 'app_');
    assert.equal(withPrefix.refused, undefined);
    assert.ok(withPrefix.edits.length);
    const other = await planJs({ dependencies: { fastify: '^4', 'prom-client': '^15' } }, '');
    assert.equal(other.refused, undefined);
  });

  it('refuses a Python service listing prometheus-fastapi-instrumentator (requirements, pyproject, Pipfile)', async () => {
    const manifests: Record<string, string>[] = [
      { 'requirements.txt': 'fastapi==0.110\nprometheus-fastapi-instrumentator>=6.1\n' },
      { 'requirements-prod.txt': 'Prometheus_FastAPI_Instrumentator==7.0.0\n' },
      { 'pyproject.toml': '[project]\nname = "svc"\ndependencies = ["fastapi", "prometheus-fastapi-instrumentator (>=7)"]\n' },
      { Pipfile: '[packages]\nfastapi = "*"\nprometheus-fastapi-instrumentator = "*"\n' },
    ];
    for (const m of manifests) {
      for (const style of ['inline', 'wrapper'] as const) {
        const plan = await planPy(m, '', style);
        assert.match(
          plan.refused ?? '',
          /prometheus-fastapi-instrumentator, which registers http_requests_total with labels handler, status, method/,
        );
        assert.match(plan.refused ?? '', /metricPrefix \(CLI --prefix\)/);
        assert.equal(plan.edits.length, 0);
      }
    }
  });

  it('instruments a Python service with a prefix, or without the library (a similar name is no match)', async () => {
    assert.equal((await planPy({ 'requirements.txt': 'prometheus-fastapi-instrumentator\n' }, 'app_')).refused, undefined);
    assert.equal((await planPy({ 'requirements.txt': 'fastapi\nprometheus-client\n' }, '')).refused, undefined);
    assert.equal((await planPy({ 'requirements.txt': 'prometheus-fastapi-instrumentator-extra\n' }, '')).refused, undefined);
  });
});

/** A Fastify app registering fastify-metrics with `options` (source text), beside the route file. */
function fastifyApp(options: string, head = ''): Record<string, string> {
  return {
    'src/app.ts': [
      "import Fastify from 'fastify';",
      "import fastifyMetrics from 'fastify-metrics';",
      "import { Registry, register } from 'prom-client';",
      head,
      'const app = Fastify();',
      `app.register(fastifyMetrics${options ? `, ${options}` : ''});`,
      'export default app;',
      '',
    ].join('\n'),
  };
}

describe("planner: a metrics library's registration read for its prefix, names and registry", () => {
  const fm = (range: string) => ({ dependencies: { fastify: '^4', 'fastify-metrics': range } });

  it('fastify-metrics 8 with a literal prefix registers other names: no clash (both styles)', async () => {
    const app = fastifyApp("{ enableDefaultMetrics: false, register: metrics.getRegister(), prefix: 'cep_admin_server_' }");
    for (const style of ['wrapper', 'inline'] as const) {
      const plan = await planJs(fm('^8.0.0'), '', style, app);
      assert.equal(plan.refused, undefined, plan.summary);
      assert.ok(plan.edits.length);
    }
    // the prefix a const holds, the options a const object
    const viaConst = fastifyApp('opts', "const PREFIX = 'svc_';\nconst opts = { prefix: PREFIX };");
    assert.equal((await planJs(fm('~8.1'), '', 'wrapper', viaConst)).refused, undefined);
    // its histogram renamed, or switched off
    assert.equal(
      (await planJs(fm('8'), '', 'wrapper', fastifyApp("{ metrics: { histogram: { name: 'svc_seconds' } } }"))).refused,
      undefined,
    );
    assert.equal((await planJs(fm('^7.2.0'), '', 'wrapper', fastifyApp('{ enableRouteMetrics: false }'))).refused, undefined);
  });

  it('a prefix that cannot be read keeps the refusal and says why', async () => {
    const plan = await planJs(fm('^8.0.0'), '', 'wrapper', fastifyApp('{ prefix: process.env.METRICS_PREFIX }'));
    assert.match(
      plan.refused ?? '',
      /fastify-metrics is registered with a prefix \(or histogram name\) that cannot be read \(src\/app\.ts:6\)/,
    );
    assert.match(plan.refused ?? '', /metricPrefix \(CLI --prefix\)/);
    // a prefix of ours: the unreadable one would have to be exactly it
    assert.equal((await planJs(fm('^8.0.0'), 'app_', 'wrapper', fastifyApp('{ prefix: process.env.P }'))).refused, undefined);
    // options that are not an object literal
    assert.match(
      (await planJs(fm('^8.0.0'), '', 'wrapper', fastifyApp('makeOptions()'))).refused ?? '',
      /registered with options that cannot be read/,
    );
  });

  it('fastify-metrics 9 and later ignore `prefix`: the clash stays; their own override is read', async () => {
    const plan = await planJs(fm('^10.3.0'), '', 'wrapper', fastifyApp("{ prefix: 'svc_' }"));
    assert.match(
      plan.refused ?? '',
      /fastify-metrics registers http_request_duration_seconds with labels method, route, status_code \(src\/app\.ts:6\)/,
    );
    const renamed = fastifyApp("{ routeMetrics: { overrides: { histogram: { name: 'svc_request_seconds' } } } }");
    assert.equal((await planJs(fm('^10.3.0'), '', 'wrapper', renamed)).refused, undefined);
    assert.equal((await planJs(fm('^11'), '', 'wrapper', fastifyApp('{ routeMetrics: { enabled: false } }'))).refused, undefined);
    // a version range spanning both: the prefix may or may not apply
    assert.match((await planJs(fm('>=8'), '', 'wrapper', fastifyApp("{ prefix: 'svc_' }"))).refused ?? '', /version cannot be read/);
    // the installed version decides over the range
    const installed = { ...fastifyApp("{ prefix: 'svc_' }"), 'node_modules/fastify-metrics/package.json': '{"version":"8.0.0"}' };
    assert.equal((await planJs(fm('*'), '', 'wrapper', installed)).refused, undefined);
  });

  it("the registry: a `new Registry()` never clashes, prom-client's default does, one that can't be read is said", async () => {
    assert.equal((await planJs(fm('^8.0.0'), '', 'wrapper', fastifyApp('{ register: new Registry() }'))).refused, undefined);
    const own = fastifyApp('{ register: reg }', 'const reg = new Registry();');
    assert.equal((await planJs(fm('^8.0.0'), '', 'wrapper', own)).refused, undefined);
    assert.match(
      (await planJs(fm('^8.0.0'), '', 'wrapper', fastifyApp('{ register }'))).refused ?? '',
      /with labels method, route, status_code/,
    );
    assert.match(
      (await planJs(fm('^8.0.0'), '', 'wrapper', fastifyApp('{ register: metrics.getRegister() }'))).refused ?? '',
      /registers http_request_duration_seconds \(src\/app\.ts:6\) in a registry that cannot be read/,
    );
  });

  it('express-prom-bundle: httpDurationMetricName read; @hono/prometheus: its own registry unless given the default one', async () => {
    const bundle = (opts: string) => ({
      'src/app.js': `const express = require('express');\nconst promBundle = require('express-prom-bundle');\nconst app = express();\napp.use(promBundle(${opts}));\n`,
    });
    const epb = { dependencies: { express: '^4', 'express-prom-bundle': '^7.0.0' } };
    assert.equal((await planJs(epb, '', 'wrapper', bundle("{ httpDurationMetricName: 'svc_duration_seconds' }"))).refused, undefined);
    assert.match(
      (await planJs(epb, '', 'wrapper', bundle('{ includeMethod: true }'))).refused ?? '',
      /express-prom-bundle registers http_request_duration_seconds/,
    );
    const hono = (opts: string) => ({
      'src/app.ts': `import { Hono } from 'hono';\nimport { prometheus } from '@hono/prometheus';\nimport { register } from 'prom-client';\nconst app = new Hono();\nconst { registerMetrics } = prometheus(${opts});\napp.use('*', registerMetrics);\n`,
    });
    const hp = { dependencies: { hono: '^4', '@hono/prometheus': '^1.0.2' } };
    assert.equal((await planJs(hp, '', 'wrapper', hono(''))).refused, undefined);
    assert.match(
      (await planJs(hp, '', 'wrapper', hono('{ registry: register }'))).refused ?? '',
      /@hono\/prometheus registers http_request_duration_seconds with labels method, status, ok, route/,
    );
    assert.equal((await planJs(hp, '', 'wrapper', hono("{ registry: register, prefix: 'svc_' }"))).refused, undefined);
  });

  it('prometheus-fastapi-instrumentator: metric_namespace / metric_subsystem read; `.add(…)` and unreadable ones refused', async () => {
    const main = (setup: string) => fastapiApp(['from prometheus_fastapi_instrumentator import Instrumentator, metrics'], setup);
    const req = { 'requirements.txt': 'fastapi\nprometheus-fastapi-instrumentator==7.0.0\n' };
    assert.equal(
      (await planPy(req, '', 'inline', main('Instrumentator().instrument(app, metric_namespace="svc").expose(app)'))).refused,
      undefined,
    );
    assert.equal(
      (await planPy(req, '', 'wrapper', main('inst = Instrumentator()\ninst.instrument(app, metric_subsystem="api")'))).refused,
      undefined,
    );
    assert.match(
      (await planPy(req, '', 'inline', main('Instrumentator().instrument(app).expose(app)'))).refused ?? '',
      /prometheus-fastapi-instrumentator registers http_requests_total with labels handler, status, method \(app\/main\.py:5\)/,
    );
    assert.match(
      (await planPy(req, '', 'inline', main('import os\nInstrumentator().instrument(app, metric_namespace=os.environ["NS"])'))).refused ??
        '',
      /metric_namespace \(or metric_subsystem\) that cannot be read/,
    );
    assert.match(
      (await planPy(req, '', 'inline', main('Instrumentator().add(metrics.latency()).instrument(app)'))).refused ?? '',
      /given metrics of its own/,
    );
  });

  it('starlette_exporter: its own names by default; prefix="http" gives ours with other labels; an unreadable prefix is said', async () => {
    const main = (setup: string) => fastapiApp(['from starlette_exporter import PrometheusMiddleware, handle_metrics'], setup);
    const req = { 'requirements.txt': 'fastapi\nstarlette-exporter==0.23.0\n' };
    for (const setup of [
      'app.add_middleware(PrometheusMiddleware)',
      'app.add_middleware(PrometheusMiddleware, prefix="shop", app_name="shop")',
    ]) {
      assert.equal((await planPy(req, '', 'inline', main(setup))).refused, undefined, setup);
    }
    assert.match(
      (await planPy(req, '', 'wrapper', main('app.add_middleware(PrometheusMiddleware, prefix="http", labels={"team": "a"})'))).refused ??
        '',
      /starlette-exporter registers http_requests_total with labels method, path, status_code, app_name, team \(app\/main\.py:5\): the same name with the labels method, route, status would fail; set telemetryLens\.instrument\.metricPrefix/,
    );
    assert.match(
      (
        await planPy(
          req,
          '',
          'inline',
          main('from starlette.middleware import Middleware\nmw = [Middleware(PrometheusMiddleware, prefix="http")]'),
        )
      ).refused ?? '',
      /starlette-exporter registers http_requests_total/,
    );
    assert.equal((await planPy(req, 'app_', 'inline', main('app.add_middleware(PrometheusMiddleware, prefix="http")'))).refused, undefined);
    assert.match(
      (await planPy(req, '', 'inline', main('import os\napp.add_middleware(PrometheusMiddleware, prefix=os.environ["P"])'))).refused ?? '',
      /starlette_exporter is added with a prefix that cannot be read \(app\/main\.py:6\)/,
    );
  });

  it('prometheus-flask-exporter: its own names by default; NO_PREFIX gives http_request_duration_seconds with other labels', async () => {
    const main = (setup: string) =>
      [
        'from flask import Flask',
        'import prometheus_flask_exporter',
        'from prometheus_flask_exporter import PrometheusMetrics, NO_PREFIX',
        '',
        'app = Flask(__name__)',
        setup,
        '',
        '',
        '@app.get("/users")',
        'def users():',
        '    return []',
        '',
      ].join('\n');
    const req = { 'pyproject.toml': '[project]\ndependencies = ["flask", "prometheus-flask-exporter>=0.23"]\n' };
    for (const setup of [
      'metrics = PrometheusMetrics(app)',
      "metrics = PrometheusMetrics(app, defaults_prefix='shop', group_by='url_rule')",
      'from prometheus_client import CollectorRegistry\nmetrics = PrometheusMetrics(app, defaults_prefix=NO_PREFIX, registry=CollectorRegistry())',
      'metrics = PrometheusMetrics(app, defaults_prefix=NO_PREFIX, export_defaults=False)',
    ]) {
      assert.equal((await planPy(req, '', 'inline', main(setup))).refused, undefined, setup);
    }
    assert.match(
      (await planPy(req, '', 'inline', main("metrics = PrometheusMetrics.for_app_factory(defaults_prefix=NO_PREFIX, group_by='url_rule')")))
        .refused ?? '',
      /prometheus-flask-exporter registers http_request_duration_seconds with labels method, url_rule, status \(app\/main\.py:6\)/,
    );
    assert.match(
      (
        await planPy(
          req,
          '',
          'wrapper',
          main('metrics = prometheus_flask_exporter.PrometheusMetrics(app, defaults_prefix=prometheus_flask_exporter.NO_PREFIX)'),
        )
      ).refused ?? '',
      /prometheus-flask-exporter registers http_request_duration_seconds with labels method, path, status/,
    );
    assert.equal(
      (await planPy(req, 'app_', 'inline', main('metrics = PrometheusMetrics(app, defaults_prefix=NO_PREFIX)'))).refused,
      undefined,
    );
  });
});
