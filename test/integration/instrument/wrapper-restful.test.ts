/**
 * The wrapper style on Debian's real Flask-RESTful (python3-flask-restful, /usr/bin/python3), instrumented by the CLI
 * (`instrument app.py --all --setup metrics-endpoint`): the resources live in another module and are wrapped where
 * they are added (`add_resource(observe_resource(Book, …), …)`), one edit per call. The original app and the
 * instrumented one answer every request identically (status, body, headers Flask-RESTful builds from a returned
 * tuple, abort(404) and an unhandled error through Flask-RESTful's own error handling), keep their endpoint names,
 * /metrics counts each URL of a resource under its own route label, and spans (the recording opentelemetry stub)
 * carry http.route and the route parameters. A second run changes nothing.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import { applyEdits, DEFAULT_OPTIONS, planAppSetup } from '../../../src/core/instrument/planner';
import { FIXTURES } from '../../support/instrument/helpers';
import { pyCompile, runPython, scratchDir, writeOtelStub } from '../../support/instrument/pyenv';

async function cli(cwd: string, ...argv: string[]) {
  const lines: string[] = [];
  const code = await main(argv, { out: (s) => lines.push(s), err: (s) => lines.push(s), cwd });
  return { code, out: lines.join('\n') };
}

const PROBE = [
  'import json',
  'from app import app',
  'c = app.test_client()',
  'asks = [("GET", "/api/books"), ("POST", "/api/books"), ("GET", "/api/books/1"), ("GET", "/api/books/9"),',
  '        ("DELETE", "/api/books/1"), ("GET", "/api/volumes/2"), ("GET", "/api/health"), ("GET", "/api/ready"),',
  '        ("GET", "/api/broken"), ("GET", "/api/nothing")]',
  'out = []',
  'for method, url in asks:',
  '    r = c.open(url, method=method)',
  '    out.append([method, url, r.status_code, r.headers.get("Content-Type"), r.headers.get("Location"), r.get_data(as_text=True)])',
  'endpoints = sorted(r.endpoint for r in app.url_map.iter_rules() if r.endpoint != "prometheus_metrics")',
  'print("ANSWERS " + json.dumps({"out": out, "endpoints": endpoints}))',
].join('\n');

const answers = (out: string) => /^ANSWERS (.*)$/m.exec(out)?.[1];

describe('wrapper style on Flask-RESTful: resources added in another module, instrumented by the CLI', () => {
  let original = '';
  let wrapped = '';
  let first = '';
  let instrumented = '';
  before(async () => {
    const base = scratchDir('wrap-restful');
    [original, wrapped] = ['original', 'wrapped'].map((d) => path.join(base, d)) as [string, string];
    for (const d of [original, wrapped]) {
      fs.mkdirSync(d);
      for (const f of ['app.py', 'resources.py']) fs.copyFileSync(path.join(FIXTURES, 'flask-restful', f), path.join(d, f));
    }
    fs.writeFileSync(path.join(wrapped, 'pyproject.toml'), ''); // project root marker
    const r = await cli(wrapped, 'instrument', 'app.py', '--all');
    assert.equal(r.code, 0, r.out);
    first = r.out;
    instrumented = fs.readFileSync(path.join(wrapped, 'app.py'), 'utf8');
    writeOtelStub(wrapped);
  });

  /** The instrumented app with a /metrics endpoint added (app setup), for the runs below. */
  async function withMetricsEndpoint(): Promise<void> {
    const file = path.join(wrapped, 'app.py');
    const text = fs.readFileSync(file, 'utf8');
    if (text.includes('/metrics')) return;
    const setup = await planAppSetup(text, file, 'metrics-endpoint', DEFAULT_OPTIONS);
    fs.writeFileSync(file, applyEdits(text, setup.plan.edits));
  }

  it('one edit per add_resource call, labels of every URL, the resources module untouched; valid and idempotent', async () => {
    assert.match(first, /instrument 9 handlers one line each, new telemetry_routes\.py/);
    assert.doesNotMatch(first, /skipped/);
    const resources = path.join(wrapped, 'resources.py');
    assert.equal(fs.readFileSync(resources, 'utf8'), fs.readFileSync(path.join(original, 'resources.py'), 'utf8'));
    assert.match(instrumented, /^from telemetry_routes import observe_resource$/m);
    assert.match(
      instrumented,
      /^api\.add_resource\(observe_resource\(Book, "\/api\/books\/<int:book_id>", "\/api\/volumes\/<int:book_id>"\), "\/books\/<int:book_id>", "\/volumes\/<int:book_id>"\)$/m,
    );
    assert.match(instrumented, /^api\.add_resource\(observe_resource\(Health, "\/api\/ready"\), "\/ready", endpoint="ready"\)$/m);
    for (const f of ['app.py', 'telemetry_routes.py']) assert.ok(pyCompile(path.join(wrapped, f)).ok, f);
    const again = await cli(wrapped, 'instrument', 'app.py', '--all');
    assert.match(again.out, /already instrumented/);
    assert.equal(fs.readFileSync(path.join(wrapped, 'app.py'), 'utf8'), instrumented, 'a second run changes nothing');
  });

  it('answers exactly as before (returned tuples, Response, abort(404), an unhandled error) with the same endpoints', async () => {
    await withMetricsEndpoint();
    const a = runPython(PROBE, original);
    const b = runPython(PROBE, wrapped);
    assert.equal(a.status, 0, a.out);
    assert.equal(b.status, 0, b.out);
    const before = answers(a.out);
    assert.ok(before?.includes('book 9 not found') && before.includes('/api/books/3'), before);
    assert.equal(answers(b.out), before);
  });

  it('/metrics counts each URL of a resource under its own route label and status; spans carry the route parameters', async () => {
    await withMetricsEndpoint();
    const b = runPython(
      [
        PROBE,
        'print(c.get("/metrics").get_data(as_text=True))',
        'from opentelemetry.trace import SPANS',
        'print("BOOK", [s.attributes for s in SPANS if s.name == "GET /api/books/<int:book_id>"][0])',
        'print("ERRORS", sorted(s.name for s in SPANS if s.status is not None))',
      ].join('\n'),
      wrapped,
    );
    assert.equal(b.status, 0, b.out);
    const count = (method: string, route: string, status: number) =>
      new RegExp(`^http_requests_total\\{method="${method}",route="${route}",status="${status}"\\} (\\d+)\\.0$`, 'm').exec(b.out)?.[1];
    assert.equal(count('GET', '/api/books', 200), '1');
    assert.equal(count('POST', '/api/books', 201), '1', 'the status of a returned (body, status, headers)');
    assert.equal(count('GET', '/api/books/<int:book_id>', 200), '1');
    assert.equal(count('GET', '/api/books/<int:book_id>', 404), '1', 'abort(404)');
    assert.equal(count('DELETE', '/api/books/<int:book_id>', 204), '1');
    assert.equal(count('GET', '/api/volumes/<int:book_id>', 200), '1', 'the second URL of the resource has its own label');
    assert.equal(count('GET', '/api/health', 200), '1', 'a returned Response');
    assert.equal(count('GET', '/api/ready', 200), '1', 'the same resource added again has its own label');
    assert.equal(count('GET', '/api/broken', 500), '1', 'an unhandled error');
    assert.doesNotMatch(b.out, /route="\/api\/nothing"/);
    assert.match(b.out, /^BOOK \{'http\.route': '\/api\/books\/<int:book_id>', 'http\.route\.param\.book_id': '1'\}$/m);
    // a raised error is recorded on the span, as for every framework's raised HTTP errors
    assert.match(b.out, /^ERRORS \['GET \/api\/books\/<int:book_id>', 'GET \/api\/broken'\]$/m);
  });
});
