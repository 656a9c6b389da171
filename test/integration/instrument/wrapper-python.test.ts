/**
 * The wrapper style on Debian's real FastAPI and Flask (/usr/bin/python3): the original app and the instrumented one
 * (one line per handler + telemetry_routes.py) answer every request identically, FastAPI's OpenAPI document is
 * unchanged (dependencies, path, query and body parameters all still seen through the decorator), Flask keeps its
 * endpoint names, /metrics counts by route and status, and spans (a recording opentelemetry stub; the real package
 * is not installed) carry http.route and the route parameters.
 */
import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyEdits, DEFAULT_OPTIONS, planAppSetup, planInstrumentFile } from '../../../src/core/instrument/planner';
import { detectRoutes } from '../../../src/core/routes/detector';
import { planWrappedCopy } from '../../support/instrument/cases';
import { tempTree } from '../../support/tempTree';
import { FIXTURES } from '../../support/instrument/helpers';
import { getText, pyCompile, runPython, scratchDir, startUvicorn, writeOtelStub } from '../../support/instrument/pyenv';

/** Copies a fixture folder twice: `original/` as is, `wrapped/` with app.py instrumented (wrapper style), its helper and /metrics. */
async function prepare(name: string, fixture: string): Promise<{ original: string; wrapped: string; helper: string }> {
  const { original, wrapped, file, text, plan } = await planWrappedCopy(scratchDir(name), fixture, 'app.py', (f) => f.endsWith('.py'));
  let out = applyEdits(text, plan.edits);
  const setup = await planAppSetup(out, file, 'metrics-endpoint', DEFAULT_OPTIONS);
  out = applyEdits(out, setup.plan.edits);
  fs.writeFileSync(file, out);
  const helper = plan.newFiles![0]!;
  assert.equal(helper.path, path.join(wrapped, 'telemetry_routes.py'));
  fs.writeFileSync(helper.path, helper.content);
  writeOtelStub(wrapped);
  for (const f of [file, helper.path]) assert.ok(pyCompile(f).ok, pyCompile(f).output);
  return { original, wrapped, helper: helper.path };
}

/** Instruments (wrapper style) every file of `wrapped` whose name matches `route`, writing it and the helpers its
 *  plans create; each file still compiles. The routes, each file's import of the helper, and the helpers written. */
async function instrumentTree(files: Record<string, string>, wrapped: string, route: RegExp) {
  const sources = Object.entries(files).map(([rel, text]) => ({ path: path.join(wrapped, rel), text }));
  const routes = await detectRoutes(sources);
  const helpers = new Set<string>();
  const imports: string[] = [];
  for (const { path: file, text } of sources.filter((s) => route.test(s.path))) {
    const plan = await planInstrumentFile(
      text,
      file,
      routes.filter((r) => r.file === file),
      ['counter', 'histogram', 'span'],
      DEFAULT_OPTIONS,
    );
    const out = applyEdits(text, plan.edits);
    imports.push(...(out.match(/^from \S*telemetry_routes import observe_route$/m) ?? [file]));
    fs.writeFileSync(file, out);
    assert.ok(pyCompile(file).ok, pyCompile(file).output);
    for (const h of plan.newFiles ?? []) {
      helpers.add(h.path);
      fs.writeFileSync(h.path, h.content);
    }
  }
  return { routes, imports, helpers };
}

/** Appended after instrumentation: a route with a credential in its path, and a debug route (not instrumented): the recorded spans. */
const SPANS_ROUTE = [
  '',
  '',
  '@app.get("/_invites/{invite_id}/{token}")',
  '@observe_route("GET", "/_invites/{invite_id}/{token}")',
  'def _accept(invite_id: int, token: str):',
  '    return {"ok": True}',
  '',
  '',
  '@app.get("/_spans")',
  'def _spans():',
  '    from opentelemetry.trace import SPANS',
  '    return [{"name": s.name, "attributes": s.attributes, "error": s.status is not None} for s in SPANS]',
  '',
].join('\n');

