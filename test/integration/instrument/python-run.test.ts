/**
 * Real Python validation: every instrumented Python output compiles (py_compile); a FastAPI app instrumented for
 * metrics runs under uvicorn and /metrics shows the counter for the requested route; a Flask app served through
 * its WSGI test client counts statuses from tuple returns; the span wrapper is exercised against a recording stub
 * of the `opentelemetry` package (the real one is not installed here).
 */
import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyEdits, planAppSetup, planInstrumentFile } from '../../../src/core/instrument/planner';
import type { Aspect } from '../../../src/core/instrument/types';
import { CASES, loadCase } from '../../support/instrument/cases';
import { OPTS } from '../../support/instrument/helpers';
import { getText, pyCompile, runPython, scratchDir, startUvicorn, writeOtelStub } from '../../support/instrument/pyenv';

const PY_CASES = CASES.filter((c) => c.input.endsWith('.py'));
const VARIANTS: Aspect[][] = [['counter', 'histogram', 'span'], ['counter', 'histogram'], ['span'], ['counter'], ['histogram']];

async function instrument(name: string, aspects: Aspect[], setup: ('metrics-endpoint' | 'tracing')[] = []) {
  const c = CASES.find((x) => x.name === name)!;
  const { file, text, routes } = await loadCase(c);
  const plan = await planInstrumentFile(text, file, routes, aspects, OPTS);
  assert.equal(plan.refused, undefined, plan.refused);
  let out = applyEdits(text, plan.edits);
  const newFiles: { path: string; content: string }[] = [];
  for (const kind of setup) {
    const s = await planAppSetup(out, file, kind, OPTS);
    assert.equal(s.plan.refused, undefined, s.plan.refused);
    out = applyEdits(out, s.plan.edits);
    newFiles.push(...s.newFiles);
  }
  return { out, newFiles };
}

describe('instrumented Python compiles', () => {
  for (const c of PY_CASES) {
    for (const aspects of VARIANTS) {
      it(`${c.name} [${aspects.join(',')}] + metrics endpoint + tracing passes py_compile`, async () => {
        const dir = scratchDir(`pyc-${c.name}-${aspects.join('-')}`);
        const { out, newFiles } = await instrument(c.name, aspects, ['metrics-endpoint', 'tracing']);
        const f = path.join(dir, 'app.py');
        fs.writeFileSync(f, out);
        const r = pyCompile(f);
        assert.ok(r.ok, r.output);
        for (const nf of newFiles) {
          const p = path.join(dir, path.basename(nf.path));
          fs.writeFileSync(p, nf.content);
          const rn = pyCompile(p);
          assert.ok(rn.ok, rn.output);
        }
      });
    }
  }
});

describe('FastAPI instrumented for metrics runs under uvicorn', () => {
  let server: { proc: ChildProcess; port: number; log: () => string } | undefined;
  before(async () => {
    const dir = scratchDir('uvicorn');
    const { out } = await instrument('fastapi', ['counter', 'histogram'], ['metrics-endpoint']);
    fs.writeFileSync(path.join(dir, 'app.py'), out);
    server = await startUvicorn(dir, 'app:app');
  });
  after(() => {
    server?.proc.kill('SIGTERM');
  });

  it('counts a request by route and status and exposes it on /metrics', async () => {
    const base = `http://127.0.0.1:${server!.port}`;
    const ok = await getText(`${base}/users/1`);
    assert.equal(ok.status, 200, ok.body);
    assert.deepEqual(JSON.parse(ok.body), { id: 1, name: 'ada' });
    const missing = await getText(`${base}/users/42`);
    assert.equal(missing.status, 404);
    const created = await getText(`${base}/health`);
    assert.equal(created.status, 200);
    const posted = await fetch(`${base}/items`, { method: 'POST' });
    assert.equal(posted.status, 201);
    const m = await getText(`${base}/metrics`);
    assert.equal(m.status, 200);
    assert.match(m.body, /^http_requests_total\{method="GET",route="\/users\/\{user_id\}",status="200"\} 1\.0$/m);
    assert.match(m.body, /^http_requests_total\{method="GET",route="\/users\/\{user_id\}",status="404"\} 1\.0$/m);
    assert.match(m.body, /^http_requests_total\{method="POST",route="\/items",status="201"\} 1\.0$/m);
    assert.match(m.body, /^http_request_duration_seconds_count\{method="GET",route="\/users\/\{user_id\}",status="200"\} 1\.0$/m);
    assert.match(m.body, /^http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/health",status="200"\} /m);
  });
});

describe('Flask instrumented for metrics (WSGI test client)', () => {
  it('counts tuple-return statuses, serves /metrics, and marks a returned 5xx span as an error', async () => {
    const dir = scratchDir('flask-run');
    writeOtelStub(dir);
    const { out } = await instrument('flask', ['counter', 'histogram', 'span'], ['metrics-endpoint']);
    fs.writeFileSync(path.join(dir, 'app.py'), out);
    const r = runPython(
      [
        'from app import app',
        'c = app.test_client()',
        'assert c.get("/items/7").status_code == 200',
        'assert c.get("/items/700").status_code == 404',
        'assert c.post("/items").status_code == 200',
        'm = c.get("/metrics")',
        'assert m.status_code == 200 and m.headers["Content-Type"].startswith("text/plain"), m.headers',
        'print(m.get_data(as_text=True))',
        'assert c.get("/ready").status_code == 503',
        'from opentelemetry.trace import SPANS',
        'print("errors", sorted(s.name for s in SPANS if s.status is not None))',
      ].join('\n'),
      dir,
    );
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /^http_requests_total\{method="GET",route="\/items\/<int:item_id>",status="200"\} 1\.0$/m);
    assert.match(r.out, /^http_requests_total\{method="GET",route="\/items\/<int:item_id>",status="404"\} 1\.0$/m);
    assert.match(r.out, /^http_requests_total\{method="POST",route="\/items",status="200"\} 1\.0$/m);
    assert.match(r.out, /^errors \['GET \/ready'\]$/m, 'a returned (body, 503) marks the span as an error; a 404 does not');
  });
});

