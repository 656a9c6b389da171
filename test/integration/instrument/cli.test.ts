/** `telemetry-lens instrument`: route selection, dry-run diff, atomic in-place writes, idempotence, app setup. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyPatch } from 'diff';
import { main } from '../../../src/cli/main';
import { FIXTURES } from '../../support/instrument/helpers';
import { scratchDir } from '../../support/instrument/pyenv';
import { tempTree } from '../../support/tempTree';

async function run(cwd: string, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s), cwd });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function copyFixture(name: string, rel: string): { dir: string; file: string; text: string } {
  const dir = scratchDir(`cli-${name}`);
  const file = path.join(dir, path.basename(rel));
  fs.copyFileSync(path.join(FIXTURES, rel), file);
  fs.writeFileSync(path.join(dir, 'pyproject.toml'), ''); // project root marker: the CLI scans this folder only
  return { dir, file, text: fs.readFileSync(file, 'utf8') };
}

describe('telemetry-lens instrument', () => {
  it('--dry-run prints a unified diff that applies cleanly, and writes nothing', async () => {
    const { dir, file, text } = copyFixture('dry', 'fastapi/app.py');
    const r = await run(dir, 'instrument', '--style', 'inline', 'app.py', '--all', '--dry-run');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^--- a\/app\.py\n\+\+\+ b\/app\.py\n@@ /m);
    assert.match(r.out, /^\+ {4}HTTP_REQUESTS_TOTAL = Counter\($/m);
    assert.match(r.err, /\(dry run\) instrument 4 handlers/);
    assert.equal(fs.readFileSync(file, 'utf8'), text);
    const patched = applyPatch(text, r.out);
    assert.equal(typeof patched, 'string');
    assert.equal(patched, fs.readFileSync(path.join(FIXTURES, 'fastapi/app.expected.py'), 'utf8'));
  });

  it('--route instruments one handler in place (atomically), and a second run changes nothing', async () => {
    const { dir, file } = copyFixture('route', 'express/app.ts');
    const r = await run(dir, 'instrument', '--style', 'inline', 'app.ts', '--route', 'GET /users/:id', '--aspects', 'counter,span');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /instrument 1 handler with counter, span: GET \/users\/:id/);
    const once = fs.readFileSync(file, 'utf8');
    assert.equal(once.match(/startActiveSpan/g)?.length, 1);
    assert.doesNotMatch(once, /Histogram/);
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
      'no temp file left behind',
    );
    const again = await run(dir, 'instrument', '--style', 'inline', 'app.ts', '--route', 'GET /users/:id', '--aspects', 'counter,span');
    assert.equal(again.code, 0);
    assert.match(again.err, /nothing to change: already instrumented/);
    assert.equal(fs.readFileSync(file, 'utf8'), once);
  });

  it('scans the project so route labels carry prefixes set in other files (--single-file: as written)', async () => {
    const dir = scratchDir('cli-prefix');
    fs.writeFileSync(path.join(dir, 'requirements.txt'), 'fastapi\n');
    fs.writeFileSync(
      path.join(dir, 'main.py'),
      'from fastapi import FastAPI\nimport users\n\napp = FastAPI()\napp.include_router(users.router, prefix="/api")\n',
    );
    const usersPy =
      'from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/users/{user_id}")\ndef get_user(user_id: int):\n    return {"id": user_id}\n';
    fs.writeFileSync(path.join(dir, 'users.py'), usersPy);
    const scanned = await run(
      dir,
      'instrument',
      '--style',
      'inline',
      'users.py',
      '--route',
      'GET /api/users/{user_id}',
      '--aspects',
      'counter',
      '--dry-run',
    );
    assert.equal(scanned.code, 0, scanned.err);
    assert.match(
      scanned.out,
      /HTTP_REQUESTS_TOTAL\.labels\(method="GET", route="\/api\/users\/\{user_id\}", status=_telemetry_code\)\.inc\(\)/,
    );
    const single = await run(
      dir,
      'instrument',
      '--style',
      'inline',
      'users.py',
      '--all',
      '--aspects',
      'counter',
      '--dry-run',
      '--single-file',
    );
    assert.equal(single.code, 0, single.err);
    assert.match(single.out, /route="\/users\/\{user_id\}"/);
  });

  it("a plugin a test registers on its own instance is labelled with the service's path alone (tests are not scanned)", async () => {
    const dir = tempTree({
      'package.json': '{"name":"svc","dependencies":{"fastify":"4"}}',
      'src/routes.ts':
        "import type { FastifyInstance } from 'fastify';\nexport async function invoiceRoutes(app: FastifyInstance) {\n" +
        "  app.post('/:id/pay', async () => ({ ok: true }));\n}\n",
      'src/app.ts':
        "import Fastify from 'fastify';\nimport { invoiceRoutes } from './routes';\nconst app = Fastify();\n" +
        "app.register(invoiceRoutes, { prefix: '/invoices' });\nexport default app;\n",
      'src/__tests__/routes.test.ts':
        "import Fastify from 'fastify';\nimport { invoiceRoutes } from '../routes';\nconst app = Fastify();\napp.register(invoiceRoutes);\n",
    });
    const r = await run(dir, 'instrument', 'src/routes.ts', '--all');
    assert.equal(r.code, 0, r.err);
    assert.match(fs.readFileSync(path.join(dir, 'src/routes.ts'), 'utf8'), /observeRoute\('POST', '\/invoices\/:id\/pay'/);
  });

  it('a file of a monorepo member is labelled with the prefix an app of another package mounts it under', async () => {
    const dir = tempTree({
      'package.json': '{"name":"mono","private":true}',
      'pnpm-workspace.yaml': "packages:\n  - 'apps/*'\n  - 'packages/*'\n",
      'apps/server/package.json': '{"name":"server","dependencies":{"@repo/admin-api":"workspace:*","hono":"^4"}}',
      'apps/server/src/index.ts':
        "import { serve } from '@hono/node-server';\nimport { Hono } from 'hono';\nimport adminApi from '@repo/admin-api';\n" +
        "const app = new Hono();\napp.route('/admin', adminApi);\nserve({ fetch: app.fetch, port: 3000 });\n",
      'packages/admin-api/package.json': '{"name":"@repo/admin-api","main":"dist/index.js","type":"module"}',
      'packages/admin-api/src/index.ts':
        "import { Hono } from 'hono';\nimport roles from './roles.js';\nconst adminApi = new Hono();\n" +
        "adminApi.route('/roles', roles);\nexport default adminApi;\n",
      'packages/admin-api/src/roles.ts':
        "import { Hono } from 'hono';\nconst roles = new Hono();\nroles.put('/:id', async (c) => c.json({}));\nexport default roles;\n",
    });
    const pkg = path.join(dir, 'packages/admin-api');
    // --root the package: its own scan does not see the mount (what the nearest package.json gave before)
    const own = await run(pkg, 'instrument', 'src/roles.ts', '--all', '--root', '.', '--dry-run');
    assert.match(own.out, /observeRoute\('PUT', '\/roles\/:id'\)/);
    const r = await run(pkg, 'instrument', 'src/roles.ts', '--all');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /PUT \/admin\/roles\/:id/);
    assert.match(fs.readFileSync(path.join(pkg, 'src/roles.ts'), 'utf8'), /observeRoute\('PUT', '\/admin\/roles\/:id'\)/);
  });

  it('a file with no project folder above it and routes registered in another file: the message says to pass --root', async () => {
    // YoloHome's layout: the blueprint adds resources whose classes (and so methods) live in another package
    const dir = tempTree({
      'server/app.py':
        'from flask import Flask\nfrom route.home import home_api\n\napp = Flask(__name__)\napp.register_blueprint(home_api)\n',
      'server/route/home.py': [
        'from flask import Blueprint',
        'from flask_restful import Api',
        'from controller import HomeAPI',
        '',
        'home_api = Blueprint("home_api", __name__)',
        'api = Api(home_api)',
        'api.add_resource(HomeAPI, "/api/v1/home")',
        '',
      ].join('\n'),
      'server/controller/__init__.py': 'from .home import HomeAPI\n',
      'server/controller/home.py':
        'from flask_restful import Resource\n\n\nclass HomeAPI(Resource):\n    def get(self):\n        return {}\n',
    });
    const alone = await run(dir, 'instrument', 'server/route/home.py', '--all', '--dry-run');
    assert.equal(alone.code, 1);
    assert.match(
      alone.err,
      /no route handlers found in server\/route\/home\.py \(no project folder above it: .*pass --root <project folder>/,
    );
    const rooted = await run(dir, 'instrument', 'server/route/home.py', '--all', '--dry-run', '--root', '.');
    assert.equal(rooted.code, 0, rooted.err);
    assert.match(rooted.out, /observe_resource\(HomeAPI, "\/api\/v1\/home"\)/);
  });

  it('reports unknown routes with the list of routes found', async () => {
    const { dir } = copyFixture('unknown', 'flask/app.py');
    const r = await run(dir, 'instrument', '--style', 'inline', 'app.py', '--route', 'DELETE /nope');
    assert.equal(r.code, 2);
    assert.match(r.err, /no route "DELETE \/nope" in this file; routes found:\n {2}GET \/items\/<int:item_id> {2}\(line 6\)/);
  });

  it('--setup adds the /metrics endpoint and telemetry.py, and never overwrites an existing telemetry.py', async () => {
    const { dir, file } = copyFixture('setup', 'fastapi/app.py');
    const r = await run(
      dir,
      'instrument',
      '--style',
      'inline',
      'app.py',
      '--all',
      '--setup',
      'metrics-endpoint,tracing',
      '--prefix',
      'users_',
    );
    assert.equal(r.code, 0, r.err);
    const out = fs.readFileSync(file, 'utf8');
    assert.match(out, /"users_http_requests_total"/);
    assert.match(out, /^app\.mount\("\/metrics", make_asgi_app\(\)\)$/m);
    assert.match(out, /^setup_telemetry\(app, "cli-setup-\d+"\)$/m);
    assert.match(fs.readFileSync(path.join(dir, 'telemetry.py'), 'utf8'), /def setup_telemetry\(app, service_name\):/);
    fs.writeFileSync(path.join(dir, 'other.py'), 'from fastapi import FastAPI\napp = FastAPI()\n');
    const clash = await run(dir, 'instrument', '--style', 'inline', 'other.py', '--setup', 'tracing');
    assert.equal(clash.code, 1);
    assert.match(clash.err, /telemetry\.py already exists; not overwriting it/);
    assert.equal(fs.readFileSync(path.join(dir, 'other.py'), 'utf8'), 'from fastapi import FastAPI\napp = FastAPI()\n');
  });

  it('inline style on a file that only registers handlers written elsewhere names the file to instrument', async () => {
    const dir = scratchDir('cli-elsewhere');
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "elsewhere", "private": true }\n');
    fs.writeFileSync(
      path.join(dir, 'routes.js'),
      "const express = require('express');\nconst controller = require('./controller');\nconst router = express.Router();\n" +
        "router.route('/login').post(controller.login);\nmodule.exports = router;\n",
    );
    fs.writeFileSync(path.join(dir, 'controller.js'), 'exports.login = async (req, res) => {\n  res.json({ ok: true });\n};\n');
    fs.writeFileSync(
      path.join(dir, 'app.js'),
      "const express = require('express');\nconst app = express();\napp.use('/auth', require('./routes'));\napp.listen(3000);\n",
    );
    const routes = await run(dir, 'instrument', 'routes.js', '--all', '--style', 'inline');
    assert.equal(routes.code, 1);
    assert.match(routes.err, /POST \/auth\/login: its handler is in \S*controller\.js; instrument that file/);
    const controller = await run(dir, 'instrument', 'controller.js', '--all', '--style', 'inline');
    assert.equal(controller.code, 0, controller.err);
    assert.match(fs.readFileSync(path.join(dir, 'controller.js'), 'utf8'), /http_requests_total/);
  });

  it('inline style on a file with its own handler and an imported one: the first is instrumented, the other named, never skipped silently', async () => {
    const dir = scratchDir('cli-mixed');
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "mixed", "private": true }\n');
    fs.writeFileSync(path.join(dir, 'controller.js'), 'exports.proxy = async (req, res) => {\n  res.json({ ok: true });\n};\n');
    fs.writeFileSync(
      path.join(dir, 'app.js'),
      "const express = require('express');\nconst { proxy } = require('./controller');\nconst app = express();\n" +
        "app.post('/api/proxy', proxy);\napp.get('/health', (req, res) => {\n  res.send('ok');\n});\napp.listen(3000);\n",
    );
    const first = await run(dir, 'instrument', 'app.js', '--all', '--style', 'inline');
    assert.equal(first.code, 0, first.err);
    assert.match(first.out + first.err, /GET \/health/);
    assert.match(first.out + first.err, /POST \/api\/proxy: its handler is in \S*controller\.js; instrument that file/);
    // a second run changes nothing, says both again, and is no failure
    const before = fs.readFileSync(path.join(dir, 'app.js'), 'utf8');
    const again = await run(dir, 'instrument', 'app.js', '--all', '--style', 'inline');
    assert.equal(again.code, 0, again.err);
    assert.equal(fs.readFileSync(path.join(dir, 'app.js'), 'utf8'), before);
    assert.match(again.out + again.err, /already instrumented \(counter, histogram, span\): GET \/health; skipped: POST \/api\/proxy/);
  });

  it('rejects bad arguments with usage errors', async () => {
    const { dir } = copyFixture('args', 'hono/app.ts');
    assert.match((await run(dir, 'instrument', '--style', 'inline', 'app.ts')).err, /say which routes/);
    assert.match((await run(dir, 'instrument', '--style', 'inline', 'app.ts', '--all', '--aspects', 'logs')).err, /unknown aspect "logs"/);
    assert.match((await run(dir, 'instrument', '--style', 'inline', 'app.ts', '--all', '--route', 'GET /')).err, /either --route or --all/);
    assert.match((await run(dir, 'instrument', '--style', 'inline', 'missing.ts', '--all')).err, /cannot read missing\.ts/);
    const help = await run(dir, 'instrument', '--style', 'inline', '--help');
    assert.equal(help.code, 0);
    assert.match(help.out, /Usage: telemetry-lens instrument <file>/);
  });

  it('the wrapper style by default: one line per handler, the helper written once and never overwritten', async () => {
    const { dir, file, text } = copyFixture('wrapper', 'fastapi/app.py');
    const r = await run(dir, 'instrument', 'app.py', '--all');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /instrument 4 handlers one line each, new telemetry_routes\.py/);
    assert.equal(fs.readFileSync(file, 'utf8'), fs.readFileSync(path.join(FIXTURES, 'fastapi/app.wrapped.py'), 'utf8'));
    assert.equal(
      fs.readFileSync(path.join(dir, 'telemetry_routes.py'), 'utf8'),
      fs.readFileSync(path.join(FIXTURES, 'fastapi/telemetry_routes.expected.py'), 'utf8'),
    );
    const again = await run(dir, 'instrument', 'app.py', '--all', '--style', 'wrapper');
    assert.match(again.err, /nothing to change: already instrumented/);
    // a fresh file in the same service imports the existing helper, which stays as the user left it
    fs.writeFileSync(path.join(dir, 'telemetry_routes.py'), '# edited by the user\n');
    fs.writeFileSync(file, text);
    assert.equal((await run(dir, 'instrument', 'app.py', '--all')).code, 0);
    assert.equal(fs.readFileSync(path.join(dir, 'telemetry_routes.py'), 'utf8'), '# edited by the user\n');
    assert.match(fs.readFileSync(file, 'utf8'), /^@observe_route\("GET", "\/health"\)$/m);
    assert.equal((await run(dir, 'instrument', 'app.py', '--all', '--style', 'sideways')).code, 2);
  });

  it('a Cloudflare Worker (wrangler.toml main in the service): one refusal, exit 1, nothing written (routes and setup)', async () => {
    const dir = scratchDir('cli-worker');
    const src = path.join(FIXTURES, 'hono-worker');
    for (const f of fs.readdirSync(src, { recursive: true }) as string[]) {
      if (fs.statSync(path.join(src, f)).isDirectory()) fs.mkdirSync(path.join(dir, f), { recursive: true });
      else fs.copyFileSync(path.join(src, f), path.join(dir, f));
    }
    const listing = () => (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
    const before = listing();
    const index = fs.readFileSync(path.join(dir, 'src/index.ts'), 'utf8');
    for (const args of [
      ['--all', '--setup', 'metrics-endpoint,tracing'],
      ['--all', '--style', 'inline'],
      ['--route', 'GET /sessions/:id'],
      ['--setup', 'tracing'],
    ]) {
      const r = await run(dir, 'instrument', 'src/index.ts', ...args);
      assert.equal(r.code, 1, r.err);
      assert.equal(r.out, '');
      const lines = r.err.split('\n');
      assert.equal(lines.length, 1, r.err);
      assert.match(
        lines[0]!,
        /^telemetry-lens instrument: this service is a Cloudflare Worker \(wrangler\.toml, main = src\/index\.ts\): /,
      );
      assert.match(lines[0]!, args.includes('--all') || args.includes('--route') ? /prom-client needs Node\.js/ : /OpenTelemetry NodeSDK/);
    }
    assert.deepEqual(listing(), before);
    assert.equal(fs.readFileSync(path.join(dir, 'src/index.ts'), 'utf8'), index);
  });
});