/** The probe runs in both trees: each app starts, and both print the same. */
function assertSameAnswers(probe: string, original: string, wrapped: string, message: string): void {
  const [a, b] = [runPython(probe, original), runPython(probe, wrapped)];
  assert.equal(a.status, 0, a.out);
  assert.equal(b.status, 0, b.out);
  assert.equal(b.out, a.out, message);
}

describe('wrapper style on FastAPI under uvicorn: handlers in another module, dependencies, bodies, streaming', () => {
  const servers: { proc: ChildProcess; port: number }[] = [];
  let orig = '';
  let wrap = '';
  before(async () => {
    const { original, wrapped } = await prepare('wrap-fastapi', 'fastapi-crossfile');
    fs.appendFileSync(path.join(wrapped, 'app.py'), SPANS_ROUTE);
    for (const d of [original, wrapped]) servers.push(await startUvicorn(d, 'app:app'));
    [orig, wrap] = servers.map((s) => `http://127.0.0.1:${s.port}`) as [string, string];
  });
  after(() => {
    for (const s of servers) s.proc.kill('SIGTERM');
  });

  const REQUESTS: [string, string, string?][] = [
    ['GET', '/api/items/1'],
    ['GET', '/api/items/1?verbose=true'],
    ['GET', '/api/items/7'],
    ['GET', '/api/items/abc'],
    ['GET', '/api/stock/1'],
    ['POST', '/api/items', '{"name": "ink", "price": 2.5}'],
    ['POST', '/api/items', '{"price": 1}'],
    ['GET', '/api/feed'],
    ['GET', '/api/legacy/1'],
    ['GET', '/health'],
  ];

  it('every request answers exactly as before, and the OpenAPI document is unchanged', async () => {
    const ask = async (base: string, [method, p, body]: [string, string, string?]) => {
      const r = await fetch(base + p, { method, ...(body ? { body, headers: { 'content-type': 'application/json' } } : {}) });
      return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
    };
    await getText(`${orig}/health`);
    for (const req of REQUESTS) assert.deepEqual(await ask(wrap, req), await ask(orig, req), req.join(' '));
    const spec = (await getText(`${orig}/openapi.json`)).body;
    assert.match(spec, /"verbose"/, 'the query parameter is in the original spec');
    assert.match(spec, /"#\/components\/schemas\/Item"/, 'so is the body model');
    assert.deepEqual(
      JSON.parse((await getText(`${wrap}/openapi.json`)).body).paths['/api/items/{item_id}'],
      JSON.parse(spec).paths['/api/items/{item_id}'],
    );
    assert.deepEqual(JSON.parse((await getText(`${wrap}/openapi.json`)).body).components, JSON.parse(spec).components);
  });

  it('/metrics counts each registration under its own route label; spans carry http.route and the parameters', async () => {
    const m = (await getText(`${wrap}/metrics`)).body;
    const count = (labels: string) =>
      new RegExp(`^http_requests_total\\{${labels.replace(/[{}/]/g, '\\$&')}\\} (\\d+)\\.0$`, 'm').exec(m)?.[1];
    assert.equal(count('method="GET",route="/api/items/{item_id}",status="200"'), '2');
    assert.equal(count('method="GET",route="/api/items/{item_id}",status="404"'), '1');
    assert.equal(count('method="GET",route="/api/stock/{item_id}",status="200"'), '1', 'the shared handler has its own label');
    assert.equal(count('method="POST",route="/api/items",status="201"'), '1', 'status_code=201 of the registration');
    assert.equal(count('method="GET",route="/api/feed",status="200"'), '1');
    assert.equal(count('method="GET",route="/api/legacy/{item_id}",status="200"'), '1', 'a route decorator applied by a call');
    assert.equal(count('method="GET",route="/health",status="200"'), '1');
    assert.match(m, /^http_request_duration_seconds_count\{method="GET",route="\/api\/items\/\{item_id\}",status="200"\} 2\.0$/m);
    const spans = JSON.parse((await getText(`${wrap}/_spans`)).body) as {
      name: string;
      attributes: Record<string, string>;
      error: boolean;
    }[];
    const item = spans.find((s) => s.name === 'GET /api/items/{item_id}' && !s.error);
    assert.deepEqual(item?.attributes, { 'http.route': '/api/items/{item_id}', 'http.route.param.item_id': '1' });
    await getText(`${wrap}/_invites/3/s3cret`);
    const invite = (JSON.parse((await getText(`${wrap}/_spans`)).body) as typeof spans).find((s) => s.name.includes('/_invites/'));
    assert.deepEqual(
      invite?.attributes,
      { 'http.route': '/_invites/{invite_id}/{token}', 'http.route.param.invite_id': '3' },
      'a parameter that may carry a credential is not recorded',
    );
    assert.ok(
      spans.some((s) => s.name === 'GET /api/items/{item_id}' && s.error),
      'the HTTPException is recorded',
    );
  });
});

