/**
 * `telemetry-lens scaffold` through main(): the written stack passes promtool (check config, check rules,
 * test rules) for every named convention and both trace backends; overwriting is refused without --force;
 * a folder without routes and an unreachable Prometheus are reported; the dashboards type-check against
 * @grafana/schema with the TypeScript compiler API.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ts from 'typescript';
import { jsHelper } from '../../../src/core/instrument/helperJs';
import { DEFAULT_OPTIONS } from '../../../src/core/instrument/types';
import { main } from '../../../src/cli/main';
import type { Io } from '../../../src/cli/io';
import { grafanaDashboard } from '../../../src/core/dashboards/grafana';
import { inflightMetric } from '../../../src/core/dashboards/panels';
import { CONVENTION_NAMES, getConvention } from '../../../src/core/metrics/conventions';
import { scratchDir } from '../../support/instrument/pyenv';
import { freePort } from '../../support/prometheus';

const ROOT = path.resolve(__dirname, '../../..');
const tmp = fs.mkdtempSync(path.join(tmpdir(), 'tl-scaffold-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function io(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s), cwd: ROOT };
}

function promtool(args: string[], cwd: string): void {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `promtool ${args.join(' ')}\n${r.stdout}${r.stderr}`);
}

/** Every promtool check the issue names, on a written stack. */
export function promtoolChecks(out: string): void {
  promtool(['check', 'config', 'prometheus/prometheus.yml'], out);
  const rules = fs.readdirSync(path.join(out, 'prometheus/rules')).map((f) => `prometheus/rules/${f}`);
  promtool(['check', 'rules', ...rules], out);
  for (const t of fs.readdirSync(path.join(out, 'prometheus/tests'))) promtool(['test', 'rules', `prometheus/tests/${t}`], out);
}

const NAMED = CONVENTION_NAMES.filter((c) => c !== 'custom');

