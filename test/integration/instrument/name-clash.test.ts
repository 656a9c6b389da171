/**
 * Idioms met in public projects that broke the type-check of instrumented TS/JS: a module that already binds
 * `Counter`/`trace`/… to something else (a Durable Object class named Counter, a local tracing helper), and a
 * Hono handler that only throws (its result is `never`). Synthetic snippets, type-checked against the real types.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { applyEdits, planInstrumentFile } from '../../../src/core/instrument/planner';
import type { Route } from '../../../src/core/routes/types';
import { OPTS, route } from '../../support/instrument/helpers';
import { runPython, scratchDir } from '../../support/instrument/pyenv';

const ALL = ['counter', 'histogram', 'span'] as const;

function typecheck(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    moduleDetection: ts.ModuleDetectionKind.Force,
    esModuleInterop: true,
    skipLibCheck: true,
    allowJs: true,
    checkJs: true,
    noImplicitAny: false,
    types: ['node'],
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => !d.file || files.includes(path.resolve(d.file.fileName)))
    .map(
      (d) =>
        `${d.file ? path.basename(d.file.fileName) : ''}:${d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
    );
}

async function instrumentTwice(text: string, file: string, mk: (t: string) => Route[]): Promise<string> {
  const plan = await planInstrumentFile(text, file, mk(text), [...ALL], OPTS);
  assert.equal(plan.refused, undefined, plan.refused);
  const out = applyEdits(text, plan.edits);
  const again = await planInstrumentFile(out, file, mk(out), [...ALL], OPTS);
  assert.deepEqual(again.edits, [], `second run changes nothing: ${again.summary}`);
  return out;
}

describe('planner: names the module already binds, handlers that only throw', () => {
  it('aliases prom-client / OpenTelemetry imports whose names are taken (TS and CommonJS) and still type-checks', async () => {
    const dir = scratchDir('nameclash');
    fs.writeFileSync(
      path.join(dir, 'counter.ts'),
      'export class Counter {\n  n = 0;\n}\nexport interface Histogram {\n  bins: number[];\n}\n',
    );
    fs.writeFileSync(path.join(dir, 'tracing.js'), 'exports.trace = (msg) => msg;\n');
    const tsText = [
      "import { Hono } from 'hono';",
      "import { Counter } from './counter';",
      "import type { Histogram } from './counter';",
      '',
      'export const app = new Hono();',
      'export const c0: Counter = new Counter();',
      'export const h0: Histogram = { bins: [] };',
      'class SpanStatusCode {}',
      'export const s0 = new SpanStatusCode();',
      "app.get('/count', (c) => c.json({ n: c0.n }));",
      '',
    ].join('\n');
    const tsFile = path.join(dir, 'app.ts');
    const tsOut = await instrumentTwice(tsText, tsFile, (t) => [route('hono', ['GET'], '/count', t, tsFile)]);
    assert.match(tsOut, /import \{ Counter as PromCounter, Histogram as PromHistogram, register \} from 'prom-client';/);
    assert.match(tsOut, /import \{ trace, SpanStatusCode as OtelSpanStatusCode \} from '@opentelemetry\/api';/);
    assert.match(tsOut, /new PromCounter\(\{/);
    assert.match(tsOut, /code: OtelSpanStatusCode\.ERROR/);
    fs.writeFileSync(tsFile, tsOut);

    const jsText = [
      "const express = require('express');",
      "const { trace } = require('./tracing');",
      'const app = express();',
      "app.get('/t', (req, res) => {",
      "  res.send(trace('x'));",
      '});',
      'module.exports = app;',
      '',
    ].join('\n');
    const jsFile = path.join(dir, 'server.js');
    const jsOut = await instrumentTwice(jsText, jsFile, (t) => [route('express', ['GET'], '/t', t, jsFile)]);
    assert.match(jsOut, /const \{ trace: otelTrace, SpanStatusCode \} = require\('@opentelemetry\/api'\);/);
    assert.match(jsOut, /const tracer = otelTrace\.getTracer\('telemetry-lens'\);/);
    assert.match(jsOut, /res\.send\(trace\('x'\)\);/);
    fs.writeFileSync(jsFile, jsOut);
    assert.deepEqual(typecheck([tsFile, jsFile]), []);
  });

  it('a Hono handler that only throws still type-checks', async () => {
    const dir = scratchDir('honothrow');
    const text = [
      "import { Hono } from 'hono';",
      'export const app = new Hono();',
      "app.get('/error', () => {",
      "  throw new Error('boom');",
      '});',
      '',
    ].join('\n');
    const file = path.join(dir, 'app.ts');
    const out = await instrumentTwice(text, file, (t) => [route('hono', ['GET'], '/error', t, file)]);
    fs.writeFileSync(file, out);
    assert.deepEqual(typecheck([file]), []);
  });
});

describe('planner (Python): names the module already binds', () => {
  it("imports prometheus_client / opentelemetry / flask names under aliases instead of shadowing the module's own", async () => {
    const dir = scratchDir('py-nameclash');
    const stub =
      'class StatusCode:\n    ERROR = 2\nclass Status:\n    def __init__(self, code):\n        self.code = code\nclass _S:\n    def __enter__(self):\n        return self\n    def __exit__(self, *a):\n        return False\n    def set_attribute(self, k, v):\n        pass\n    def record_exception(self, e):\n        pass\n    def set_status(self, s):\n        pass\nclass _T:\n    def start_as_current_span(self, name):\n        return _S()\ndef get_tracer(name):\n    return _T()\n';
    fs.mkdirSync(path.join(dir, 'opentelemetry', 'trace'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'opentelemetry', '__init__.py'), '');
    fs.writeFileSync(path.join(dir, 'opentelemetry', 'trace', '__init__.py'), stub);
    const text = [
      'from collections import Counter',
      'from urllib import request',
      'from flask import Flask',
      '',
      'app = Flask(__name__)',
      '',
      '',
      'class Status:',
      '    OPEN = "open"',
      '',
      '',
      '@app.route("/words", methods=["GET", "POST"])',
      'def words():',
      '    c = Counter("hello world hello".split())',
      '    return {"hello": c["hello"], "status": Status.OPEN, "url": request.pathname2url("a b")}',
      '',
    ].join('\n');
    const file = path.join(dir, 'app.py');
    const out = await instrumentTwice(text, file, (t) => [route('flask', ['GET', 'POST'], '/words', t, file)]);
    assert.match(out, /^from prometheus_client import Counter as PromCounter, Histogram, REGISTRY$/m);
    assert.match(out, /^from opentelemetry\.trace import Status as OtelStatus, StatusCode$/m);
    assert.match(out, /^from flask import Flask, request as flask_request$/m);
    assert.match(out, /HTTP_REQUESTS_TOTAL = PromCounter\(/);
    assert.match(out, /span\.set_status\(OtelStatus\(StatusCode\.ERROR\)\)/);
    assert.match(out, /\.labels\(method=flask_request\.method, /);
    fs.writeFileSync(file, out);
    const r = runPython(
      [
        'import app',
        'from prometheus_client import REGISTRY',
        'r = app.app.test_client().get("/words")',
        'assert r.status_code == 200, r.status_code',
        'assert r.get_json() == {"hello": 2, "status": "open", "url": "a%20b"}, r.get_json()',
        'print(REGISTRY.get_sample_value("http_requests_total", {"method": "GET", "route": "/words", "status": "200"}))',
      ].join('\n'),
      dir,
    );
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /^1\.0$/m);
  });
});