describe('wrapper style on FastAPI: decorators under the route decorators', () => {
  it('answers as before; declared status, `response: Response` status and the request method of a GET|POST route are counted', async () => {
    const { original, wrapped } = await prepare('wrap-fastapi-dec', 'fastapi');
    const servers = [await startUvicorn(original, 'app:app'), await startUvicorn(wrapped, 'app:app')];
    try {
      const [orig, wrap] = servers.map((s) => `http://127.0.0.1:${s.port}`) as [string, string];
      await getText(`${orig}/health`);
      for (const [method, p] of [
        ['GET', '/users/1'],
        ['GET', '/users/42'],
        ['POST', '/users?name=bob'],
        ['GET', '/health'],
        ['GET', '/items'],
        ['POST', '/items'],
      ]) {
        const ask = async (base: string) => {
          const r = await fetch(base + p!, { method });
          return { status: r.status, body: await r.text() };
        };
        assert.deepEqual(await ask(wrap), await ask(orig), `${method} ${p}`);
      }
      // operationId of a two-method route comes from set iteration order (string hash seed): it differs between any two processes
      const spec = (u: string) =>
        getText(`${u}/openapi.json`).then(
          (r) => JSON.parse(r.body, (k, v: unknown) => (k === 'operationId' ? undefined : v)) as { paths: unknown },
        );
      assert.deepEqual((await spec(wrap)).paths, (await spec(orig)).paths);
      const m = (await getText(`${wrap}/metrics`)).body;
      assert.match(m, /^http_requests_total\{method="POST",route="\/users",status="201"\} 1\.0$/m);
      assert.match(m, /^http_requests_total\{method="POST",route="\/items",status="201"\} 1\.0$/m);
      assert.match(m, /^http_requests_total\{method="GET",route="\/items",status="200"\} 1\.0$/m);
      assert.match(m, /^http_requests_total\{method="GET",route="\/users\/\{user_id\}",status="404"\} 1\.0$/m);
    } finally {
      for (const s of servers) s.proc.kill('SIGTERM');
    }
  });
});

describe('wrapper style on Flask (WSGI test client)', () => {
  it('answers as before, keeps the endpoint names, counts tuple statuses and multi-method routes, traces', async () => {
    const { original, wrapped } = await prepare('wrap-flask', 'flask');
    const probe = [
      'import json',
      'from app import app',
      'c = app.test_client()',
      'out = [(r.status_code, r.get_data(as_text=True)) for r in (c.get("/items/7"), c.get("/items/700"), c.post("/items"), c.get("/items"), c.get("/ready"))]',
      'print(json.dumps({"out": out, "endpoints": sorted(r.endpoint for r in app.url_map.iter_rules() if r.endpoint != "prometheus_metrics")}))',
    ].join('\n');
    const a = runPython(probe, original);
    const b = runPython(
      `${probe}\nprint(c.get("/metrics").get_data(as_text=True))\nfrom opentelemetry.trace import SPANS\nprint([s.attributes for s in SPANS][0])\nprint("errors", sorted(s.name for s in SPANS if s.status is not None))`,
      wrapped,
    );
    assert.equal(a.status, 0, a.out);
    assert.equal(b.status, 0, b.out);
    assert.equal(b.out.split('\n')[0], a.out.split('\n')[0], 'same answers and the same endpoint names');
    assert.match(b.out, /^http_requests_total\{method="GET",route="\/items\/<int:item_id>",status="200"\} 1\.0$/m);
    assert.match(b.out, /^http_requests_total\{method="GET",route="\/items\/<int:item_id>",status="404"\} 1\.0$/m);
    assert.match(b.out, /^http_requests_total\{method="GET",route="\/ready",status="503"\} 1\.0$/m);
    assert.match(b.out, /^errors \['GET \/ready'\]$/m, 'a returned 5xx marks the span as an error; a 404 does not');
    assert.match(
      b.out,
      /^http_requests_total\{method="POST",route="\/items",status="200"\} 1\.0$/m,
      'the request method of a GET|POST route',
    );
    assert.match(b.out, /^http_requests_total\{method="GET",route="\/items",status="200"\} 1\.0$/m);
    assert.match(b.out, /\{'http\.route': '\/items\/<int:item_id>', 'http\.route\.param\.item_id': '7'\}/);
  });
});

