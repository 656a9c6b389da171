/**
 * "Add trace context to logs" validated for real: the Python result runs with Debian's structlog (the span
 * context comes from a stub of the `opentelemetry` package, the real one is not installed here) and prints
 * JSON lines with the ids; the TypeScript result type-checks against the real pino and @opentelemetry/api
 * types; the JavaScript result runs under the real OpenTelemetry SDK and pino prints the active span's ids.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { applyEdits } from '../../../src/core/instrument/planner';
import { planJsTraceLogging, planPythonTraceLogging } from '../../../src/core/instrument/traceLogging';
import { runPython, scratchDir } from '../../support/instrument/pyenv';

const TRACE_HEX = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_HEX = '00f067aa0ba902b7';

const OTEL_STUB = `
class SpanContext:
    def __init__(self, trace_id, span_id, is_valid):
        self.trace_id, self.span_id, self.is_valid = trace_id, span_id, is_valid
class _Span:
    def __init__(self, ctx):
        self._ctx = ctx
    def get_span_context(self):
        return self._ctx
CURRENT = [_Span(SpanContext(0, 0, False))]
def get_current_span():
    return CURRENT[0]
`;

const PY_APP = `"""Checkout."""
import structlog

log = structlog.get_logger()


def checkout(order):
    log.info("checkout", order=order)
`;

describe('trace-aware logging, run for real', () => {
  it('Python: structlog prints JSON lines with trace_id and span_id of the current span, none outside a span', () => {
    const dir = scratchDir('structlog');
    fs.mkdirSync(path.join(dir, 'opentelemetry', 'trace'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'opentelemetry', '__init__.py'), '');
    fs.writeFileSync(path.join(dir, 'opentelemetry', 'trace', '__init__.py'), OTEL_STUB);
    const plan = planPythonTraceLogging(PY_APP);
    fs.writeFileSync(path.join(dir, 'app.py'), applyEdits(PY_APP, plan.edits));
    const r = runPython(
      [
        'import opentelemetry.trace as t',
        'import app',
        'app.checkout(1)',
        `t.CURRENT[0] = t._Span(t.SpanContext(0x${TRACE_HEX}, 0x${SPAN_HEX}, True))`,
        'app.checkout(2)',
      ].join('\n'),
      dir,
    );
    assert.equal(r.status, 0, r.out);
    const [outside, inside] = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(outside!.event, 'checkout');
    assert.equal(outside!.trace_id, undefined);
    assert.deepEqual(
      [inside!.event, inside!.order, inside!.level, inside!.trace_id, inside!.span_id],
      ['checkout', 2, 'info', TRACE_HEX, SPAN_HEX],
    );
  });

  it('TypeScript: the result type-checks against the real pino and @opentelemetry/api types', () => {
    const dir = scratchDir('pino-ts');
    const samples: Record<string, string> = {
      'existing.ts': "import pino from 'pino';\n\nexport const log = pino({ level: 'info' });\nlog.info('ready');\n",
      'none.ts': "import * as http from 'node:http';\n\nhttp.createServer().listen(0);\n",
      'empty.ts': "import { pino } from 'pino';\n\nexport const log = pino();\n",
    };
    const files = Object.entries(samples).map(([name, text]) => {
      const plan = planJsTraceLogging(text, 'typescript');
      assert.equal(plan.refused, undefined, name);
      const file = path.join(dir, name);
      fs.writeFileSync(file, applyEdits(text, plan.edits));
      return file;
    });
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
      noUnusedLocals: true,
    });
    const errors = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.includes(path.resolve(d.file.fileName)))
      .map((d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    assert.deepEqual(errors, []);
  });

  it('JavaScript: under the OpenTelemetry SDK, pino lines inside a span carry its ids', () => {
    const dir = scratchDir('pino-js');
    const app = "const express = require('express');\n\nmodule.exports.app = express;\n";
    fs.writeFileSync(path.join(dir, 'app.js'), applyEdits(app, planJsTraceLogging(app, 'javascript').edits));
    const script = [
      "const api = require('@opentelemetry/api');",
      "const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');",
      "const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');",
      'api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());',
      'api.trace.setGlobalTracerProvider(new BasicTracerProvider());',
      "const { logger } = require('./app.js');",
      "logger.info('outside');",
      "api.trace.getTracer('t').startActiveSpan('work', (span) => {",
      "  logger.info({ order: 7 }, 'inside');",
      '  process.stderr.write(JSON.stringify(span.spanContext()));',
      '  span.end();',
      '});',
    ].join('\n');
    const r = spawnSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const [outside, inside] = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const ctx = JSON.parse(r.stderr) as { traceId: string; spanId: string };
    assert.equal(outside!.msg, 'outside');
    assert.equal(outside!.trace_id, undefined);
    assert.deepEqual([inside!.msg, inside!.order, inside!.trace_id, inside!.span_id], ['inside', 7, ctx.traceId, ctx.spanId]);
    assert.match(ctx.traceId, /^[0-9a-f]{32}$/);
  });

  it('JavaScript: a logger logging at load above later requires loads (the mixin and its require go above the logger)', () => {
    const dir = scratchDir('pino-js-load');
    const app = [
      "'use strict';",
      "const pino = require('pino');",
      '',
      'const logger = pino();',
      "logger.info('starting');",
      '',
      "const express = require('express');",
      '',
      'module.exports = { logger, express };',
      '',
    ].join('\n');
    const out = applyEdits(app, planJsTraceLogging(app, 'javascript').edits);
    assert.ok(out.indexOf("require('@opentelemetry/api')") < out.indexOf('const logger = pino({ mixin: otelTraceMixin });'), out);
    fs.writeFileSync(path.join(dir, 'app.js'), out);
    const r = spawnSync(process.execPath, ['-e', "require('./app.js').logger.info('loaded');"], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { msg: string }).msg),
      ['starting', 'loaded'],
    );
  });
});