describe('several instrumented Python modules in one process', () => {
  it('share the metrics instead of failing with "Duplicated timeseries"', async () => {
    const dir = scratchDir('py-shared');
    const { out } = await instrument('fastapi', ['counter', 'histogram']);
    fs.writeFileSync(path.join(dir, 'users_a.py'), out);
    fs.writeFileSync(path.join(dir, 'users_b.py'), out);
    const r = runPython(
      [
        'import asyncio',
        'from prometheus_client import REGISTRY',
        'import users_a, users_b',
        'assert users_a.HTTP_REQUESTS_TOTAL is users_b.HTTP_REQUESTS_TOTAL',
        'asyncio.run(users_a.get_user(1))',
        'asyncio.run(users_b.get_user(1))',
        'print(REGISTRY.get_sample_value("http_requests_total", {"method": "GET", "route": "/users/{user_id}", "status": "200"}))',
      ].join('\n'),
      dir,
    );
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /^2\.0$/m);
  });
});

describe('Python span wrapper against a recording opentelemetry stub', () => {
  it('names spans, sets http.route and path params, records exceptions with ERROR status', async () => {
    const dir = scratchDir('otel-stub');
    writeOtelStub(dir);
    const { out } = await instrument('fastapi', ['counter', 'histogram', 'span']);
    fs.writeFileSync(path.join(dir, 'app.py'), out);
    const r = runPython(
      [
        'import asyncio',
        'from fastapi import HTTPException',
        'from opentelemetry.trace import SPANS, StatusCode',
        'from prometheus_client import REGISTRY',
        'import app',
        'assert asyncio.run(app.get_user(1)) == {"id": 1, "name": "ada"}',
        'try:',
        '    asyncio.run(app.get_user(5))',
        '    raise SystemExit("expected HTTPException")',
        'except HTTPException:',
        '    pass',
        'assert app.create_user("bob")["name"] == "bob"',
        'ok, err, created = SPANS',
        'assert ok.name == "GET /users/{user_id}", ok.name',
        'assert ok.attributes == {"http.route": "/users/{user_id}", "http.route.param.user_id": "1"}, ok.attributes',
        'assert ok.status is None and not ok.exceptions',
        'assert err.status == StatusCode.ERROR and isinstance(err.exceptions[0], HTTPException)',
        'assert created.name == "POST /users"',
        'v = lambda s: REGISTRY.get_sample_value("http_requests_total", {"method": s[0], "route": s[1], "status": s[2]})',
        'assert v(("GET", "/users/{user_id}", "200")) == 1.0',
        'assert v(("GET", "/users/{user_id}", "404")) == 1.0',
        'assert v(("POST", "/users", "201")) == 1.0, "decorator status_code is the default"',
        'print("ok")',
      ].join('\n'),
      dir,
    );
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /ok/);
  });
});