describe('wrapper style: sync, async, generator and async generator handlers', () => {
  it('each is observed until it finishes, returns what it returned, and keeps name and signature', () => {
    const dir = scratchDir('wrap-kinds');
    writeOtelStub(dir);
    const helper = path.join(FIXTURES, 'fastapi', 'telemetry_routes.expected.py');
    fs.copyFileSync(helper, path.join(dir, 'telemetry_routes.py'));
    const r = runPython(
      [
        'import asyncio, inspect',
        'from prometheus_client import REGISTRY',
        'from telemetry_routes import observe_route',
        'def count(route, status="200"):',
        '    return REGISTRY.get_sample_value("http_requests_total", {"method": "GET", "route": route, "status": status})',
        '@observe_route("GET", "/s/{n}")',
        'def s(n: int, q: str = "x"):',
        '    """doc"""',
        '    return {"n": n}',
        '@observe_route("GET", "/a")',
        'async def a():',
        '    return "a"',
        '@observe_route("GET", "/g")',
        'def g():',
        '    yield 1',
        '    yield 2',
        '@observe_route("GET", "/ag")',
        'async def ag():',
        '    yield 1',
        '    raise ValueError("late")',
        'assert s(3) == {"n": 3} and s.__name__ == "s" and s.__doc__ == "doc"',
        'assert str(inspect.signature(s)) == "(n: int, q: str = \'x\')", inspect.signature(s)',
        'assert asyncio.run(a()) == "a" and inspect.iscoroutinefunction(a)',
        'it = g()',
        'assert count("/g") is None, "not finished yet"',
        'assert list(it) == [1, 2] and count("/g") == 1.0',
        'async def drain():',
        '    got = []',
        '    try:',
        '        async for x in ag():',
        '            got.append(x)',
        '    except ValueError:',
        '        return got',
        'assert asyncio.run(drain()) == [1] and inspect.isasyncgenfunction(ag)',
        'assert count("/s/{n}") == 1.0 and count("/a") == 1.0 and count("/ag", "500") == 1.0',
        'print("ok")',
      ].join('\n'),
      dir,
    );
    assert.equal(r.status, 0, r.out);
  });
});

