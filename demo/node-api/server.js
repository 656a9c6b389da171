'use strict';
// Catalog API — the Node half of the Telemetry Lens demo.
// Run: node server.js   (PORT, default 3000; binds 127.0.0.1 unless HOST is set)
const { shutdownTracing } = require('./tracing'); // must come before express is loaded
const express = require('express');
const { httpMetrics, metricsHandler } = require('./metrics');
const { logger, requestLog, shutdownLogging } = require('./logging');
const products = require('./routes/products');

const app = express();
app.disable('x-powered-by');
app.use(httpMetrics);
app.use((req, res, next) => (req.url === '/metrics' || req.url === '/healthz' ? next() : requestLog(req, res, next)));

app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
app.get('/metrics', metricsHandler);
app.use('/api/products', products);

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || '127.0.0.1';
const server = app.listen(port, host, () => {
  logger.info(`catalog API listening on http://${host}:${port}`);
});
server.on('error', (err) => {
  console.error(`catalog API failed to listen on ${host}:${port}: ${err.message}`);
  process.exit(1);
});

function stop(signal) {
  console.log(`received ${signal}, shutting down`);
  server.close();
  Promise.all([shutdownTracing(), shutdownLogging()]).finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
