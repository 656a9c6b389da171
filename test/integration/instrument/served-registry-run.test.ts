/**
 * A service whose Prometheus scrape endpoint serves a private prom-client registry (`new client.Registry()`, exported
 * from a module of its own), instrumented in the wrapper style and run on real Express (npm): the scrape endpoint is
 * left alone, and a scrape of the registry it serves shows each route's counter after its requests (the generated
 * helper registers its metrics there, not in prom-client's default registry, which that endpoint never serves).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { register } from 'prom-client';
import ts from 'typescript';
import { applyEdits, DEFAULT_OPTIONS, planInstrumentFile } from '../../../src/core/instrument/planner';
import { detectRoutes } from '../../../src/core/routes/detector';
import { planWrappedCopy } from '../../support/instrument/cases';
import { scratchDir } from '../../support/instrument/pyenv';
import { exportedApp, listenLoopback } from '../../support/instrument/run';

describe('wrapper style and a scrape endpoint serving a private registry', () => {
  it("Express: a scrape of the served registry shows the routes' counters after their requests", async () => {
    const { original, wrapped, file, text, plan } = await planWrappedCopy(
      scratchDir('served-registry'),
      'express-private-registry',
      'app.js',
      () => true,
    );
    assert.match(plan.summary, /left alone: GET \/metrics: serves the Prometheus metrics/);
    assert.doesNotMatch(plan.summary, /private registry/);
    fs.writeFileSync(file, applyEdits(text, plan.edits));
    for (const f of plan.newFiles ?? []) fs.writeFileSync(f.path, f.content);
    const scrapes: string[] = [];
    for (const dir of [original, wrapped]) {
      const app = exportedApp<http.RequestListener>(await import(path.join(dir, 'app.js')));
      const { url, close } = await listenLoopback(app);
      try {
        assert.equal((await fetch(`${url}/users/7`)).status, 200);
        assert.equal((await fetch(`${url}/users`)).status, 200);
        const scrape = await fetch(`${url}/metrics`);
        assert.equal(scrape.status, 200);
        scrapes.push(await scrape.text());
      } finally {
        await close();
      }
    }
    const [before, after] = scrapes as [string, string];
    assert.doesNotMatch(before, /http_requests_total/);
    assert.match(after, /^http_requests_total\{method="GET",route="\/users\/:id",status="200"\} 1$/m);
    assert.match(after, /^http_requests_total\{method="GET",route="\/users",status="200"\} 1$/m);
    assert.match(after, /^http_request_duration_seconds_count\{method="GET",route="\/users",status="200"\} 1$/m);
    // the scrape itself is not traffic
    assert.doesNotMatch(after, /route="\/metrics"/);
    // and prom-client's default registry, which no endpoint of the service serves, holds none of them
    assert.doesNotMatch(await register.metrics(), /http_requests_total/);
  });

  it('the helper written for the served registry type-checks (TS strict with noUnusedLocals, and checkJs)', async () => {
    const dir = scratchDir('served-registry-ts');
    const files: Record<string, string> = {
      'package.json': '{"name":"shop"}',
      'src/metrics.ts': "import { Registry } from 'prom-client';\n\nexport const metricsRegistry = new Registry();\n",
      'src/app.ts':
        "import express from 'express';\nimport { metricsRegistry } from './metrics';\n\nexport const app = express();\napp.get('/metrics', async (_req, res) => {\n  res.end(await metricsRegistry.metrics());\n});\napp.get('/users', (_req, res) => {\n  res.json([]);\n});\n",
    };
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), content);
    }
    const file = path.join(dir, 'src/app.ts');
    const text = files['src/app.ts']!;
    const routes = await detectRoutes([{ path: file, text }]);
    const plan = await planInstrumentFile(text, file, routes, ['counter', 'histogram', 'span'], DEFAULT_OPTIONS);
    fs.writeFileSync(file, applyEdits(text, plan.edits));
    const helper = plan.newFiles![0]!;
    assert.match(helper.content, /import \{ metricsRegistry as servedRegistry \} from '\.\/metrics';/);
    fs.writeFileSync(helper.path, helper.content);
    const check = (roots: string[], js: boolean) =>
      ts
        .getPreEmitDiagnostics(
          ts.createProgram(roots, {
            strict: true,
            noEmit: true,
            noUnusedLocals: true,
            target: ts.ScriptTarget.ES2022,
            module: ts.ModuleKind.CommonJS,
            moduleResolution: ts.ModuleResolutionKind.Node10,
            esModuleInterop: true,
            skipLibCheck: true,
            types: ['node'],
            allowJs: js,
            checkJs: js,
            noImplicitAny: !js,
          }),
        )
        .filter((d) => d.file && roots.includes(path.resolve(d.file.fileName)))
        .map((d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    assert.deepEqual(check([file, helper.path], false), []);
    // the CommonJS JavaScript helper of the first test's fixture, checked as JS
    const cjs = await planWrappedCopy(scratchDir('served-registry-js'), 'express-private-registry', 'app.js', () => true);
    const jsHelper = path.join(cjs.wrapped, 'telemetryRoutes.js');
    fs.writeFileSync(jsHelper, cjs.plan.newFiles![0]!.content);
    assert.deepEqual(check([jsHelper], true), []);
  });
});