describe('wrapper style on Flask: stacked route decorators on one view', () => {
  it('one decorator under the last of them: every URL keeps one function and its endpoint name, and is counted under its own label', async () => {
    const app = [
      'from flask import Blueprint, Flask, request',
      '',
      'app = Flask(__name__)',
      'admin = Blueprint("admin", __name__, url_prefix="/admin")',
      '',
      '',
      '@admin.route("/roles")',
      '@admin.route("/roles/<int:role_id>")',
      '@admin.route("/roles/<int:role_id>/clone", methods=["POST"])',
      'def roles_view(role_id=None):',
      '    return {"role": role_id, "clone": request.path.endswith("/clone")}',
      '',
      '',
      'app.register_blueprint(admin)',
      '',
    ].join('\n');
    const [original, wrapped] = [tempTree({ 'app.py': app }), tempTree({ 'app.py': app })];
    const file = path.join(wrapped, 'app.py');
    const routes = await detectRoutes([{ path: file, text: app }]);
    assert.equal(routes.length, 3);
    const plan = await planInstrumentFile(app, file, routes, ['counter', 'histogram', 'span'], DEFAULT_OPTIONS);
    assert.equal(plan.refused, undefined, plan.summary);
    const out = applyEdits(app, plan.edits);
    assert.match(
      out,
      /@admin\.route\("\/roles\/<int:role_id>\/clone", methods=\["POST"\]\)\n@observe_route\("GET\|POST", "\/admin\/roles", "\/admin\/roles\/<int:role_id>", "\/admin\/roles\/<int:role_id>\/clone"\)\ndef /,
    );
    fs.writeFileSync(file, out);
    fs.writeFileSync(plan.newFiles![0]!.path, plan.newFiles![0]!.content);
    writeOtelStub(wrapped);
    const requests = 'c.get("/admin/roles"), c.get("/admin/roles/3"), c.get("/admin/roles/3"), c.post("/admin/roles/4/clone")';
    const probe = [
      'import json',
      'from app import app',
      'c = app.test_client()',
      `out = [(r.status_code, r.get_json()) for r in (${requests})]`,
      'print(json.dumps({"out": out, "endpoints": sorted(r.endpoint for r in app.url_map.iter_rules())}))',
    ].join('\n');
    assertSameAnswers(
      probe,
      original,
      wrapped,
      'the same answers and endpoint names: Flask does not see two functions under admin.roles_view',
    );
    const counted = runPython(
      [
        'from prometheus_client import REGISTRY',
        'from app import app',
        'c = app.test_client()',
        `for r in (${requests}):`,
        '    assert r.status_code == 200',
        'samples = [(s.labels["method"], s.labels["route"], s.value) for m in REGISTRY.collect() if m.name == "http_requests" for s in m.samples if s.name == "http_requests_total"]',
        'print(sorted(samples))',
      ].join('\n'),
      wrapped,
    );
    assert.equal(counted.status, 0, counted.out);
    assert.equal(
      counted.out.trim(),
      "[('GET', '/admin/roles', 1.0), ('GET', '/admin/roles/<int:role_id>', 2.0), ('POST', '/admin/roles/<int:role_id>/clone', 1.0)]",
      'each request counted under the route it matched, with its own method',
    );
  });
});

describe('wrapper style on FastAPI under uvicorn: stacked route decorators on one endpoint', () => {
  it('one wrapper per route decorator: both answer as before, each request counted once, under the route it came by', async () => {
    const app = 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/a")\n@app.get("/b")\ndef read():\n    return {"x": 1}\n';
    const wrapped = tempTree({ 'app.py': app });
    const file = path.join(wrapped, 'app.py');
    const plan = await planInstrumentFile(
      app,
      file,
      await detectRoutes([{ path: file, text: app }]),
      ['counter', 'histogram', 'span'],
      DEFAULT_OPTIONS,
    );
    assert.doesNotMatch(plan.summary, /skipped|refused/);
    let out = applyEdits(app, plan.edits);
    out = applyEdits(out, (await planAppSetup(out, file, 'metrics-endpoint', DEFAULT_OPTIONS)).plan.edits);
    fs.writeFileSync(file, out);
    fs.writeFileSync(plan.newFiles![0]!.path, plan.newFiles![0]!.content);
    writeOtelStub(wrapped);
    const server = await startUvicorn(wrapped, 'app:app');
    try {
      const base = `http://127.0.0.1:${server.port}`;
      for (const p of ['/a', '/b', '/b']) assert.deepEqual(await getText(base + p), { status: 200, body: '{"x":1}' });
      const metrics = (await getText(`${base}/metrics`)).body;
      assert.match(metrics, /^http_requests_total\{method="GET",route="\/a",status="200"\} 1\.0$/m);
      assert.match(metrics, /^http_requests_total\{method="GET",route="\/b",status="200"\} 2\.0$/m);
      assert.match(metrics, /^http_request_duration_seconds_count\{method="GET",route="\/a",status="200"\} 1\.0$/m);
    } finally {
      server.proc.kill('SIGTERM');
    }
  });
});

