'use strict';
// prom-client metrics, the shape Telemetry Lens' "Instrument Route" writes:
//   http_requests_total{method,route,status} and http_request_duration_seconds{method,route,status}
// labelled with the Express route template (e.g. /api/products/:id). The registry speaks OpenMetrics
// so the histogram can carry exemplars ({trace_id="..."}) that link a latency bucket to a trace.
const client = require('prom-client');
const { trace, isSpanContextValid } = require('@opentelemetry/api');

const register = new client.Registry();
register.setContentType(client.Registry.OPENMETRICS_CONTENT_TYPE);

const httpRequests = new client.Counter({
  name: 'http_requests_total',
  help: 'HTTP requests',
  labelNames: ['method', 'route', 'status'],
  registers: [register],
});

const httpRequestDuration = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  enableExemplars: true,
  registers: [register],
});

// The in-flight gauge Instrument Route adds with telemetryLens.instrument.inFlightGauge (the details panel charts it).
const httpRequestsInProgress = new client.Gauge({
  name: 'http_requests_in_progress',
  help: 'HTTP requests in progress.',
  registers: [register],
});

/** Express middleware: records every request that matched a route, once the response is sent. */
function httpMetrics(req, res, next) {
  if (req.path === '/metrics') return next(); // Prometheus' own scrapes
  const start = process.hrtime.bigint();
  const span = trace.getActiveSpan();
  httpRequestsInProgress.inc();
  let inProgress = true;
  const done = () => {
    if (inProgress) httpRequestsInProgress.dec();
    inProgress = false;
  };
  res.on('close', done);
  res.on('finish', () => {
    done();
    if (!req.route) return; // unmatched URLs (404 from express itself) would only add cardinality
    let route = req.baseUrl + (req.route.path === '/' ? '' : req.route.path);
    if (route === '') route = '/';
    const labels = { method: req.method, route, status: String(res.statusCode) };
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const ctx = span && span.spanContext();
    const exemplarLabels = ctx && isSpanContextValid(ctx) ? { trace_id: ctx.traceId } : {};
    try {
      httpRequests.inc(labels);
      // enableExemplars switches observe() to the object form; {} means "no exemplar".
      httpRequestDuration.observe({ labels, value: seconds, exemplarLabels });
    } catch (err) {
      console.error('failed to record metrics:', err);
    }
  });
  next();
}

async function metricsHandler(_req, res) {
  res.set('Content-Type', register.contentType);
  res.end(await register.metrics());
}

module.exports = { register, httpRequests, httpRequestDuration, httpMetrics, metricsHandler };
