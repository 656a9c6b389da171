/**
 * Instrument Route writes imports of prom-client / @opentelemetry/api (prometheus_client / opentelemetry), not the
 * service's dependencies: when the service's manifests do not declare them, the plan says which to add, so the user
 * learns it before the service fails to start.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { missingDependencies } from '../../../src/core/instrument/dependencies';
import { planInstrumentFile } from '../../../src/core/instrument/planner';
import { detectRoutes } from '../../../src/core/routes/detector';
import { fastapiApp, OPTS } from '../../support/instrument/helpers';
import { tempTree } from '../../support/tempTree';

const EXPRESS =
  "const express = require('express');\nconst app = express();\napp.get('/a', (req, res) => res.json({}));\napp.listen(3000);\n";
const ALL = ['counter', 'histogram', 'span'] as const;

async function planOf(root: string, rel: string, style: 'wrapper' | 'inline' = 'wrapper', aspects = [...ALL]) {
  const file = path.join(root, rel);
  const text = fs.readFileSync(file, 'utf8');
  return planInstrumentFile(text, file, await detectRoutes([{ path: file, text }]), aspects, { ...OPTS, style, workspaceRoot: root });
}

describe('Instrument Route: the libraries the instrumented code imports, as the service declares them', () => {
  it('a Node service declaring neither: the plan succeeds and says which to install', async () => {
    const root = tempTree({ 'package.json': JSON.stringify({ dependencies: { express: '^4' } }), 'app.js': EXPRESS });
    const p = await planOf(root, 'app.js');
    assert.ok(p.edits.length);
    assert.match(
      p.note ?? '',
      /the service does not declare prom-client, @opentelemetry\/api \(its package\.json\): add them \(`npm install prom-client @opentelemetry\/api`\) or it will not start/,
    );
    // the inline style with the counter only imports prom-client alone
    const counter = await planOf(root, 'app.js', 'inline', ['counter']);
    assert.match(counter.note ?? '', /does not declare prom-client \(its package\.json\): add it \(`npm install prom-client`\)/);
  });

  it('declared by the service or by a package.json above it (hoisted in a monorepo), in any dependency kind: nothing said', async () => {
    const root = tempTree({
      'package.json': JSON.stringify({ workspaces: ['svc'], devDependencies: { '@opentelemetry/api': '^1' } }),
      'svc/package.json': JSON.stringify({ dependencies: { express: '^4', 'prom-client': '^15' } }),
      'svc/app.js': EXPRESS,
    });
    assert.equal((await planOf(root, 'svc/app.js')).note, undefined);
  });

  it('Python: requirements, pyproject or Pipfile naming prometheus-client and an OpenTelemetry package (the SDK brings the API)', async () => {
    const declared = tempTree({
      'requirements.txt': 'fastapi==0.110\nprometheus_client>=0.17\nopentelemetry-sdk\n',
      'main.py': fastapiApp(),
    });
    assert.equal((await planOf(declared, 'main.py')).note, undefined);
    const poetry = tempTree({ 'pyproject.toml': '[tool.poetry.dependencies]\nfastapi = "*"\n', 'main.py': fastapiApp() });
    assert.match((await planOf(poetry, 'main.py')).note ?? '', /`pip install prometheus-client opentelemetry-api`/);
  });

  it('no manifest at all, or one that cannot be read: nothing is said (it may declare them)', async () => {
    const none = tempTree({ 'app.js': EXPRESS });
    assert.equal(
      await missingDependencies(path.join(none, 'app.js'), { python: false, metrics: true, tracing: true, root: none }),
      undefined,
    );
    const broken = tempTree({ 'package.json': '{ "dependencies": ', 'app.js': EXPRESS });
    assert.equal(
      await missingDependencies(path.join(broken, 'app.js'), { python: false, metrics: true, tracing: true, root: broken }),
      undefined,
    );
  });
});
