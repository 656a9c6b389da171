#!/usr/bin/env node
// Telemetry Lens live demo: Prometheus + two instrumented services + bounded traffic + code-server
// with the extension installed and the demo workspace open. Everything binds 127.0.0.1.
//
//   node scripts/demo.mjs              start everything, print the URLs, Ctrl-C stops everything
//   node scripts/demo.mjs --check      start everything, verify it works, print a JSON summary, stop
//   node scripts/demo.mjs --no-editor  everything except code-server
//   node scripts/demo.mjs --check --browser   also load the workbench in headless Chromium and wait
//                                             for live CodeLens metrics (screenshots in the log dir)
//
// Ports (default, next free one if busy; an explicitly set port must be free):
//   DEMO_PROMETHEUS_PORT 9090, DEMO_PYTHON_PORT 8000, DEMO_NODE_PORT 3000, DEMO_CODE_SERVER_PORT 8080
// Other knobs: DEMO_TRAFFIC_RPS (default 8, max 20), DEMO_RELOAD=0 (no auto-reload of the services
// on edits; --check never reloads), DEMO_PROMETHEUS_BIN (default: prometheus on PATH),
// DEMO_IN_PLACE=1 (run the services from demo/ instead of a fresh copy in the run dir).
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  codeServerEntry,
  codeServerListening,
  CODE_SERVER_DIR,
  ensureVsix,
  installExtension,
  startCodeServer,
  writeUserSettings,
} from './demo/code-server.mjs';
import { renderPrometheusConfig } from './demo/prometheus-config.mjs';
import { choosePort, httpGet, PortError, waitFor } from './demo/net.mjs';
import { Supervisor } from './demo/supervisor.mjs';

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const demoDir = join(root, 'demo');
const PYTHON = '/usr/bin/python3'; // Debian's python3-* packages live here, not in the python3 on PATH
const SETUP_FIX = 'run `bash scripts/setup.sh`';

const { values: args } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    'no-editor': { type: 'boolean', default: false },
    browser: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8')
    .split('\n')
    .slice(1);
  console.log(
    lines
      .slice(
        0,
        lines.findIndex((l) => !l.startsWith('//')),
      )
      .map((l) => l.replace(/^\/\/ ?/, ''))
      .join('\n'),
  );
  process.exit(0);
}
const CHECK = args.check;
const RELOAD = !CHECK && process.env.DEMO_RELOAD !== '0';
const RPS = Number(process.env.DEMO_TRAFFIC_RPS || 8);

const t0 = Date.now();
const secs = (ms = Date.now() - t0) => Math.round(ms / 100) / 10;
const log = (msg) => console.error(`[demo +${secs()}s] ${msg}`);
const timings = {};
const failures = [];
const notes = [];

// ---------------------------------------------------------------- preflight (nothing started yet)

function onPath(bin) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, bin);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return null;
}

