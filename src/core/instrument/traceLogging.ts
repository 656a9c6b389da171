/**
 * "Add trace context to logs": every log line carries the current OpenTelemetry `trace_id` / `span_id`, so
 * Loki lines link to their trace. Python: structlog configured with a processor reading the current span and
 * a JSON renderer. JavaScript / TypeScript: a pino mixin reading the active span. One plan = one set of
 * non-overlapping edits (one undo step); a module that already has it gets no edits. Pure, text only.
 */
import { eolOf } from './common';
import type { EditPlan, TextEdit } from './types';

export const PY_PROCESSOR = 'add_otel_trace_context';
export const JS_MIXIN = 'otelTraceMixin';

function plan(edits: TextEdit[], summary: string): EditPlan {
  return { edits, summary, alreadyInstrumented: [] };
}
function refuse(reason: string): EditPlan {
  return { edits: [], summary: reason, alreadyInstrumented: [], refused: reason };
}
const done = (what: string): EditPlan => plan([], `${what} already adds the trace context`);

/** End offset of the last top-level import statement matched by `re` (global, multiline) ending before `before`, or -1. */
function lastImportEnd(text: string, re: RegExp, before = Infinity): number {
  let end = -1;
  for (const m of text.matchAll(re)) if (m.index + m[0].length <= before) end = m.index + m[0].length;
  return end;
}

/** Offset of the start of the line after `at` (or the end of the text). */
function nextLineStart(text: string, at: number): number {
  const nl = text.indexOf('\n', at);
  return nl < 0 ? text.length : nl + 1;
}

// --- Python: structlog ------------------------------------------------------------------------------------

const PY_IMPORT = /^(?:from[ \t]+[\w.]+[ \t]+import[ \t]+(?:\([^)]*\)|[^\n]*)|import[ \t]+[^\n]+)/gm;