describe('wrapper style on Flask: blueprints in a package the app imports as apps.<name>, run from the repository root', () => {
  it('every blueprint imports the one helper as apps.telemetry_routes and the app starts and answers as before', async () => {
    const view = (name: string, head = '') =>
      `${head}from flask import Blueprint\n\n${name} = Blueprint("${name}", __name__)\n\n\n@${name}.route("/<data>")\ndef page(data):\n    return {"${name}": data}\n`;
    const files: Record<string, string> = {
      'apps/app.py': [
        'from flask import Flask',
        '',
        '',
        'def create_app():',
        '    app = Flask(__name__)',
        '    from apps.logistics import views as logistics_views',
        '    from apps.overcome import views as overcome_views',
        '    from apps.crud import views as crud_views',
        '    app.register_blueprint(logistics_views.logistics, url_prefix="/logistics")',
        '    app.register_blueprint(overcome_views.overcome, url_prefix="/overcome")',
        '    app.register_blueprint(crud_views.crud, url_prefix="/crud")',
        '    return app',
        '',
      ].join('\n'),
      'apps/config.py': 'NAME = "x"\n',
      'apps/logistics/__init__.py': '',
      'apps/logistics/views.py': view('logistics'),
      'apps/overcome/views.py': view('overcome'),
      'apps/crud/views.py': view('crud', 'from apps.config import NAME\n'),
    };
    const [original, wrapped] = [tempTree(files), tempTree(files)];
    const { imports, helpers } = await instrumentTree(files, wrapped, /views\.py$/);
    assert.deepEqual(imports, Array(3).fill('from apps.telemetry_routes import observe_route'));
    assert.deepEqual([...helpers], [path.join(wrapped, 'apps', 'telemetry_routes.py')], 'one helper for the service');
    writeOtelStub(wrapped);
    const probe = [
      'import json',
      'from apps.app import create_app',
      'c = create_app().test_client()',
      'print(json.dumps([c.get(u).get_json() for u in ("/logistics/a", "/overcome/b", "/crud/c")]))',
    ].join('\n');
    assertSameAnswers(probe, original, wrapped, 'the same answers from the repository root');
  });
});

describe('wrapper style on Flask: blueprint packages in a namespace folder of the app package (no __init__.py)', () => {
  it('a relative and an absolute importer share app/telemetry_routes.py, one module at run time; the app answers as before', async () => {
    const pkg = (name: string) => `from flask import Blueprint\n\n${name}_bp = Blueprint("${name}", __name__)\n\nfrom . import routes\n`;
    const view = (name: string, head: string) =>
      `${head}\n\n\n@${name}_bp.route("/<data>")\ndef page(data):\n    return {"${name}": data, "name": NAME}\n`;
    const files: Record<string, string> = {
      'app/__init__.py': [
        'from flask import Flask',
        '',
        '',
        'def create_app():',
        '    app = Flask(__name__)',
        '    from app.blueprints.tasks import tasks_bp',
        '    from app.blueprints.cp import cp_bp',
        '    app.register_blueprint(tasks_bp, url_prefix="/tasks")',
        '    app.register_blueprint(cp_bp, url_prefix="/cp")',
        '    return app',
        '',
      ].join('\n'),
      'app/extensions.py': 'NAME = "x"\n',
      'app/blueprints/tasks/__init__.py': pkg('tasks'),
      // a local blueprint rebound to the package's before the routes (supplier_portal's tasks/routes.py)
      'app/blueprints/tasks/routes.py': view(
        'tasks',
        'from flask import Blueprint\n\ntasks_bp = Blueprint("tasks", __name__)\n\nfrom . import tasks_bp\nfrom ...extensions import NAME',
      ),
      'app/blueprints/cp/__init__.py': pkg('cp'),
      'app/blueprints/cp/routes.py': view('cp', 'from app.extensions import NAME\nfrom app.blueprints.cp import cp_bp'),
    };
    const [original, wrapped] = [tempTree(files), tempTree(files)];
    const { routes, imports, helpers } = await instrumentTree(files, wrapped, /routes\.py$/);
    assert.deepEqual(routes.map((r) => r.fullPath).sort(), ['/cp/<data>', '/tasks/<data>']);
    assert.deepEqual(imports, ['from ...telemetry_routes import observe_route', 'from app.telemetry_routes import observe_route']);
    assert.deepEqual([...helpers], [path.join(wrapped, 'app', 'telemetry_routes.py')], 'one helper for the service');
    writeOtelStub(wrapped);
    const probe = [
      'import json',
      'from app import create_app',
      'c = create_app().test_client()',
      'print(json.dumps([c.get(u).get_json() for u in ("/tasks/a", "/cp/b")]))',
    ].join('\n');
    assertSameAnswers(probe, original, wrapped, 'the same answers');
    const loaded = runPython(
      'import sys\nfrom app import create_app\ncreate_app()\nprint([m for m in sys.modules if m.endswith("telemetry_routes")])',
      wrapped,
    );
    assert.equal(loaded.out.trim(), "['app.telemetry_routes']", 'one helper module at run time');
  });
});

