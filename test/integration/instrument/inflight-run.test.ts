/**
 * Instrument Route's opt-in in-flight gauge, run for real: Debian's prometheus_client + Flask (/usr/bin/python3) and
 * prom-client + Express from npm. A handler reads the gauge while it runs (1) and the test reads it after the
 * request (0), also after an exception; in the wrapper style (the generated helper modules) and in the inline
 * style (whose second run changes nothing); the metric is the one the panel model's in-flight panel queries.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { register } from 'prom-client';
import { inflightMetric } from '../../../src/core/dashboards/panels';
import { metricNames } from '../../../src/core/instrument/common';
import { jsHelper } from '../../../src/core/instrument/helperJs';
import { pythonHelper } from '../../../src/core/instrument/helperPy';
import { applyEdits, DEFAULT_OPTIONS, planInstrumentFile } from '../../../src/core/instrument/planner';
import { ALL_ASPECTS, type InstrumentOptions } from '../../../src/core/instrument/types';
import { getConvention } from '../../../src/core/metrics/conventions';
import type { Route } from '../../../src/core/routes/types';
import { detect } from '../../support/instrument/cases';
import { pyCompile, runPython, scratchDir, writeOtelStub } from '../../support/instrument/pyenv';

const GAUGE: InstrumentOptions = { ...DEFAULT_OPTIONS, inFlightGauge: true };

/** Instruments the routes of `file` inline with the gauge, writes it, and checks that a second run plans nothing. */
async function instrumentInline(file: string, text: string, keep: (r: Route) => boolean = () => true): Promise<string> {
  const opts: InstrumentOptions = { ...GAUGE, style: 'inline' };
  const plan = await planInstrumentFile(text, file, (await detect(text, file)).filter(keep), [...ALL_ASPECTS], opts);
  assert.equal(plan.refused, undefined, plan.refused);
  const out = applyEdits(text, plan.edits);
  fs.writeFileSync(file, out);
  const again = await planInstrumentFile(out, file, (await detect(out, file)).filter(keep), [...ALL_ASPECTS], opts);
  assert.deepEqual(again.edits, [], 'idempotent');
  return out;
}

it('the gauge is the metric the in-flight panel queries, with or without a prefix', () => {
  for (const prefix of ['', 'shop_']) {
    assert.equal(metricNames({ ...GAUGE, metricPrefix: prefix }).inflight, inflightMetric(getConvention('telemetry-lens'), prefix));
  }
});