function preflight() {
  const problems = [];
  const prometheus = process.env.DEMO_PROMETHEUS_BIN || onPath('prometheus');
  if (!prometheus) problems.push(`prometheus is not installed: ${SETUP_FIX} (or apt-get install prometheus)`);
  const py = spawnSync(PYTHON, ['-c', 'import fastapi, uvicorn, prometheus_client'], {
    encoding: 'utf8',
    timeout: 30_000,
    env: pythonEnv(),
  });
  if (py.status !== 0) {
    problems.push(
      `${PYTHON} cannot import fastapi/uvicorn/prometheus_client: ${SETUP_FIX} (or apt-get install python3-fastapi python3-uvicorn python3-prometheus-client)`,
    );
  }
  // Instrument Route's spans import opentelemetry; Debian ships no python3-opentelemetry.
  otelShim = spawnSync(PYTHON, ['-c', 'import opentelemetry.trace'], { timeout: 30_000, env: pythonEnv() }).status !== 0;
  if (otelShim) notes.push('python-api: no Python OpenTelemetry installed, spans use the no-op demo/python-otel-shim');
  const req = createRequire(join(demoDir, 'node-api/server.js'));
  const missing = [
    'express',
    'prom-client',
    '@opentelemetry/api',
    '@opentelemetry/sdk-trace-node',
    '@opentelemetry/instrumentation-http',
    '@opentelemetry/instrumentation-express',
  ].filter((m) => {
    try {
      req.resolve(m);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length) problems.push(`node packages missing (${missing.join(', ')}): run \`npm ci\``);
  let codeServer = null;
  if (!args['no-editor']) {
    codeServer = codeServerEntry(root);
    if (!codeServer && CHECK)
      notes.push(`code-server is not installed (${CODE_SERVER_DIR}): editor step skipped; ${SETUP_FIX} to include it`);
    else if (!codeServer)
      problems.push(
        `code-server is not installed (${CODE_SERVER_DIR}): ${SETUP_FIX}, or start without the editor: node scripts/demo.mjs --no-editor`,
      );
  }
  if (problems.length) {
    console.error(`demo: cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exit(2);
  }
  return { prometheus, codeServer };
}

let otelShim = false; // see demo/python-otel-shim/README.md

function pythonEnv() {
  const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' };
  delete env.PYTHONHOME; // set for the other Python on PATH, would break /usr/bin/python3
  delete env.PYTHONPATH;
  if (otelShim) env.PYTHONPATH = join(demoDir, 'python-otel-shim');
  return env;
}

const bins = preflight();

let ports;
try {
  const taken = new Set();
  const pick = async (name, envVar, fallback, hint) => {
    const { port, note } = await choosePort({ name, envVar, fallback, taken, hint });
    if (note) notes.push(note);
    return port;
  };
  ports = {
    prometheus: await pick('Prometheus', 'DEMO_PROMETHEUS_PORT', 9090, 'stop the other Prometheus'),
    python: await pick('python-api', 'DEMO_PYTHON_PORT', 8000, 'stop the process listening there'),
    node: await pick('node-api', 'DEMO_NODE_PORT', 3000, 'stop the process listening there'),
    // The OTLP receiver (`telemetry-lens receiver`): node-api exports its spans there, the editor reads them.
    otlpGrpc: await pick('OTLP/gRPC receiver', 'DEMO_OTLP_GRPC_PORT', 4317, 'stop the other OTLP receiver'),
    otlpHttp: await pick('OTLP/HTTP receiver', 'DEMO_OTLP_HTTP_PORT', 4318, 'stop the other OTLP receiver'),
    traces: await pick('trace query API', 'DEMO_TRACES_PORT', 16686, 'stop the Jaeger listening there'),
  };
  if (bins.codeServer) ports.codeServer = await pick('code-server', 'DEMO_CODE_SERVER_PORT', 8080, 'stop the other code-server');
} catch (err) {
  if (!(err instanceof PortError)) throw err;
  console.error(`demo: ${err.message}`);
  process.exit(2);
}

const urls = {
  prometheus: `http://127.0.0.1:${ports.prometheus}`,
  python: `http://127.0.0.1:${ports.python}`,
  node: `http://127.0.0.1:${ports.node}`,
  otlpHttp: `http://127.0.0.1:${ports.otlpHttp}`,
  traces: `http://127.0.0.1:${ports.traces}`,
};

// ---------------------------------------------------------------- run directory

const demoRoot = join(root, '.demo');
mkdirSync(demoRoot, { recursive: true });
pruneOldRuns(demoRoot, 5);
const runName = `run-${new Date()
  .toISOString()
  .replace(/[-:]/g, '')
  .replace(/\.\d+Z$/, 'Z')}-${process.pid}`;
const runDir = join(demoRoot, runName);
const logDir = join(runDir, 'logs');
mkdirSync(logDir, { recursive: true });
// The services run from, and code-server opens, a copy of the demo sources in the run dir, so every
// run starts with the un-instrumented route and trying "Instrument Route" leaves demo/ untouched.
// DEMO_IN_PLACE=1 uses demo/ itself (to work on the demo's sources with live reload).
const IN_PLACE = process.env.DEMO_IN_PLACE === '1';
const appsDir = IN_PLACE ? demoDir : join(runDir, 'workspace');
if (!IN_PLACE) {
  for (const name of ['python-api', 'node-api', 'telemetry-lens-demo.code-workspace']) {
    cpSync(join(demoDir, name), join(appsDir, name), { recursive: true, filter: (src) => !/(__pycache__|\.pyc)$/.test(src) });
  }
}
const workspace = join(appsDir, 'telemetry-lens-demo.code-workspace');
if (ports.codeServer) urls.workbench = `http://127.0.0.1:${ports.codeServer}/?workspace=${workspace}`;

try {
  symlinkSync(runName, join(demoRoot, `.latest-${process.pid}`));
  renameSync(join(demoRoot, `.latest-${process.pid}`), join(demoRoot, 'latest'));
} catch {
  // cosmetic only
}

/** Deletes all but the newest `keep` earlier runs whose orchestrator is gone. */
function pruneOldRuns(dir, keep) {
  const runs = readdirSync(dir)
    .filter((d) => d.startsWith('run-'))
    .sort()
    .reverse()
    .slice(keep);
  for (const d of runs) {
    try {
      const { orchestrator } = JSON.parse(readFileSync(join(dir, d, 'pids.json'), 'utf8'));
      process.kill(orchestrator, 0);
      continue; // still running
    } catch {
      // not running (or no pids.json): remove
    }
    rmSync(join(dir, d), { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- lifecycle

let shuttingDown = null;
const sup = new Supervisor({
  runDir,
  logDir,
  onUnexpectedExit: (c) => {
    const how = c.exited.error ?? (c.exited.signal ? `signal ${c.exited.signal}` : `exit code ${c.exited.code}`);
    fail(`${c.name} exited unexpectedly (${how}); log ${relative(root, c.logPath)}:\n${tail(c.logPath)}`);
  },
});

function tail(path, n = 12) {
  try {
    return readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(-n)
      .map((l) => `    | ${l}`)
      .join('\n');
  } catch {
    return '    | (no log)';
  }
}

let signalFailed;
const failed = new Promise((resolve) => (signalFailed = resolve));

function fail(reason) {
  if (shuttingDown) return;
  failures.push(reason.split('\n')[0].replace(/:$/, ''));
  signalFailed(null);
  log(`FAILED: ${reason}`);
  if (CHECK) return; // every wait in the check aborts on a failure; the summary reports it
  void shutdown(1);
}
const failedReason = () => (failures.length ? failures[0] : null);

function shutdown(code, why) {
  if (shuttingDown) return shuttingDown;
  sup.stopping = true;
  if (why) log(why);
  log('stopping everything ...');
  shuttingDown = sup.stopAll().then(() => {
    log(`stopped (${secs()}s). Logs: ${relative(root, logDir)}`);
    process.exit(code);
  });
  return shuttingDown;
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    // a requested stop of a healthy demo exits 0; an interrupted --check did not verify anything
    if (CHECK && !shuttingDown) {
      failures.push(`interrupted by ${sig}`);
      console.log(
        JSON.stringify(
          { ok: false, runDir: relative(root, runDir), ports, urls, timings, checks: {}, failedChecks: [], failures, notes },
          null,
          2,
        ),
      );
    }
    void shutdown(CHECK || failures.length ? 1 : 0, `${sig} received`);
  });
}
process.on('uncaughtException', (err) => {
  failures.push(`orchestrator error: ${err.message}`);
  log(err.stack ?? String(err));
  void shutdown(1);
});
process.on('unhandledRejection', (err) => {
  failures.push(`orchestrator error: ${err?.message ?? err}`);
  log(err?.stack ?? String(err));
  void shutdown(1);
});

sup.startReaper(fileURLToPath(new URL('./demo/reaper.mjs', import.meta.url)));

// ---------------------------------------------------------------- components

function writePrometheusConfig() {
  const template = readFileSync(join(demoDir, 'prometheus.yml'), 'utf8');
  const path = join(runDir, 'prometheus.yml');
  writeFileSync(
    path,
    renderPrometheusConfig(template, { pythonPort: ports.python, nodePort: ports.node, rulesPath: join(demoDir, 'rules', '*.yml') }),
  );
  return path;
}

/**
 * The bundled CLI, built now when missing (packaging the extension may rebuild dist/ meanwhile, so the
 * receiver runs from a copy in the run directory).
 */
function receiverCli() {
  const built = join(root, 'dist/cli.js');
  if (!existsSync(built)) spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--only=cli'], { cwd: root, stdio: 'ignore' });
  const mine = join(runDir, 'cli.js');
  copyFileSync(built, mine);
  return mine;
}

function startBackends() {
  const prometheus = sup.spawn(
    'prometheus',
    bins.prometheus,
    [
      `--config.file=${writePrometheusConfig()}`,
      `--storage.tsdb.path=${join(runDir, 'prometheus-data')}`,
      '--storage.tsdb.retention.time=1d',
      `--web.listen-address=127.0.0.1:${ports.prometheus}`,
      '--enable-feature=exemplar-storage',
    ],
    { cwd: runDir },
  );

  const pyDir = join(appsDir, 'python-api');
  const python = sup.spawn(
    'python-api',
    PYTHON,
    [
      '-m',
      'uvicorn',
      'main:app',
      '--host',
      '127.0.0.1',
      '--port',
      String(ports.python),
      '--no-access-log',
      ...(RELOAD ? ['--reload', '--reload-dir', pyDir] : []),
    ],
    { cwd: pyDir, env: pythonEnv() },
  );

  const receiver = sup.spawn(
    'receiver',
    process.execPath,
    [
      receiverCli(),
      'receiver',
      '--grpc-port',
      String(ports.otlpGrpc),
      '--http-port',
      String(ports.otlpHttp),
      '--query-port',
      String(ports.traces),
    ],
    { cwd: runDir },
  );

  const nodeDir = join(appsDir, 'node-api');
  const node = sup.spawn('node-api', process.execPath, [...(RELOAD ? [`--watch-path=${nodeDir}`] : []), 'server.js'], {
    cwd: nodeDir,
    // Spans go to the receiver over OTLP/HTTP, batched every second so they show within seconds.
    env: {
      ...process.env,
      PORT: String(ports.node),
      HOST: '127.0.0.1',
      OTEL_SERVICE_NAME: 'node-api',
      OTEL_EXPORTER_OTLP_ENDPOINT: urls.otlpHttp,
      OTEL_BSP_SCHEDULE_DELAY: '1000',
    },
  });

  const ready = (name, entry, url) =>
    waitFor(async () => (await httpGet(url)).status === 200, {
      timeoutMs: 90_000,
      abort: () => (entry.exited ? `${name} exited` : failedReason()),
    }).then((r) => {
      if (r.ok) {
        timings[`${name}ReadyS`] = secs();
        log(`${name} ready`);
      } else if (!entry.exited) {
        fail(`${name} did not become ready (${r.reason}): ${url}; log ${relative(root, entry.logPath)}:\n${tail(entry.logPath)}`);
      }
      return r.ok;
    });

  return Promise.all([
    ready('prometheus', prometheus, `${urls.prometheus}/-/ready`),
    ready('python-api', python, `${urls.python}/healthz`),
    ready('node-api', node, `${urls.node}/healthz`),
    ready('receiver', receiver, `${urls.traces}/api/v3/services`),
  ]).then((oks) => oks.every(Boolean));
}

async function startEditor() {
  const userDataDir = join(runDir, 'user-data');
  const extensionsDir = join(runDir, 'extensions');
  const { vsix, packaged, stale } = await ensureVsix(sup, root, runDir, { log });
  if (packaged) timings.packageS = secs();
  if (stale) {
    notes.push(stale);
    log(`note: ${stale}`);
  }
  writeUserSettings(userDataDir, { prometheusUrl: urls.prometheus, tracesUrl: urls.traces });
  const extension = await installExtension(sup, bins.codeServer, { vsix, userDataDir, extensionsDir, runDir });
  timings.extensionInstalledS = secs();
  log(`extension installed (${extension})`);
  const cs = startCodeServer(sup, bins.codeServer, {
    port: ports.codeServer,
    userDataDir,
    extensionsDir,
    workspace,
    runDir,
  });
  const r = await waitFor(() => codeServerListening(cs.logPath), {
    timeoutMs: 180_000,
    abort: () => (cs.exited ? 'code-server exited' : failedReason()),
  });
  if (!r.ok) {
    if (!cs.exited) fail(`code-server did not start listening (${r.reason}); log ${relative(root, cs.logPath)}:\n${tail(cs.logPath)}`);
    return null;
  }
  timings.codeServerReadyS = secs();
  log('code-server ready');
  return { extension };
}

// ---------------------------------------------------------------- --check verification

async function promQuery(expr) {
  const r = await httpGet(`${urls.prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`);
  if (r.status !== 200) return [];
  return JSON.parse(r.body).data.result;
}

async function verify(editor) {
  const checks = {};
  const abort = failedReason;

  let lastHealth = {};
  const targets = await waitFor(
    async () => {
      const r = await httpGet(`${urls.prometheus}/api/v1/targets?state=active`);
      if (r.status !== 200) return false;
      lastHealth = Object.fromEntries(JSON.parse(r.body).data.activeTargets.map((t) => [t.labels.job, t.health]));
      return lastHealth['python-api'] === 'up' && lastHealth['node-api'] === 'up';
    },
    { timeoutMs: 60_000, intervalMs: 1000, abort },
  );
  checks.targetsUp = { ok: targets.ok, health: lastHealth };
  if (targets.ok) timings.targetsUpS = secs();

  let byJob = {};
  const data = await waitFor(
    async () => {
      const res = await promQuery('sum by (job) (http_requests_total{route!="/healthz"})');
      byJob = Object.fromEntries(res.map((s) => [s.metric.job, Number(s.value[1])]));
      return byJob['python-api'] > 0 && byJob['node-api'] > 0;
    },
    { timeoutMs: 90_000, intervalMs: 1000, abort },
  );
  checks.requestsByJob = { ok: data.ok, requests: byJob };
  if (data.ok) timings.trafficDataS = secs();

  let exemplars = 0;
  const ex = await waitFor(
    async () => {
      const now = Date.now() / 1000;
      const q = encodeURIComponent('http_request_duration_seconds_bucket{job="node-api"}');
      const r = await httpGet(`${urls.prometheus}/api/v1/query_exemplars?query=${q}&start=${now - 600}&end=${now + 60}`);
      if (r.status !== 200) return false;
      exemplars = JSON.parse(r.body).data.reduce(
        (n, s) => n + s.exemplars.filter((e) => /^[0-9a-f]{32}$/.test(e.labels.trace_id ?? '')).length,
        0,
      );
      return exemplars > 0;
    },
    { timeoutMs: 30_000, intervalMs: 1000, abort },
  );
  checks.nodeExemplars = { ok: ex.ok, count: exemplars };

  // node-api's spans reach the receiver and are served by its Jaeger api_v3 query API (what the Traces view reads).
  let services = [];
  const spans = await waitFor(
    async () => {
      const r = await httpGet(`${urls.traces}/api/v3/services`);
      services = r.status === 200 ? JSON.parse(r.body).services : [];
      return services.includes('node-api');
    },
    { timeoutMs: 30_000, intervalMs: 1000, abort },
  );
  checks.nodeSpans = { ok: spans.ok, services };

  // node-api's pino lines reach the receiver over OTLP with their trace ids (what the logs panel reads, through
  // the receiver's Loki query API), and such a trace id opens its trace there: the links work both ways.
  let logLines = 0;
  let linkedTrace;
  const logs = await waitFor(
    async () => {
      const q = new URLSearchParams({ query: '{service_name="node-api"} |= "/api/products"', limit: '100' });
      const r = await httpGet(`${urls.traces}/loki/api/v1/query_range?${q}`);
      if (r.status !== 200) return false;
      // Without categorize-labels, Loki (and the receiver) put structured metadata into the stream labels.
      const streams = JSON.parse(r.body).data.result;
      logLines = streams.reduce((n, s) => n + s.values.length, 0);
      const traceIds = streams.map((s) => s.stream.trace_id).filter((t) => /^[0-9a-f]{32}$/.test(t ?? ''));
      for (const id of traceIds.slice(0, 5)) {
        if ((await httpGet(`${urls.traces}/api/v3/traces/${id}`)).status === 200) {
          linkedTrace = id;
          return true;
        }
      }
      return false;
    },
    { timeoutMs: 30_000, intervalMs: 1000, abort },
  );
  checks.nodeLogs = { ok: logs.ok, lines: logLines, linkedTrace };

  let names = [];
  await waitFor(
    async () => {
      const r = await httpGet(`${urls.prometheus}/api/v1/rules`);
      names = r.status === 200 ? JSON.parse(r.body).data.groups.flatMap((g) => g.rules.map((x) => x.name)) : [];
      return names.length > 0;
    },
    { timeoutMs: 10_000, intervalMs: 1000, abort },
  );
  checks.alertRules = { ok: ['HighErrorRate', 'SlowResponses'].every((n) => names.includes(n)), rules: names };

  if (!ports.codeServer) {
    checks.workbench = { ok: true, skipped: true, reason: notes.find((n) => n.startsWith('code-server')) ?? '--no-editor' };
  } else if (!editor) {
    checks.workbench = { ok: false, reason: 'code-server did not start' };
  } else {
    const r = await httpGet(`http://127.0.0.1:${ports.codeServer}/?workspace=${encodeURIComponent(workspace)}`, { timeoutMs: 15_000 });
    const ok = r.status === 200 && /<html/i.test(r.body) && /workbench/i.test(r.body);
    checks.workbench = { ok, status: r.status, bytes: r.body.length, extension: editor.extension };
  }
  if (args.browser) {
    if (!checks.workbench.ok || checks.workbench.skipped) {
      checks.browser = { ok: false, reason: 'the workbench is not being served' };
    } else {
      const { browserCheck } = await import('./demo/browser-check.mjs');
      checks.browser = await browserCheck({ workbenchUrl: urls.workbench, logDir, timeoutMs: 90_000, log, abort });
      if (checks.browser.ok) timings.liveCodeLensS = secs();
      const extensionLog = keepExtensionLog();
      checks.browser.extensionLog = extensionLog ? relative(root, extensionLog) : 'not found';
      if (!checks.browser.ok && extensionLog) {
        checks.browser.reason += `; the extension logged: ${tail(extensionLog, 6)
          .split('\n')
          .map((l) => l.replace(/^\s*\| /, '').trim())
          .filter(Boolean)
          .join(' | ')}`;
      }
    }
  }
  return checks;
}

/** Copies the extension's own log (code-server's exthost log dir) next to the screenshots; its new path or null. */
function keepExtensionLog() {
  const found = [];
  (function walk(dir) {
    let entries = [];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'Telemetry Lens.log') found.push(p);
    }
  })(join(runDir, 'user-data', 'logs'));
  if (!found.length) return null;
  const kept = join(logDir, 'telemetry-lens.log');
  writeFileSync(
    kept,
    found
      .sort()
      .map((f) => readFileSync(f, 'utf8'))
      .join(''),
  );
  return kept;
}

// ---------------------------------------------------------------- main

log(`run dir ${relative(root, runDir)}${RELOAD ? ' (services reload on edits)' : ''}`);
for (const n of notes) log(`note: ${n}`);

const backends = startBackends();
const editor = ports.codeServer
  ? startEditor().catch((err) => {
      fail(err.message);
      return null;
    })
  : Promise.resolve(null);

const backendsOk = await backends;
if (backendsOk && !failedReason()) {
  sup.spawn('traffic', process.execPath, [
    join(demoDir, 'traffic.mjs'),
    '--python',
    urls.python,
    '--node',
    urls.node,
    '--rps',
    String(RPS),
  ]);
  log(`traffic started (${RPS} req/s)`);
}
const editorResult = await Promise.race([editor, failed]); // a failure elsewhere ends the wait
if (shuttingDown) await shuttingDown; // stopped by a signal meanwhile: that path reports and exits
timings.startupS = secs();

if (CHECK) {
  const checks = failedReason() ? {} : await verify(editorResult);
  if (shuttingDown) await shuttingDown;
  const ok = !failedReason() && Object.values(checks).every((c) => c.ok);
  const failedChecks = Object.entries(checks)
    .filter(([, c]) => !c.ok)
    .map(([name]) => name);
  const summary = { ok, runDir: relative(root, runDir), ports, urls, timings, checks, failedChecks, failures, notes };
  console.log(JSON.stringify(summary, null, 2));
  const line = Object.entries(checks)
    .map(([name, c]) => `${name} ${c.skipped ? 'skipped' : c.ok ? 'ok' : 'FAILED'}`)
    .join(', ');
  for (const [name, c] of Object.entries(checks)) if (!c.ok && c.reason) log(`${name} FAILED: ${c.reason}`);
  await shutdown(ok ? 0 : 1, `check ${ok ? 'passed' : 'FAILED'} in ${secs()}s${line ? `: ${line}` : ''}`);
} else if (failedReason()) {
  await shutdown(1);
} else {
  const rel = relative(process.cwd(), logDir) || '.';
  const lines = [
    '',
    `Telemetry Lens demo is running (started in ${timings.startupS}s)`,
    urls.workbench ? `  Workbench   ${urls.workbench}` : '  Workbench   (not started: --no-editor)',
    `  Prometheus  ${urls.prometheus}   alerts: ${urls.prometheus}/alerts`,
    `  python-api  ${urls.python}   orders (FastAPI), metrics at /metrics/`,
    `  node-api    ${urls.node}   catalog (Express), metrics at /metrics, spans over OTLP to the receiver`,
    `  receiver    OTLP ${urls.otlpHttp} (HTTP), :${ports.otlpGrpc} (gRPC); traces ${urls.traces}/api/v3 (the Traces view)`,
    `  traffic     ${RPS} req/s to both services`,
    `  logs        ${rel}`,
    `  sources     ${relative(process.cwd(), appsDir) || '.'}${IN_PLACE ? '' : '   (a copy: edits there leave demo/ as it is)'}`,
    ...notes.map((n) => `  note: ${n}`),
    'Ctrl-C stops everything.',
    '',
  ];
  console.log(lines.join('\n'));
}
