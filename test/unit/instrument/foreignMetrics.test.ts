/** Planner refusal: a library of the service registers our metric names with other labels, and no prefix is set. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { planInstrumentFile } from '../../../src/core/instrument/planner';
import { OPTS, route } from '../../support/instrument/helpers';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tl-foreign-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const JS = ["const fastify = require('fastify')();", "fastify.get('/users', async () => []);", ''].join('\n');
const PY = [
  'from fastapi import FastAPI',
  '',
  'app = FastAPI()',
  '',
  '',
  '@app.get("/users")',
  'async def users():',
  '    return []',
  '',
].join('\n');

async function planJs(pkg: object, prefix: string, style: 'inline' | 'wrapper' = 'wrapper') {
  const dir = project({ 'package.json': JSON.stringify(pkg), 'src/routes/users.js': JS });
  const file = path.join(dir, 'src/routes/users.js');
  return planInstrumentFile(JS, file, [route('fastify', ['GET'], '/users', JS, file)], ['counter', 'histogram', 'span'], {
    ...OPTS,
    style,
    metricPrefix: prefix,
  });
}

async function planPy(manifest: Record<string, string>, prefix: string, style: 'inline' | 'wrapper' = 'inline') {
  const dir = project({ ...manifest, 'app/main.py': PY });
  const file = path.join(dir, 'app/main.py');
  return planInstrumentFile(PY, file, [route('fastapi', ['GET'], '/users', PY, file)], ['counter', 'histogram', 'span'], {
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