describe('Python (prometheus_client)', () => {
  it('wrapper helper: 1 while a sync, async, generator or failing handler runs, 0 after', () => {
    const dir = scratchDir('inflight-py-helper');
    writeOtelStub(dir);
    const helper = path.join(dir, 'telemetry_routes.py');
    fs.writeFileSync(helper, pythonHelper(GAUGE, '\n'));
    assert.ok(pyCompile(helper).ok, pyCompile(helper).output);
    const r = runPython(
      [
        'import asyncio, json',
        'from prometheus_client import REGISTRY',
        'from telemetry_routes import observe_route',
        'now = lambda: REGISTRY.get_sample_value("http_requests_in_progress")',
        '@observe_route("GET", "/s")',
        'def s():',
        '    return now()',
        '@observe_route("GET", "/a")',
        'async def a():',
        '    return now()',
        '@observe_route("GET", "/g")',
        'def g():',
        '    yield now()',
        '@observe_route("GET", "/boom")',
        'def boom():',
        '    raise ValueError(now())',
        'out = {"sync": s(), "async": asyncio.run(a()), "gen": list(g())[0]}',
        'out["after"] = now()',
        'try:',
        '    boom()',
        'except ValueError as e:',
        '    out["boom"] = e.args[0]',
        'out["after_boom"] = now()',
        'print(json.dumps(out))',
      ].join('\n'),
      dir,
    );
    assert.equal(r.status, 0, r.out);
    assert.deepEqual(JSON.parse(r.out), { sync: 1, async: 1, gen: 1, after: 0, boom: 1, after_boom: 0 });
  });

  it('inline in a Flask app: 1 during the request, 0 after (also after a 500); a second run changes nothing', async () => {
    const dir = scratchDir('inflight-py-inline');
    writeOtelStub(dir);
    const file = path.join(dir, 'app.py');
    const text = [
      'from flask import Flask',
      'from prometheus_client import REGISTRY',
      '',
      'app = Flask(__name__)',
      '',
      '',
      '@app.get("/inflight")',
      'def inflight():',
      '    return {"during": REGISTRY.get_sample_value("http_requests_in_progress")}',
      '',
      '',
      '@app.get("/boom")',
      'def boom():',
      '    raise ValueError("boom")',
      '',
    ].join('\n');
    const out = await instrumentInline(file, text);
    assert.match(out, /^ {8}HTTP_REQUESTS_IN_PROGRESS\.inc\(\)$/m);
    assert.match(out, /^ {12}HTTP_REQUESTS_IN_PROGRESS\.dec\(\)$/m);
    assert.ok(pyCompile(file).ok, pyCompile(file).output);
    const r = runPython(
      [
        'import json',
        'from app import app',
        'from prometheus_client import REGISTRY',
        'c = app.test_client()',
        'during = c.get("/inflight").get_json()["during"]',
        'after = REGISTRY.get_sample_value("http_requests_in_progress")',
        'status = c.get("/boom").status_code',
        'print(json.dumps([during, after, status, REGISTRY.get_sample_value("http_requests_in_progress")]))',
      ].join('\n'),
      dir,
    );
    assert.equal(r.status, 0, r.out);
    assert.deepEqual(JSON.parse(/^\[.*\]$/m.exec(r.out)?.[0] ?? r.out), [1, 0, 500, 0]); // Flask logs the traceback too
  });
});

describe('JavaScript (prom-client, Express)', () => {
  const gauge = async () => (await register.getSingleMetric('http_requests_in_progress')!.get()).values[0]?.value;

  async function serve(app: { listen(port: number, host: string, cb: () => void): import('node:http').Server }) {
    const server = await new Promise<import('node:http').Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { base, close: () => new Promise((r) => server.close(r)) };
  }

  it('wrapper helper and inline style: 1 while a handler runs, 0 once it answered or threw; the inline second run changes nothing', async () => {
    const dir = scratchDir('inflight-js');
    fs.writeFileSync(path.join(dir, 'telemetryRoutes.js'), jsHelper(GAUGE, { esm: false, ts: false, eol: '\n' }));
    const file = path.join(dir, 'app.js');
    const text = [
      "const express = require('express');",
      "const { register } = require('prom-client');",
      "const { observeRoute } = require('./telemetryRoutes');",
      '',
      'const app = express();',
      "const inflight = async () => (await register.getSingleMetric('http_requests_in_progress').get()).values[0].value;",
      '',
      "app.get('/inline', async (req, res) => {",
      '  res.json({ during: await inflight() });',
      '});',
      '',
      "app.get('/inline-boom', (req, res) => {",
      "  throw new Error('boom');",
      '});',
      '',
      '// already observed by the helper (the wrapper style), so the inline planner leaves it alone',
      "app.get('/wrapped', observeRoute('GET', '/wrapped', async (req, res) => res.json({ during: await inflight() })));",
      '',
      'app.use((err, req, res, next) => res.status(500).end());',
      '',
      'module.exports = { app };',
      '',
    ].join('\n');
    const out = await instrumentInline(file, text, (r) => r.path !== '/wrapped');
    assert.match(out, /httpRequestsInProgress\.inc\(\);[\s\S]*finally \{\n\s+httpRequestsInProgress\.dec\(\);/);
    const { app } = (await import(file)) as { app: Parameters<typeof serve>[0] };
    const { base, close } = await serve(app);
    try {
      for (const p of ['/inline', '/wrapped']) {
        const r = await fetch(base + p);
        assert.deepEqual(await r.json(), { during: 1 }, p);
        assert.equal(await gauge(), 0, `${p}: after the answer`);
      }
      assert.equal((await fetch(`${base}/inline-boom`)).status, 500);
      assert.equal(await gauge(), 0, 'after the error');
    } finally {
      await close();
    }
  });
});