describe('wrapper style on FastAPI: routers in namespace packages imported relatively, run as `uvicorn backend.routes.api:app`', () => {
  it('a router importing nothing of the project shares the one helper with its siblings; the app starts and answers as before', async () => {
    // UniJob's layout: no __init__.py; `import telemetry_routes` from backend/routes/edu.py would stop the app starting
    const router = (p: string, head = '') =>
      `${head}from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("${p}")\ndef page():\n    return {"page": "${p}"}\n`;
    const files: Record<string, string> = {
      'backend/routes/api.py': [
        'from fastapi import FastAPI',
        'from .edu import router as edu_router',
        'from .auth_page import router as auth_router',
        '',
        'app = FastAPI()',
        'app.include_router(edu_router)',
        'app.include_router(auth_router)',
        '',
      ].join('\n'),
      'backend/routes/edu.py': router('/courses'),
      'backend/routes/auth_page.py': router('/auth', 'from ..database.models import NAME\nfrom backend.database.fake import FAKE\n'),
      'backend/database/models.py': 'NAME = "x"\n',
      'backend/database/fake.py': 'FAKE = []\n',
    };
    const [original, wrapped] = [tempTree(files), tempTree(files)];
    const { imports, helpers } = await instrumentTree(files, wrapped, /(edu|auth_page)\.py$/);
    assert.deepEqual(imports.sort(), [
      'from ..telemetry_routes import observe_route',
      'from backend.telemetry_routes import observe_route',
    ]);
    assert.deepEqual([...helpers], [path.join(wrapped, 'backend', 'telemetry_routes.py')], 'one helper for the service');
    writeOtelStub(wrapped);
    const servers = [await startUvicorn(original, 'backend.routes.api:app'), await startUvicorn(wrapped, 'backend.routes.api:app')];
    try {
      const [orig, wrap] = servers.map((s) => `http://127.0.0.1:${s.port}`) as [string, string];
      for (const p of ['/courses', '/auth']) assert.deepEqual(await getText(wrap + p), await getText(orig + p), p);
    } finally {
      for (const s of servers) s.proc.kill('SIGTERM');
    }
    const counted = runPython(
      [
        'import sys',
        'from prometheus_client import REGISTRY',
        'from backend.routes import edu, auth_page',
        'edu.page(), auth_page.page()',
        'print([m for m in sys.modules if m.endswith("telemetry_routes")])',
        'print(sorted(s.labels["route"] for m in REGISTRY.collect() for s in m.samples if s.name == "http_requests_total"))',
      ].join('\n'),
      wrapped,
    );
    assert.equal(counted.status, 0, counted.out);
    assert.equal(counted.out.trim(), "['backend.telemetry_routes']\n['/auth', '/courses']", 'one helper module, both routes counted');
  });
});