/** Where module code may start: after the module docstring (if any) and leading comments. */
function pyHeadEnd(text: string): number {
  const m = /^(?:[ \t]*(?:#[^\n]*)?\r?\n)*(?:[rRuU]?("""|''')[\s\S]*?\1[^\n]*\r?\n?)?/.exec(text);
  return m ? m[0].length : 0;
}

export function planPythonTraceLogging(text: string): EditPlan {
  if (new RegExp(`^def ${PY_PROCESSOR}\\(`, 'm').test(text)) return done('structlog');
  if (/^structlog\.configure\(/m.test(text)) {
    return refuse(`this module already configures structlog — add ${PY_PROCESSOR} to its processors before the renderer`);
  }
  if (
    /^\s*otel_trace\s*=|^import\s+otel_trace\b|\bas\s+otel_trace\b/m.test(text) &&
    !/^from opentelemetry import trace as otel_trace$/m.test(text)
  ) {
    return refuse('the name otel_trace is already used in this module');
  }
  const eol = eolOf(text);
  const importEnd = lastImportEnd(text, PY_IMPORT);
  const at = importEnd >= 0 ? nextLineStart(text, importEnd) : pyHeadEnd(text);
  const imports = [
    /^import structlog\s*$/m.test(text) ? '' : 'import structlog',
    /^from opentelemetry import trace as otel_trace\s*$/m.test(text) ? '' : 'from opentelemetry import trace as otel_trace',
  ].filter(Boolean);
  const block = [
    ...imports,
    '',
    '',
    `def ${PY_PROCESSOR}(logger, method_name, event_dict):`,
    '    """structlog processor: the current OpenTelemetry trace and span ids on every line (for Loki)."""',
    '    ctx = otel_trace.get_current_span().get_span_context()',
    '    if ctx.is_valid:',
    '        event_dict["trace_id"] = format(ctx.trace_id, "032x")',
    '        event_dict["span_id"] = format(ctx.span_id, "016x")',
    '    return event_dict',
    '',
    '',
    'structlog.configure(',
    '    processors=[',
    '        structlog.contextvars.merge_contextvars,',
    '        structlog.processors.add_log_level,',
    '        structlog.processors.TimeStamper(fmt="iso"),',
    `        ${PY_PROCESSOR},`,
    '        structlog.processors.JSONRenderer(),',
    '    ]',
    ')',
    '',
  ];
  const needsBreak = at > 0 && !text.slice(0, at).endsWith('\n');
  const trailing = at < text.length && !/^\s*\n/.test(text.slice(at)) ? [''] : [];
  return plan(
    [{ start: at, end: at, newText: `${needsBreak ? eol : ''}${[...block, ...trailing].join(eol)}` }],
    `structlog renders JSON with trace_id and span_id from the current OpenTelemetry span (${PY_PROCESSOR})`,
  );
}

// --- JavaScript / TypeScript: pino ------------------------------------------------------------------------

const JS_IMPORT =
  /^(?:import\s[^;]*?from\s*['"][^'"\n]+['"][ \t]*;?|import\s*['"][^'"\n]+['"][ \t]*;?|(?:const|let|var)\s[^;\n]*=\s*require\(\s*['"][^'"\n]+['"]\s*\)[^;\n]*;?)/gm;

/** The local name pino is imported as, if it is. */
function pinoBinding(text: string): string | undefined {
  const m =
    /^import\s+(\w+)(?:\s*,\s*\{[^}]*\})?\s+from\s+['"]pino['"]/m.exec(text) ??
    /^import\s+\{[^}]*\bpino(?:\s+as\s+(\w+))?\b[^}]*\}\s+from\s+['"]pino['"]/m.exec(text) ??
    /^(?:const|let|var)\s+(\w+)\s*=\s*require\(\s*['"]pino['"]\s*\)/m.exec(text);
  if (!m) return undefined;
  return m[1] ?? 'pino';
}

export function planJsTraceLogging(text: string, language: 'javascript' | 'typescript'): EditPlan {
  if (new RegExp(`\\bfunction ${JS_MIXIN}\\(`).test(text)) return done('pino');
  const eol = eolOf(text);
  const cjs = !/^import\s/m.test(text) && /\brequire\(/.test(text);
  const edits: TextEdit[] = [];
  const lines: string[] = [];
  if (/\botelTrace\b/.test(text)) return refuse('the name otelTrace is already used in this module');
  lines.push(
    cjs
      ? "const { trace: otelTrace, isSpanContextValid } = require('@opentelemetry/api');"
      : "import { trace as otelTrace, isSpanContextValid } from '@opentelemetry/api';",
  );
  let pino = pinoBinding(text);
  let call: RegExpExecArray | null = null;
  if (pino) {
    call = new RegExp(`\\b${pino}\\s*\\(`).exec(text);
  } else {
    pino = 'pino';
    if (/\bpino\b/.test(text)) return refuse('the name pino is already used in this module');
    lines.unshift(cjs ? "const pino = require('pino');" : "import pino from 'pino';");
  }
  lines.push(
    '',
    '/** pino mixin: the active OpenTelemetry trace and span ids on every line (for Loki). */',
    `function ${JS_MIXIN}()${language === 'typescript' ? ': Record<string, string>' : ''} {`,
    '  const ctx = otelTrace.getActiveSpan()?.spanContext();',
    '  return ctx && isSpanContextValid(ctx) ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {};',
    '}',
    '',
  );
  if (call) {
    const open = call.index + call[0].length;
    const rest = text.slice(open);
    if (/^\s*\)/.test(rest)) {
      const close = open + rest.indexOf(')');
      edits.push({ start: open, end: close, newText: `{ mixin: ${JS_MIXIN} }` });
    } else if (/^\s*\{/.test(rest)) {
      const brace = open + rest.indexOf('{') + 1;
      if (/^\s*\{[^}]*\bmixin\s*[:(,}]/.test(rest)) return refuse('this pino logger already has a mixin — merge the trace ids into it');
      edits.push({ start: brace, end: brace, newText: ` mixin: ${JS_MIXIN},` });
    } else {
      return refuse('pino is called with options this action cannot edit — pass { mixin: otelTraceMixin } yourself');
    }
  } else {
    if (/\blogger\b/.test(text)) return refuse('no pino() call in this module, and the name logger is taken');
    lines.push(`${cjs ? '' : 'export '}const logger = ${pino}({ mixin: ${JS_MIXIN} });`);
    if (cjs) lines.push('module.exports.logger = logger;');
    lines.push('', '');
  }
  // after the imports above the logger: a line it logs at load runs the mixin, and a require() below has not run yet
  const importEnd = lastImportEnd(text, JS_IMPORT, call?.index);
  const at = importEnd >= 0 ? nextLineStart(text, importEnd) : 0;
  const needsBreak = at > 0 && !text.slice(0, at).endsWith('\n');
  edits.unshift({ start: at, end: at, newText: `${needsBreak ? eol : ''}${lines.join(eol)}` });
  return plan(edits, `pino lines carry trace_id and span_id from the active OpenTelemetry span (${JS_MIXIN})`);
}

/** The plan for a document of a VS Code language id. */
export function planTraceLogging(text: string, languageId: string): EditPlan {
  if (languageId === 'python') return planPythonTraceLogging(text);
  if (languageId === 'typescript' || languageId === 'typescriptreact') return planJsTraceLogging(text, 'typescript');
  if (languageId === 'javascript' || languageId === 'javascriptreact') return planJsTraceLogging(text, 'javascript');
  return refuse('trace context in logs is added to Python (structlog) and JavaScript/TypeScript (pino) files');
}
