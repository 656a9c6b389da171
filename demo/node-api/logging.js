'use strict';
// Logs of the catalog API: pino, one JSON line per event on stdout, each carrying the trace and span ids of
// the active OpenTelemetry span (a pino mixin, what "Add Trace Context to Logs" writes), and the same records
// exported over OTLP/HTTP to the receiver (logs SDK, batched every second) when an OTLP endpoint is set, so
// the editor's logs panel shows them live and links them to their traces.
const pino = require('pino');
const { context, trace } = require('@opentelemetry/api');
const { SeverityNumber } = require('@opentelemetry/api-logs');
const { LoggerProvider, BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { ATTR_SERVICE_NAME } = require('@opentelemetry/semantic-conventions');

const SEVERITY = {
  10: [SeverityNumber.TRACE, 'trace'],
  20: [SeverityNumber.DEBUG, 'debug'],
  30: [SeverityNumber.INFO, 'info'],
  40: [SeverityNumber.WARN, 'warn'],
  50: [SeverityNumber.ERROR, 'error'],
  60: [SeverityNumber.FATAL, 'fatal'],
};

const processors = [];
if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT) {
  const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-http');
  processors.push(new BatchLogRecordProcessor({ exporter: new OTLPLogExporter(), scheduledDelayMillis: 1000 }));
}
const provider = new LoggerProvider({
  resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: process.env.OTEL_SERVICE_NAME || 'node-api' }),
  processors,
});
const otel = provider.getLogger('catalog-api');

// pino writes synchronously to this stream, inside the caller's context: the record gets the active span.
const destination = {
  write(line) {
    process.stdout.write(line);
    if (!processors.length) return;
    let level = 30;
    try {
      level = JSON.parse(line).level;
    } catch {
      // not JSON: keep info
    }
    const [severityNumber, severityText] = SEVERITY[level] || SEVERITY[30];
    otel.emit({ severityNumber, severityText, body: line.trimEnd(), context: context.active() });
  },
};

const logger = pino(
  {
    base: { service: process.env.OTEL_SERVICE_NAME || 'node-api' },
    formatters: { level: (label) => ({ level: label }) },
    // pino mixin: the active OpenTelemetry trace and span ids on every line (for Loki).
    mixin() {
      const ctx = trace.getActiveSpan()?.spanContext();
      return ctx ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {};
    },
  },
  destination,
);

/** Express middleware: one line per request when it finishes, in the request span's context. */
function requestLog(req, res, next) {
  const span = trace.getActiveSpan();
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const ctx = span ? trace.setSpan(context.active(), span) : context.active();
    context.with(ctx, () => {
      const fields = {
        method: req.method,
        path: req.originalUrl,
        route: req.route ? `${req.baseUrl}${req.route.path}` : undefined,
        status: res.statusCode,
        duration_ms: Number(process.hrtime.bigint() - started) / 1e6,
      };
      const msg = `${req.method} ${req.originalUrl} ${res.statusCode}`;
      if (res.statusCode >= 500) logger.error(fields, msg);
      else if (res.statusCode >= 400) logger.warn(fields, msg);
      else logger.info(fields, msg);
    });
  });
  next();
}

async function shutdownLogging() {
  await provider.shutdown().catch(() => {});
}

module.exports = { logger, requestLog, shutdownLogging };
