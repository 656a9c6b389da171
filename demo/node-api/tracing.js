'use strict';
// OpenTelemetry tracing for the catalog API. Loaded first (before express) so the HTTP and Express
// instrumentations can patch them. Every request gets a server span; its trace id becomes the
// exemplar on the latency histogram (see metrics.js). Spans are exported over OTLP/HTTP only when
// OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; otherwise they are
// created (so trace ids exist) and dropped.
const { trace } = require('@opentelemetry/api');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { ATTR_SERVICE_NAME } = require('@opentelemetry/semantic-conventions');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');

const spanProcessors = [];
if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
  spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
}

const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: process.env.OTEL_SERVICE_NAME || 'node-api' }),
  spanProcessors,
});
provider.register();

registerInstrumentations({
  tracerProvider: provider,
  instrumentations: [
    new HttpInstrumentation({
      // Prometheus scrapes and health probes are not interesting traces.
      ignoreIncomingRequestHook: (req) => req.url === '/metrics' || req.url === '/healthz',
    }),
    new ExpressInstrumentation(),
  ],
});

async function shutdownTracing() {
  await provider.shutdown().catch(() => {});
}

module.exports = { tracer: trace.getTracer('catalog-api'), shutdownTracing };
