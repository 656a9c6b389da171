/**
 * A service deployed as serverless functions has no long-running process for Prometheus to scrape: Instrument Route
 * still writes the one-line wrappers (the same app often also runs as a server) and says, in the plan's note, that
 * the metrics are per instance there.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { planInstrumentFile } from '../../../src/core/instrument/planner';
import { detectRoutes } from '../../../src/core/routes/detector';
import { fastapiApp, OPTS } from '../../support/instrument/helpers';
import { tempTree } from '../../support/tempTree';

const EXPRESS =
  "const express = require('express');\nconst app = express();\napp.get('/a', (req, res) => res.json({}));\nmodule.exports = app;\n";
const DECLARED = { dependencies: { express: '^4', 'prom-client': '^15', '@opentelemetry/api': '^1' } };
const PY_DECLARED = 'fastapi\nprometheus-client\nopentelemetry-sdk\n';

async function noteOf(
  root: string,
  rel: string,
  aspects: ('counter' | 'histogram' | 'span')[] = ['counter', 'histogram', 'span'],
  style: 'wrapper' | 'inline' = 'wrapper',
) {
  const file = path.join(root, rel);
  const text = fs.readFileSync(file, 'utf8');
  const plan = await planInstrumentFile(text, file, await detectRoutes([{ path: file, text }]), aspects, {
    ...OPTS,
    style,
    workspaceRoot: root,
  });
  assert.ok(plan.edits.length, 'the route is still instrumented');
  return plan.note ?? '';
}

describe('Instrument Route: a service that deploys as serverless functions', () => {
  it('Express with a vercel.json at the repository top: the note says Prometheus sees the metrics only where it runs as a server', async () => {
    const root = tempTree({
      'vercel.json': '{"rewrites":[{"source":"/(.*)","destination":"/api"}]}',
      'api/package.json': JSON.stringify(DECLARED),
      'api/index.js': EXPRESS,
    });
    assert.match(
      await noteOf(root, 'api/index.js'),
      /this service deploys as serverless functions on Vercel \(vercel\.json\): each instance counts only its own requests and nothing scrapes it/,
    );
  });

  it('an adapter declared by the service (serverless-http; Mangum for FastAPI), or a SAM template', async () => {
    const http = tempTree({
      'package.json': JSON.stringify({ dependencies: { ...DECLARED.dependencies, 'serverless-http': '^3' } }),
      'app.js': EXPRESS,
    });
    assert.match(await noteOf(http, 'app.js'), /on serverless-http \(package\.json\)/);
    const mangum = tempTree({ 'requirements.txt': PY_DECLARED + 'mangum==0.17\n', 'main.py': fastapiApp() });
    assert.match(await noteOf(mangum, 'main.py'), /on mangum \(requirements\.txt\)/);
    const sam = tempTree({
      'template.yaml': 'Resources:\n  Api:\n    Type: AWS::Serverless::Function\n',
      'requirements.txt': PY_DECLARED,
      'main.py': fastapiApp(),
    });
    assert.match(await noteOf(sam, 'main.py'), /on AWS SAM \(template\.yaml\)/);
  });

  it('a server deployment (no such file or adapter), or spans only: nothing is said', async () => {
    const server = tempTree({ 'package.json': JSON.stringify(DECLARED), 'app.js': EXPRESS, 'template.yaml': 'Resources: {}\n' });
    assert.equal(await noteOf(server, 'app.js'), '');
    const vercel = tempTree({ 'vercel.json': '{}', 'package.json': JSON.stringify(DECLARED), 'app.js': EXPRESS });
    assert.equal(await noteOf(vercel, 'app.js', ['span'], 'inline'), '');
  });
});