describe('wrapper style on FastAPI: route modules in a folder without __init__.py and in a package, run as `uvicorn main:app` from the root', () => {
  it('both import the one helper at the root top level; the app starts and answers as before', async () => {
    // support-mate's layout: config/ has no __init__.py, routes/ gathers its routers in routes/__init__.py
    const router = (p: string, head: string) =>
      `${head}from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("${p}")\ndef page():\n    return {"page": "${p}"}\n`;
    const files: Record<string, string> = {
      'main.py': [
        'from fastapi import FastAPI',
        'from config.web import router as web_router',
        'from routes import api_router',
        '',
        'app = FastAPI()',
        'app.include_router(web_router)',
        'app.include_router(api_router)',
        '',
      ].join('\n'),
      'config/settings.py': 'NAME = "x"\n',
      'config/web.py': router('/health', 'from config.settings import NAME\n'),
      'routes/__init__.py':
        'from fastapi import APIRouter\nfrom .tickets import router\n\napi_router = APIRouter()\napi_router.include_router(router)\n',
      'routes/tickets.py': router('/tickets', 'from services.tickets import TICKETS\n'),
      'services/tickets.py': 'TICKETS = []\n',
    };
    const [original, wrapped] = [tempTree(files), tempTree(files)];
    const { imports, helpers } = await instrumentTree(files, wrapped, /(config\/web|routes\/tickets)\.py$/);
    assert.deepEqual(imports, ['from telemetry_routes import observe_route', 'from telemetry_routes import observe_route']);
    assert.deepEqual([...helpers], [path.join(wrapped, 'telemetry_routes.py')], 'one helper for the service');
    writeOtelStub(wrapped);
    const servers = [await startUvicorn(original, 'main:app'), await startUvicorn(wrapped, 'main:app')];
    try {
      const [orig, wrap] = servers.map((s) => `http://127.0.0.1:${s.port}`) as [string, string];
      for (const p of ['/health', '/tickets']) assert.deepEqual(await getText(wrap + p), await getText(orig + p), p);
    } finally {
      for (const s of servers) s.proc.kill('SIGTERM');
    }
    const counted = runPython(
      [
        'import sys',
        'from prometheus_client import REGISTRY',
        'from config import web',
        'from routes import tickets',
        'web.page(), tickets.page()',
        'print([m for m in sys.modules if m.endswith("telemetry_routes")])',
        'print(sorted(s.labels["route"] for m in REGISTRY.collect() for s in m.samples if s.name == "http_requests_total"))',
      ].join('\n'),
      wrapped,
    );
    assert.equal(counted.status, 0, counted.out);
    assert.equal(counted.out.trim(), "['telemetry_routes']\n['/health', '/tickets']", 'one helper module, both routes counted');
  });
});

describe('wrapper style on Flask: one blueprint registered under two prefixes', () => {
  it('answers as before and counts each request under the prefix it came through', async () => {
    const files = {
      'app.py': [
        'from flask import Blueprint, Flask',
        '',
        'bp = Blueprint("photo", __name__)',
        '',
        '',
        '@bp.route("/a/<int:id>")',
        'def a(id):',
        '    return {"id": id}',
        '',
        '',
        'app = Flask(__name__)',
        'app.register_blueprint(bp)',
        'app.register_blueprint(bp, url_prefix="/photo", name="photo2")',
        '',
      ].join('\n'),
    };
    const [original, wrapped] = [tempTree(files), tempTree(files)];
    await instrumentTree(files, wrapped, /app\.py$/);
    writeOtelStub(wrapped);
    const probe =
      'from app import app\nc = app.test_client()\nprint([(c.get(u).get_json(), c.get(u).status_code) for u in ("/a/1", "/photo/a/2")])';
    assertSameAnswers(probe, original, wrapped, 'the same answers under both prefixes');
    const counted = runPython(
      [
        'from prometheus_client import REGISTRY',
        'from app import app',
        'c = app.test_client()',
        'c.get("/a/1"), c.get("/photo/a/2"), c.get("/photo/a/3")',
        'print(sorted((s.labels["route"], s.value) for m in REGISTRY.collect() for s in m.samples if s.name == "http_requests_total"))',
      ].join('\n'),
      wrapped,
    );
    assert.equal(counted.status, 0, counted.out);
    assert.equal(counted.out.trim(), "[('/a/<int:id>', 1.0), ('/photo/a/<int:id>', 2.0)]");
  });
});
