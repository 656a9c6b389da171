/** "Add trace context to logs" plans: what is inserted where, once (idempotent), CRLF kept, clear refusals. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../../src/core/instrument/planner';
import { planJsTraceLogging, planPythonTraceLogging } from '../../../src/core/instrument/traceLogging';

const PY = `"""Shop service."""
from __future__ import annotations

import os
from fastapi import (
    FastAPI,
)

app = FastAPI()
`;

describe('Python: structlog with the OpenTelemetry trace context', () => {
  it('goes after the imports, before the code; a second run changes nothing', () => {
    const p = planPythonTraceLogging(PY);
    assert.equal(p.refused, undefined);
    assert.equal(p.edits.length, 1);
    const out = applyEdits(PY, p.edits);
    assert.ok(
      out.startsWith(
        '"""Shop service."""\nfrom __future__ import annotations\n\nimport os\nfrom fastapi import (\n    FastAPI,\n)\nimport structlog\nfrom opentelemetry import trace as otel_trace\n',
      ),
    );
    assert.match(out, /structlog\.processors\.JSONRenderer\(\),\n {4}\]\n\)\n\napp = FastAPI\(\)\n$/);
    assert.ok(out.indexOf('add_otel_trace_context,') < out.indexOf('JSONRenderer'));
    const again = planPythonTraceLogging(out);
    assert.deepEqual(again.edits, []);
    assert.equal(again.refused, undefined);
  });

  it('keeps CRLF, reuses an existing structlog import, and refuses a module that configures structlog itself', () => {
    const crlf = 'import structlog\r\n\r\nlog = structlog.get_logger()\r\n';
    const out = applyEdits(crlf, planPythonTraceLogging(crlf).edits);
    assert.equal(out.match(/import structlog/g)!.length, 1);
    assert.ok(!/[^\r]\n/.test(out), 'every line ends with CRLF');
    assert.match(
      planPythonTraceLogging('import structlog\nstructlog.configure(processors=[])\n').refused ?? '',
      /already configures structlog/,
    );
    assert.equal(applyEdits('', planPythonTraceLogging('').edits).startsWith('import structlog\n'), true);
  });
});

describe('JavaScript / TypeScript: pino mixin', () => {
  it('adds the mixin to an existing pino() call; idempotent', () => {
    const ts = "import pino from 'pino';\nimport express from 'express';\n\nexport const log = pino({ level: 'info' });\n";
    const p = planJsTraceLogging(ts, 'typescript');
    const out = applyEdits(ts, p.edits);
    assert.match(
      out,
      /^import pino from 'pino';\nimport express from 'express';\nimport \{ trace as otelTrace, isSpanContextValid \} from '@opentelemetry\/api';\n/,
    );
    assert.match(out, /function otelTraceMixin\(\): Record<string, string> \{/);
    assert.match(out, /pino\(\{ mixin: otelTraceMixin, level: 'info' \}\)/);
    assert.deepEqual(planJsTraceLogging(out, 'typescript').edits, []);
    assert.equal(
      applyEdits(
        'const pino = require("pino");\nconst l = pino();\n',
        planJsTraceLogging('const pino = require("pino");\nconst l = pino();\n', 'javascript').edits,
      ).includes('pino({ mixin: otelTraceMixin })'),
      true,
    );
  });

  it('creates a logger when the module has none; CommonJS stays CommonJS; refuses what it cannot edit', () => {
    const cjs = "const express = require('express');\nconst app = express();\n";
    const out = applyEdits(cjs, planJsTraceLogging(cjs, 'javascript').edits);
    assert.match(
      out,
      /^const express = require\('express'\);\nconst pino = require\('pino'\);\nconst \{ trace: otelTrace, isSpanContextValid \} = require\('@opentelemetry\/api'\);\n/,
    );
    assert.match(out, /const logger = pino\(\{ mixin: otelTraceMixin \}\);\nmodule\.exports\.logger = logger;/);
    assert.match(planJsTraceLogging("import pino from 'pino';\nconst l = pino(opts);\n", 'typescript').refused ?? '', /cannot edit/);
    assert.match(
      planJsTraceLogging("import pino from 'pino';\nconst l = pino({ mixin() { return {}; } });\n", 'typescript').refused ?? '',
      /already has a mixin/,
    );
  });
});
