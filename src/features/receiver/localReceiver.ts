/**
 * The built-in OTLP receiver inside the extension host: started by `telemetryLens.receiver.enabled` or the
 * Start/Stop commands, restarted when its ports or budget change, its state in the shared status bar
 * (listeners and stored/evicted spans in the tooltip; a port in use as a warning naming the setting).
 * The receiver itself is the pure `src/backends/receiver` (the same one `telemetry-lens receiver` runs).
 */
import * as vscode from 'vscode';
import { affects, onConfigChange, receiverSettings, type ReceiverSettings } from '../../config';
import { logger } from '../../log';
import { errorMessage } from '../../core/errors';
import type { ListenerKind, Receiver } from '../../backends/receiver/receiver';
import type { BackendStatus, Health } from '../statusBar';

/** Loaded on first start: gRPC and the OTLP definitions stay out of activation. */
const loadReceiver = () => import('../../backends/receiver/receiver');

const log = logger('receiver');
const NAME = 'OTLP receiver';
const SETTINGS = 'telemetryLens.receiver';
const PORT_SETTING: Record<ListenerKind, string> = { grpc: 'grpcPort', http: 'httpPort', query: 'queryPort' };
/** The tooltip's span counts refresh at most this often while spans stream in. */
const STATUS_THROTTLE_MS = 1000;

export class LocalReceiver implements vscode.Disposable {
  private receiver: Receiver | undefined;
  /** Start/stop run one after another, never interleaved. */
  private queue: Promise<unknown> = Promise.resolve();
  private statusTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly stateChanged = new vscode.EventEmitter<void>();
  /** Fires after the receiver started or stopped (the Traces view follows it). */
  readonly onDidChangeState = this.stateChanged.event;

  constructor(private readonly status: BackendStatus) {}

  /** The running receiver (its store and listeners), if any. */
  get current(): Receiver | undefined {
    return this.receiver;
  }

  /** What the status bar shows for the receiver (idle when stopped). */
  get health(): Health {
    return this.status.get(NAME);
  }

  /** Starts with the current settings (restarts when already running). Resolves false when it could not. */
  start(): Promise<boolean> {
    return this.enqueue(async () => {
      await this.shutdown();
      return this.launch(receiverSettings());
    });
  }

  stop(): Promise<void> {
    return this.enqueue(async () => {
      await this.shutdown();
      this.status.report(NAME, { state: 'idle' }, SETTINGS);
    });
  }

  /** Settings changes: enable/disable, and a restart with new ports or budget while running. */
  onSettings(e: vscode.ConfigurationChangeEvent | undefined): void {
    if (!affects(e, 'receiver')) return;
    if (affects(e, 'receiver.enabled')) {
      if (receiverSettings().enabled) void this.start();
      else if (e) void this.stop();
    } else if (this.receiver) void this.start(); // new ports or budget
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async launch(s: ReceiverSettings): Promise<boolean> {
    const { LISTENER_NAMES, PortInUseError, Receiver } = await loadReceiver();
    const receiver = new Receiver({
      host: '127.0.0.1',
      grpcPort: s.grpcPort,
      httpPort: s.httpPort,
      queryPort: s.queryPort,
      maxSpans: s.maxSpans,
    });
    try {
      const listeners = await receiver.start();
      this.receiver = receiver;
      this.unsubscribe = receiver.store.onDidChange(() => this.scheduleStatus());
      void vscode.commands.executeCommand('setContext', 'telemetryLens.receiverRunning', true);
      this.stateChanged.fire();
      log.info(`started: ${listeners.map((l) => `${LISTENER_NAMES[l.kind]} ${l.url}`).join(', ')}`);
      await this.reportOk();
      return true;
    } catch (e) {
      const message =
        e instanceof PortInUseError
          ? `${e.message}: change ${SETTINGS}.${PORT_SETTING[e.listener]} (0 for any free port)`
          : `the OTLP receiver could not start: ${errorMessage(e)}`;
      log.warn(message);
      this.status.report(NAME, { state: 'down', message, since: Date.now() }, SETTINGS);
      return false;
    }
  }

  private async shutdown(): Promise<void> {
    const r = this.receiver;
    this.receiver = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearTimeout(this.statusTimer);
    this.statusTimer = undefined;
    if (!r) return;
    await r.stop();
    void vscode.commands.executeCommand('setContext', 'telemetryLens.receiverRunning', false);
    this.stateChanged.fire();
    log.info('stopped');
  }

  private scheduleStatus(): void {
    this.statusTimer ??= setTimeout(() => {
      this.statusTimer = undefined;
      void this.reportOk();
    }, STATUS_THROTTLE_MS);
  }

  private async reportOk(): Promise<void> {
    const r = this.receiver;
    if (!r) return;
    const { LISTENER_NAMES } = await loadReceiver();
    const st = r.store.stats();
    const ports = r.listeners.map((l) => `${LISTENER_NAMES[l.kind]} :${l.port}`).join(' · ');
    const evicted = st.droppedSpans ? `, ${st.droppedSpans} evicted` : '';
    this.status.report(
      NAME,
      { state: 'ok', at: Date.now(), detail: `${ports} — ${st.spans} spans in ${st.traces} traces${evicted}` },
      SETTINGS,
    );
  }

  dispose(): void {
    void this.enqueue(() => this.shutdown()).finally(() => this.stateChanged.dispose());
  }
}

export function registerLocalReceiver(context: vscode.ExtensionContext, status: BackendStatus): LocalReceiver {
  const local = new LocalReceiver(status);
  context.subscriptions.push(
    local,
    vscode.commands.registerCommand('telemetryLens.startReceiver', () => local.start()),
    vscode.commands.registerCommand('telemetryLens.stopReceiver', () => local.stop()),
  );
  onConfigChange((e) => local.onSettings(e), context.subscriptions);
  return local;
}
