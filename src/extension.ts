/**
 * Activation only wires: it builds the services once and hands them to each feature's `register`.
 * Every registration lands in `context.subscriptions`. Nothing heavy runs before the first await:
 * the route index and the first metrics refresh start in the background.
 */
import * as vscode from 'vscode';
import { initLog, logger } from './log';
import { BackendStatus } from './features/statusBar';
import { RouteIndex } from './features/routes/routeIndex';
import { registerRoutesView } from './features/routes/routesView';
import { MetricsService } from './features/metrics/metricsService';
import { registerCodeLens } from './features/metrics/codeLens';
import { registerHover } from './features/metrics/hover';
import { registerMetricsCommands } from './features/metrics/commands';
import { registerInstrument } from './features/instrument/instrument';
import { registerMetricLint } from './features/instrument/lint';
import { notify } from './features/notify';
import { EndpointTrust } from './features/trust';
import { errorMessage } from './core/errors';
import { registerLocalReceiver, type LocalReceiver } from './features/receiver/localReceiver';
import { registerScaffold } from './features/scaffold/scaffold';
import { registerTraces, type Traces } from './features/traces/traces';
import { registerLogs, type Logs } from './features/logs/logs';

const log = logger('activate');

/** What tests in the extension host reach through `extension.exports`. */
export interface TelemetryLensApi {
  routes: RouteIndex;
  metrics: MetricsService;
  receiver: LocalReceiver;
  traces: Traces;
  logs: Logs;
  activationMs: number;
}

export function activate(context: vscode.ExtensionContext): TelemetryLensApi | undefined {
  const started = performance.now();
  context.subscriptions.push(initLog());
  try {
    context.subscriptions.push(vscode.commands.registerCommand('telemetryLens.showOutput', () => initLog().show()));
    const status = new BackendStatus();
    const routes = new RouteIndex();
    const trust = new EndpointTrust(context.workspaceState);
    const metrics = new MetricsService(context.secrets, routes, status, trust);
    context.subscriptions.push(status, routes, trust, metrics);
    registerRoutesView(context, routes, metrics);
    registerCodeLens(context, routes, metrics);
    registerHover(context, routes, metrics);
    registerMetricsCommands(context, routes, metrics);
    registerInstrument(context, routes);
    registerMetricLint(context);
    registerScaffold(context, routes, metrics);
    const receiver = registerLocalReceiver(context, status);
    const traces = registerTraces(context, routes, receiver, trust, metrics.credentials);
    const logs = registerLogs(context, routes, receiver, trust);
    routes.start();
    void metrics.start().catch((e: unknown) => log.error(e instanceof Error ? e : errorMessage(e)));
    const activationMs = performance.now() - started;
    log.info(`activated in ${activationMs.toFixed(1)} ms`);
    return { routes, metrics, receiver, traces, logs, activationMs };
  } catch (e) {
    // VS Code stays silent about activation failures: report it ourselves.
    log.error(e instanceof Error ? e : errorMessage(e));
    void notify('error', `Telemetry Lens failed to start: ${errorMessage(e)}`, 'Show Log').then((a) => {
      if (a) initLog().show();
    });
    return undefined;
  }
}

export function deactivate(): void {
  /* disposables are released by VS Code */
}