describe('scaffold output passes promtool', () => {
  for (const [i, convention] of NAMED.entries()) {
    const traces = i % 2 ? 'tempo' : 'jaeger';
    it(`${convention}, ${traces}: check config, check rules, test rules (both demo services)`, { timeout: 60_000 }, async () => {
      const out = path.join(tmp, `${convention}-${traces}`);
      const c = io();
      const code = await main(
        ['scaffold', 'demo/python-api', 'demo/node-api', '--out', out, '--convention', convention, '--traces', traces],
        c,
      );
      assert.equal(code, 0, c.stderr.join('\n'));
      assert.match(c.stdout.join('\n'), /services: python-api \(.*, 5 routes, port 8000\), node-api \(.*, 7 routes, port 3000\)/);
      promtoolChecks(out);
    });
  }

  it('thresholds, quantile and for: from the flags still give passing promtool tests', { timeout: 60_000 }, async () => {
    const out = path.join(tmp, 'thresholds');
    const c = io();
    const code = await main(
      [
        'scaffold',
        'demo/node-api',
        '--out',
        out,
        '--error-ratio',
        '0.2',
        '--latency',
        '1.5',
        '--quantile',
        '0.95',
        '--for',
        '10m',
        '--runbook-url',
        'https://runbooks.example/http',
      ],
      c,
    );
    assert.equal(code, 0, c.stderr.join('\n'));
    const rules = fs.readFileSync(path.join(out, 'prometheus/rules/node-api.yml'), 'utf8');
    assert.match(rules, /> 0\.2\n/);
    assert.match(rules, /histogram_quantile\(0\.95,[\s\S]*> 1\.5\n/);
    assert.match(rules, /for: 10m/);
    assert.match(rules, /runbook_url: https:\/\/runbooks\.example\/http#slowresponses/);
    promtoolChecks(out);
  });
});

describe('scaffold CLI', () => {
  it('refuses to overwrite without --force (exit 2, nothing changed), overwrites with it', async () => {
    const out = path.join(tmp, 'overwrite');
    assert.equal(await main(['scaffold', 'demo/node-api', '--out', out], io()), 0);
    const compose = path.join(out, 'docker-compose.yml');
    fs.writeFileSync(compose, 'mine\n');
    const c = io();
    assert.equal(await main(['scaffold', 'demo/node-api', '--out', out, '--traces', 'tempo'], c), 2);
    assert.match(c.stderr.join('\n'), /refusing to overwrite 8 existing file\(s\).*--force.*docker-compose\.yml/);
    assert.equal(fs.readFileSync(compose, 'utf8'), 'mine\n');
    assert.equal(fs.existsSync(path.join(out, 'tempo/tempo.yaml')), false, 'nothing written');
    const f = io();
    assert.equal(await main(['scaffold', 'demo/node-api', '--out', out, '--force'], f), 0);
    assert.match(f.stdout.join('\n'), new RegExp(`overwrote ${compose.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.notEqual(fs.readFileSync(compose, 'utf8'), 'mine\n');
  });

  it('a folder without routes and no reachable Prometheus: a service-level stack, both said', { timeout: 60_000 }, async () => {
    const empty = path.join(tmp, 'empty-service');
    fs.mkdirSync(empty, { recursive: true });
    fs.writeFileSync(path.join(empty, 'README.md'), 'nothing here\n');
    const out = path.join(tmp, 'empty-out');
    const closed = await freePort();
    const c = io();
    assert.equal(
      await main(['scaffold', empty, '--out', out, '--service', 'billing', '--prometheus', `http://127.0.0.1:${closed}`], c),
      0,
      c.stderr.join('\n'),
    );
    const notes = c.stderr.join('\n');
    assert.match(notes, /billing: no routes found/);
    assert.match(
      notes,
      /billing: the metrics convention could not be detected \(Prometheus is not reachable.*\); using telemetry-lens, the one Instrument Route writes/,
    );
    assert.match(c.stdout.join('\n'), /services: billing \(telemetry-lens, 0 routes/);
    promtoolChecks(out);
  });

  it('route paths with quotes, template braces and $ from the code still give passing promtool tests', { timeout: 60_000 }, async () => {
    const app = path.join(tmp, 'hostile-app');
    fs.mkdirSync(app, { recursive: true });
    fs.writeFileSync(path.join(app, 'package.json'), '{"dependencies":{"express":"4"}}\n');
    const weird = String.raw`/w/"q"/{{ $labels.job }}/$&/\\`;
    fs.writeFileSync(
      path.join(app, 'server.js'),
      `const app = require('express')();\napp.get(${JSON.stringify(weird)}, (req, res) => res.send('x'));\napp.get('/ok', (req, res) => res.send('ok'));\n`,
    );
    const out = path.join(tmp, 'hostile-out');
    const c = io();
    assert.equal(await main(['scaffold', app, '--out', out], c), 0, c.stderr.join('\n'));
    assert.ok(fs.readFileSync(path.join(out, 'prometheus/tests/hostile-app.test.yml'), 'utf8').includes('{{ $labels.job }}/$&'));
    promtoolChecks(out);
  });

  it(
    'a route whose path is source text (`prefix + ...`) is left out, and said: no series of it in the alert tests',
    { timeout: 60_000 },
    async () => {
      const app = path.join(tmp, 'dynamic-app');
      fs.mkdirSync(app, { recursive: true });
      fs.writeFileSync(path.join(app, 'package.json'), '{"dependencies":{"fastify":"4"}}\n');
      fs.writeFileSync(
        path.join(app, 'server.js'),
        "const app = require('fastify')();\nconst prefix = process.argv[2];\napp.get(prefix + 'tags', async () => []);\napp.get('/ok', async () => 'ok');\n",
      );
      const out = path.join(tmp, 'dynamic-out');
      const c = io();
      assert.equal(await main(['scaffold', app, '--out', out], c), 0, c.stderr.join('\n'));
      assert.match(c.stderr.join('\n'), /dynamic-app: 1 route left out, the path not known statically \(e\.g\. GET prefix \+ 'tags'\)/);
      assert.match(c.stdout.join('\n'), /services: dynamic-app \(telemetry-lens, 1 route,/);
      const tests = fs.readFileSync(path.join(out, 'prometheus/tests/dynamic-app.test.yml'), 'utf8');
      assert.doesNotMatch(tests, /prefix/);
      assert.match(tests, /route="\/ok"/);
      promtoolChecks(out);
    },
  );

  it(
    "a service instrumented with the in-flight gauge (in Instrument Route's helper module) gets the in-flight panel",
    { timeout: 60_000 },
    async () => {
      const app = path.join(tmp, 'gauge-app');
      fs.mkdirSync(path.join(app, 'routes'), { recursive: true });
      fs.writeFileSync(path.join(app, 'package.json'), '{"dependencies":{"express":"4"}}\n');
      fs.writeFileSync(
        path.join(app, 'routes', 'users.js'),
        "const { observeRoute } = require('../telemetryRoutes');\nconst router = require('express').Router();\nrouter.get('/users', observeRoute('GET', '/users', (req, res) => res.json([])));\nmodule.exports = router;\n",
      );
      const dashboard = async (name: string) => {
        const out = path.join(tmp, `${name}-out`);
        assert.equal(await main(['scaffold', app, '--out', out, '--force'], io()), 0);
        promtoolChecks(out);
        return fs.readFileSync(path.join(out, 'grafana/dashboards/gauge-app.json'), 'utf8');
      };
      fs.writeFileSync(path.join(app, 'telemetryRoutes.js'), jsHelper(DEFAULT_OPTIONS, { esm: false, ts: false, eol: '\n' }));
      assert.doesNotMatch(await dashboard('gauge-off'), /In-flight requests/);
      fs.writeFileSync(
        path.join(app, 'telemetryRoutes.js'),
        jsHelper({ ...DEFAULT_OPTIONS, inFlightGauge: true }, { esm: false, ts: false, eol: '\n' }),
      );
      const on = await dashboard('gauge-on');
      assert.match(on, /In-flight requests/);
      assert.match(on, /sum\(http_requests_in_progress\{job=\\"gauge-app\\"\}\)/);
    },
  );

  it(
    "services exporting with starlette_exporter (a prefix) and prometheus-flask-exporter (group_by='url_rule'): the code's names and route label",
    { timeout: 60_000 },
    async () => {
      const starlette = path.join(tmp, 'starlette-app');
      fs.mkdirSync(starlette, { recursive: true });
      fs.writeFileSync(path.join(starlette, 'requirements.txt'), 'fastapi\nstarlette-exporter==0.23.0\n');
      fs.writeFileSync(
        path.join(starlette, 'main.py'),
        'from fastapi import FastAPI\nfrom starlette_exporter import PrometheusMiddleware, handle_metrics\n\napp = FastAPI()\n' +
          'app.add_middleware(PrometheusMiddleware, app_name="shop", prefix="shop")\napp.add_route("/metrics", handle_metrics)\n\n' +
          '@app.get("/items/{item_id}")\ndef item(item_id: int):\n    return {}\n\n@app.get("/health")\ndef health():\n    return "ok"\n',
      );
      const flask = path.join(tmp, 'flask-app');
      fs.mkdirSync(flask, { recursive: true });
      fs.writeFileSync(path.join(flask, 'requirements.txt'), 'flask\nprometheus-flask-exporter\n');
      fs.writeFileSync(
        path.join(flask, 'app.py'),
        "from flask import Flask\nfrom prometheus_flask_exporter import PrometheusMetrics\n\napp = Flask(__name__)\nmetrics = PrometheusMetrics(app, group_by='url_rule')\n\n" +
          "@app.route('/users/<int:user_id>')\ndef user(user_id):\n    return {}\n\n@app.route('/health')\ndef health():\n    return 'ok'\n",
      );
      const out = path.join(tmp, 'python-libs-out');
      const c = io();
      assert.equal(await main(['scaffold', starlette, flask, '--out', out], c), 0, c.stderr.join('\n'));
      assert.match(
        c.stdout.join('\n'),
        /services: starlette-app \(starlette-exporter, 2 routes.*flask-app \(prometheus-flask-exporter, 2 routes/,
      );
      assert.match(
        c.stderr.join('\n'),
        /starlette-app: convention starlette-exporter because the code uses starlette_exporter with prefix "shop"/,
      );
      const dashboard = fs.readFileSync(path.join(out, 'grafana/dashboards/starlette-app.json'), 'utf8');
      assert.match(dashboard, /shop_requests_total\{job=\\"starlette-app\\"/);
      assert.match(dashboard, /sum\(shop_requests_in_progress\{job=\\"starlette-app\\"\}\)/, 'the middleware always exports its gauge');
      const rules = fs.readFileSync(path.join(out, 'prometheus/rules/flask-app.yml'), 'utf8');
      assert.match(rules, /sum by \(job, url_rule\) \(rate\(flask_http_request_duration_seconds_count\{job="flask-app", status=~"5\.\."\}/);
      assert.match(fs.readFileSync(path.join(out, 'prometheus/tests/flask-app.test.yml'), 'utf8'), /url_rule="\/users\/<int:user_id>"/);
      promtoolChecks(out);
      // --convention names the library: what the code says of it (group_by) is kept
      const named = path.join(tmp, 'python-libs-named');
      assert.equal(await main(['scaffold', flask, '--out', named, '--convention', 'prometheus-flask-exporter'], io()), 0);
      assert.match(fs.readFileSync(path.join(named, 'prometheus/rules/flask-app.yml'), 'utf8'), /sum by \(job, url_rule\)/);
    },
  );

  it('usage errors exit 2', async () => {
    for (const args of [
      ['demo/node-api'],
      ['demo/node-api', '--out', tmp, '--traces', 'zipkin'],
      ['demo/node-api', '--out', tmp, '--convention', 'custom'],
      ['demo/node-api', 'demo/python-api', '--out', tmp, '--service', 'x'],
      ['demo/node-api', '--out', tmp, '--error-ratio', '2'],
    ]) {
      const c = io();
      assert.equal(await main(['scaffold', ...args], c), 2, args.join(' '));
    }
  });
});

describe('Grafana dashboards type-check against @grafana/schema', () => {
  function typecheck(files: string[]): string[] {
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      skipLibCheck: true,
      types: [],
    });
    return ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.includes(path.resolve(d.file.fileName)))
      .map((d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  }
  const write = (dir: string, name: string, json: unknown) => {
    const file = path.join(dir, `${name}.ts`);
    fs.writeFileSync(
      file,
      `import type { Dashboard } from '@grafana/schema';\nexport const dashboard: Dashboard = ${JSON.stringify(json, null, 2)};\n`,
    );
    return file;
  };

  it('every convention, with and without the in-flight panel; a wrong field is caught', { timeout: 120_000 }, () => {
    const dir = scratchDir('grafana');
    const files: string[] = [];
    for (const name of NAMED) {
      const conv = getConvention(name);
      const inflight = inflightMetric(conv);
      files.push(
        write(dir, name, grafanaDashboard({ service: 'svc', convention: conv, selector: 'job="svc"', ...(inflight ? { inflight } : {}) })),
      );
    }
    assert.deepEqual(typecheck(files), []);
    const broken = JSON.parse(JSON.stringify(grafanaDashboard({ service: 'svc', convention: getConvention('otel'), selector: '' })));
    broken.panels[1].gridPos.width = 6;
    broken.schemaVersion = '39';
    const errors = typecheck([write(dir, 'broken', broken)]);
    assert.equal(errors.length, 2, errors.join('\n'));
  });
});
