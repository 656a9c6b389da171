/**
 * Planner refusal: a file of a Cloudflare Workers service (a wrangler config at or above it whose `main` is inside its
 * service) gets no Instrument Route (either style) and no app setup; Node services beside it are instrumented as ever.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { planAppSetup, planInstrumentFile, planInstrumentRoute } from '../../../src/core/instrument/planner';
import type { EditPlan, InstrumentOptions } from '../../../src/core/instrument/types';
import { workerServiceOf } from '../../../src/core/instrument/workers';
import { detectRoutes } from '../../../src/core/routes/detector';
import { fastapiApp, FIXTURES, OPTS } from '../../support/instrument/helpers';
import { tempTree } from '../../support/tempTree';

const HONO = [
  "import { Hono } from 'hono';",
  '',
  'const app = new Hono();',
  '',
  "app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }));",
  '',
  'export default app;',
  '',
].join('\n');

const EXPRESS = [
  "import express from 'express';",
  '',
  'const app = express();',
  '',
  "app.get('/orders/:id', (req, res) => res.json({ id: req.params.id }));",
  '',
  'app.listen(3000);',
  '',
].join('\n');

const FASTAPI = fastapiApp();

const PKG = JSON.stringify({ name: 'svc', dependencies: { hono: '^4' } });
const ALL = ['counter', 'histogram', 'span'] as const;
const PROM_CLIENT = /prom-client needs Node\.js and Worker isolates share no registry for Prometheus to scrape/;
const REGISTRY_ONLY = /: Worker isolates share no registry for Prometheus to scrape \(each counts only its own requests\); export metrics/;
const FIX = /export metrics and traces over OTLP \(an OpenTelemetry SDK for Workers\) or instrument its Node\.js deployment$/;

async function planFile(file: string, opts: Partial<InstrumentOptions> = {}, style: 'wrapper' | 'inline' = 'wrapper'): Promise<EditPlan> {
  const text = fs.readFileSync(file, 'utf8');
  const routes = await detectRoutes([{ path: file, text }]);
  assert.ok(routes.length, `routes in ${file}`);
  return planInstrumentFile(text, file, routes, [...ALL], { ...OPTS, style, ...opts }, routes);
}

function assertNothing(plan: EditPlan): void {
  assert.deepEqual(plan.edits, []);
  assert.equal(plan.newFiles?.length ?? 0, 0);
}

describe('planner: a Cloudflare Workers service', () => {
  it('refuses every route of the Hono Worker fixture (wrangler.toml), both styles, all and one, and its app setup', async () => {
    const file = path.join(FIXTURES, 'hono-worker/src/index.ts');
    const text = fs.readFileSync(file, 'utf8');
    const routes = await detectRoutes([{ path: file, text }]);
    assert.equal(routes.length, 3);
    for (const style of ['wrapper', 'inline'] as const) {
      const opts = { ...OPTS, style };
      const all = await planInstrumentFile(text, file, routes, [...ALL], opts, routes);
      assert.match(all.refused ?? '', /^this service is a Cloudflare Worker \(wrangler\.toml, main = src\/index\.ts\): /);
      assert.match(all.refused ?? '', PROM_CLIENT);
      assert.match(all.refused ?? '', FIX);
      // one reason, said once (not once per route)
      assert.equal(all.refused!.match(/Cloudflare Worker \(/g)?.length, 1);
      assertNothing(all);
      const one = await planInstrumentRoute(text, file, routes[0]!, ['span'], opts, routes);
      assert.equal(one.refused, all.refused);
      assertNothing(one);
    }
    const metrics = await planAppSetup(text, file, 'metrics-endpoint', OPTS);
    assert.match(metrics.plan.refused ?? '', PROM_CLIENT);
    assert.deepEqual([metrics.plan.edits, metrics.newFiles], [[], []]);
    const tracing = await planAppSetup(text, file, 'tracing', OPTS);
    assert.match(
      tracing.plan.refused ?? '',
      /Cloudflare Worker \(wrangler\.toml, main = src\/index\.ts\): the tracing setup starts the OpenTelemetry NodeSDK, which needs Node\.js; export traces over OTLP/,
    );
    assert.deepEqual([tracing.plan.edits, tracing.newFiles], [[], []]);
  });

  it('reads wrangler.json and wrangler.jsonc (comments, trailing commas)', async () => {
    const json = tempTree({
      'package.json': PKG,
      'wrangler.json': JSON.stringify({ name: 'w', main: './src/worker.ts', compatibility_date: '2024-09-23' }),
      'src/routes/users.ts': HONO,
    });
    const a = await planFile(path.join(json, 'src/routes/users.ts'), { workspaceRoot: json });
    assert.match(a.refused ?? '', /Cloudflare Worker \(wrangler\.json, main = \.\/src\/worker\.ts\): prom-client needs Node\.js/);
    assertNothing(a);
    const jsonc = tempTree({
      'package.json': PKG,
      'wrangler.jsonc': [
        '{',
        '  // the Worker',
        '  "$schema": "node_modules/wrangler/config-schema.json",',
        '  "name": "w", /* its entry */ "main": "src/index.ts",',
        '  "compatibility_flags": ["nodejs_als",],',
        '}',
      ].join('\n'),
      'src/index.ts': HONO,
    });
    const b = await planFile(path.join(jsonc, 'src/index.ts'), { workspaceRoot: jsonc }, 'inline');
    assert.match(b.refused ?? '', /Cloudflare Worker \(wrangler\.jsonc, main = src\/index\.ts\): prom-client needs Node\.js/);
    assertNothing(b);
  });

  it('with nodejs_compat (or node_compat = true, or in an env) refuses with the registry reason only', async () => {
    const configs: Record<string, string>[] = [
      { 'wrangler.toml': 'name = "w"\nmain = "src/index.ts"\ncompatibility_flags = [ "nodejs_compat" ]\n' },
      { 'wrangler.toml': 'name = "w"\nmain = "src/index.ts"\nnode_compat = true\n' },
      { 'wrangler.toml': 'main = "src/index.ts"\n\n[env.production]\ncompatibility_flags = ["nodejs_compat_v2"]\n' },
      { 'wrangler.jsonc': '{ "main": "src/index.ts", "compatibility_flags": ["nodejs_compat"] }' },
    ];
    for (const c of configs) {
      const dir = tempTree({ 'package.json': PKG, ...c, 'src/index.ts': HONO });
      const plan = await planFile(path.join(dir, 'src/index.ts'), { workspaceRoot: dir });
      assert.match(plan.refused ?? '', REGISTRY_ONLY, JSON.stringify(c));
      assert.doesNotMatch(plan.refused ?? '', /prom-client/);
      assertNothing(plan);
    }
  });

  it('instruments a Node service of the same monorepo beside a Worker', async () => {
    const root = tempTree({
      'package.json': JSON.stringify({ private: true, workspaces: ['apps/*'] }),
      'apps/edge/package.json': PKG,
      'apps/edge/wrangler.toml': 'name = "edge"\nmain = "src/index.ts"\n',
      'apps/edge/src/index.ts': HONO,
      'apps/api/package.json': JSON.stringify({ name: 'api', dependencies: { express: '^4' } }),
      'apps/api/src/server.ts': EXPRESS,
    });
    const api = await planFile(path.join(root, 'apps/api/src/server.ts'), { workspaceRoot: root });
    assert.equal(api.refused, undefined, api.summary);
    assert.ok(api.edits.length);
    assert.equal(api.newFiles?.length, 1);
    const edge = await planFile(path.join(root, 'apps/edge/src/index.ts'), { workspaceRoot: root });
    assert.match(edge.refused ?? '', /Cloudflare Worker \(wrangler\.toml, main = src\/index\.ts\)/);
  });

  it("a wrangler config whose main is another package's entry leaves this package alone", async () => {
    const root = tempTree({
      'package.json': JSON.stringify({ private: true, workspaces: ['packages/*'] }),
      'wrangler.toml': 'name = "edge"\nmain = "packages/edge/src/index.ts"\n',
      'packages/edge/package.json': PKG,
      'packages/edge/src/index.ts': HONO,
      'packages/api/package.json': JSON.stringify({ name: 'api' }),
      'packages/api/src/server.ts': EXPRESS,
    });
    const api = await planFile(path.join(root, 'packages/api/src/server.ts'), { workspaceRoot: root });
    assert.equal(api.refused, undefined, api.summary);
    assert.ok(api.edits.length);
    // the package it names is a Worker's: the config is shown from the package
    const edge = await planFile(path.join(root, 'packages/edge/src/index.ts'), { workspaceRoot: root });
    assert.match(edge.refused ?? '', /Cloudflare Worker \(\.\.\/\.\.\/wrangler\.toml, main = packages\/edge\/src\/index\.ts\)/);
  });

  it('Worker idioms without a wrangler config, or a config without main, are not enough', async () => {
    const idiom = HONO.replace('export default app;', 'export default { fetch: app.fetch } satisfies ExportedHandler;');
    const none = tempTree({ 'package.json': PKG, 'src/index.ts': idiom });
    const a = await planFile(path.join(none, 'src/index.ts'), { workspaceRoot: none });
    assert.equal(a.refused, undefined, a.summary);
    assert.ok(a.edits.length);
    const noMain = tempTree({
      'package.json': PKG,
      'wrangler.toml': 'name = "site"\npages_build_output_dir = "./dist"\n',
      'src/index.ts': HONO,
    });
    assert.equal((await planFile(path.join(noMain, 'src/index.ts'), { workspaceRoot: noMain })).refused, undefined);
  });

  it('Pages Functions: a file under functions/ of a service deploying with Pages is refused; other folders and services are not', async () => {
    const PAGES_HONO = HONO.replace('export default app;', 'export const onRequest = handle(app);').replace(
      "import { Hono } from 'hono';",
      "import { Hono } from 'hono';\nimport { handle } from 'hono/cloudflare-pages';",
    );
    const scripts = (dev: string) =>
      JSON.stringify({ name: 'site', scripts: { dev, deploy: 'wrangler pages deploy ./pages' }, dependencies: { hono: '^4' } });
    const byScript = tempTree({
      'package.json': scripts('wrangler pages dev ./pages'),
      'functions/api/[[route]].ts': PAGES_HONO,
      'src/server.ts': EXPRESS,
    });
    const a = await planFile(path.join(byScript, 'functions/api/[[route]].ts'), { workspaceRoot: byScript });
    assert.match(
      a.refused ?? '',
      /^this service is a Cloudflare Pages Functions project \(package\.json deploys with Pages; routes in functions\/\): prom-client needs Node\.js/,
    );
    assertNothing(a);
    // the same service's file outside functions/ is not a Pages Function
    assert.equal((await planFile(path.join(byScript, 'src/server.ts'), { workspaceRoot: byScript })).refused, undefined);
    const compat = tempTree({
      'package.json': scripts('wrangler pages dev ./pages --compatibility-flags=nodejs_compat'),
      'functions/api/[[route]].ts': PAGES_HONO,
    });
    assert.match((await planFile(path.join(compat, 'functions/api/[[route]].ts'), { workspaceRoot: compat })).refused ?? '', REGISTRY_ONLY);
    const byConfig = tempTree({
      'package.json': PKG,
      'wrangler.toml': 'name = "site"\npages_build_output_dir = "./dist"\n',
      'functions/users.ts': PAGES_HONO,
    });
    const c = await planFile(path.join(byConfig, 'functions/users.ts'), { workspaceRoot: byConfig }, 'inline');
    assert.match(c.refused ?? '', /Cloudflare Pages Functions project \(wrangler\.toml deploys with Pages/);
    // a functions/ folder of a service that does not deploy with Pages is instrumented
    const plain = tempTree({ 'package.json': PKG, 'functions/users.ts': HONO });
    assert.equal((await planFile(path.join(plain, 'functions/users.ts'), { workspaceRoot: plain })).refused, undefined);
  });

  it('reads the one wrangler config Wrangler reads in a folder (json, then jsonc, then toml), for Workers and Pages alike', async () => {
    const PAGES = 'name = "site"\npages_build_output_dir = "./dist"\n';
    const shadowed = tempTree({
      'package.json': PKG,
      'wrangler.json': '{ "name": "site" }',
      'wrangler.toml': PAGES,
      'functions/a.ts': HONO,
    });
    assert.equal(await workerServiceOf(path.join(shadowed, 'functions/a.ts'), shadowed), undefined);
    const first = tempTree({
      'package.json': PKG,
      'wrangler.jsonc': '{ "pages_build_output_dir": "./dist" }',
      'wrangler.toml': 'name = "w"\nmain = "src/index.ts"\n',
      'functions/a.ts': HONO,
    });
    assert.deepEqual(await workerServiceOf(path.join(first, 'functions/a.ts'), first), {
      config: 'wrangler.jsonc',
      main: 'functions/',
      nodeCompat: false,
      pages: true,
    });
  });

  it('looks up to the workspace root only (without one, up to the folder holding .git)', async () => {
    const root = tempTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'wrangler.toml': 'main = "svc/src/index.ts"\n',
      'svc/package.json': PKG,
      'svc/src/index.ts': HONO,
    });
    const file = path.join(root, 'svc/src/index.ts');
    assert.equal((await planFile(file, { workspaceRoot: path.join(root, 'svc') })).refused, undefined);
    assert.match((await planFile(file, { workspaceRoot: root })).refused ?? '', /Cloudflare Worker \(\.\.\/wrangler\.toml/);
    assert.match((await planFile(file)).refused ?? '', /Cloudflare Worker \(\.\.\/wrangler\.toml/);
  });

  it('shows the config and main inert (no control characters, no link syntax, bounded)', async () => {
    const main = `src/index.ts\\u001b[31m](command:workbench.action.terminal.new)${'x'.repeat(200)}.ts`;
    const dir = tempTree({ 'package.json': PKG, 'wrangler.toml': `main = "${main}"\n`, 'src/index.ts': HONO });
    const refused = (await planFile(path.join(dir, 'src/index.ts'), { workspaceRoot: dir })).refused ?? '';
    assert.match(refused, /Cloudflare Worker \(wrangler\.toml, main = src\/index\.ts\[31m\] \(command:/);
    assert.doesNotMatch(refused, /[\u0000-\u001f]|\]\(/);
    assert.ok(refused.length < 400, refused);
  });

  it('refuses a Python Worker (FastAPI) with the registry reason', async () => {
    const dir = tempTree({
      'pyproject.toml': '[project]\nname = "py-worker"\ndependencies = ["fastapi"]\n',
      'wrangler.toml': 'name = "py"\nmain = "src/entry.py"\ncompatibility_flags = ["python_workers"]\n',
      'src/entry.py': FASTAPI,
    });
    const file = path.join(dir, 'src/entry.py');
    for (const style of ['wrapper', 'inline'] as const) {
      const plan = await planFile(file, { workspaceRoot: dir }, style);
      assert.match(plan.refused ?? '', /Cloudflare Worker \(wrangler\.toml, main = src\/entry\.py\): Worker isolates share no registry/);
      assert.match(plan.refused ?? '', /or instrument its ASGI\/WSGI server deployment$/);
      assertNothing(plan);
    }
    const setup = await planAppSetup(FASTAPI, file, 'tracing', { ...OPTS, workspaceRoot: dir });
    assert.match(setup.plan.refused ?? '', /the tracing setup is written for a long-running Python server/);
  });

  it('an unreadable config says nothing: the service is no Worker as far as can be read', async () => {
    const dir = tempTree({ 'package.json': PKG, 'wrangler.toml': 'main = "src/index.ts\n', 'src/index.ts': HONO });
    assert.equal(await workerServiceOf(path.join(dir, 'src/index.ts'), dir), undefined);
    // the nearest config wins in a folder in Wrangler's order: wrangler.json before wrangler.toml
    const both = tempTree({
      'package.json': PKG,
      'wrangler.json': '{ "main": "src/index.ts", "compatibility_flags": ["nodejs_compat"] }',
      'wrangler.toml': 'main = "src/other.ts"\n',
      'src/index.ts': HONO,
    });
    assert.deepEqual(await workerServiceOf(path.join(both, 'src/index.ts'), both), {
      config: 'wrangler.json',
      main: 'src/index.ts',
      nodeCompat: true,
    });
  });
});
