/**
 * Which endpoint settings a workspace may choose. A repository's `.vscode/settings.json` (or a
 * `.code-workspace` file) can set `telemetryLens.prometheus.url`, `.auth` and `.headers`, and Jaeger's or
 * Tempo's or Loki's `.url`, `.auth` and `.tenant`; such an override
 * that differs from the user's own value is used only after the user confirmed it once for this
 * workspace (remembered in workspace state), and never in Restricted Mode. Until then the user-level
 * values apply, so nothing goes to an endpoint the workspace chose. Credentials are bound to origins
 * anyway (see backends/credentials.ts): even a confirmed override gets no secret stored for another origin.
 */
import * as vscode from 'vscode';
import {
  lokiEndpointLayers,
  prometheusEndpointLayers,
  traceEndpointLayers,
  type EndpointSettings,
  type LokiEndpoint,
  type TraceEndpointSettings,
} from '../config';
import { inertText, redactUrls } from '../core/untrusted';
import { notify } from './notify';
import { logger } from '../log';

const log = logger('trust');
const STATE_KEY = 'telemetryLens.endpointOverride';
type Backend = 'prometheus' | 'jaeger' | 'tempo' | 'loki';
const LABEL: Record<Backend, string> = { prometheus: 'Prometheus', jaeger: 'Jaeger', tempo: 'Tempo', loki: 'Loki' };
/** Where the answer for a backend is remembered (Prometheus keeps the key it always had). */
const stateKey = (b: Backend) => (b === 'prometheus' ? STATE_KEY : `${STATE_KEY}.${b}`);
const USE = 'Use Workspace Settings';
const KEEP = 'Keep My Settings';

interface Decision {
  /** The exact override the user answered for; a changed override asks again. */
  override: string;
  use: boolean;
}

/** An endpoint's settings, and whether the workspace's override is in use (confirmed). */
export type Resolved<T> = T & { fromWorkspace: boolean };
export type ResolvedEndpoint = Resolved<EndpointSettings>;

export class EndpointTrust implements vscode.Disposable {
  private readonly confirmed = new vscode.EventEmitter<void>();
  /** Fires when the user answered the confirmation or trusted the workspace: resolve the endpoint again. */
  readonly onDidDecide = this.confirmed.event;
  /** Per backend, the override a question is open for (one question at a time, not one per rebuild). */
  private readonly asking = new Map<Backend, string>();
  private readonly granted: vscode.Disposable;

  constructor(private readonly state: vscode.Memento) {
    this.granted = vscode.workspace.onDidGrantWorkspaceTrust(() => this.confirmed.fire());
  }

  /** The Prometheus endpoint to use now; asks (without waiting) when the workspace overrides it unconfirmed. */
  prometheus(): ResolvedEndpoint {
    return this.resolve('prometheus', prometheusEndpointLayers());
  }

  /** The same for Jaeger or Tempo. */
  traceBackend(kind: 'jaeger' | 'tempo'): Resolved<TraceEndpointSettings> {
    return this.resolve(kind, traceEndpointLayers(kind));
  }

  /** The same for Loki. */
  loki(): Resolved<LokiEndpoint> {
    return this.resolve('loki', lokiEndpointLayers());
  }

  private resolve<T extends { url: string }>(backend: Backend, { user, workspace }: { user: T; workspace: Partial<T> }): Resolved<T> {
    const changed = (Object.keys(workspace) as (keyof T & string)[]).filter(
      (k) => JSON.stringify(workspace[k]) !== JSON.stringify(user[k]),
    );
    if (!changed.length) return { ...user, fromWorkspace: false };
    const override = JSON.stringify(Object.fromEntries(changed.map((k) => [k, workspace[k]])));
    const what = changed.map((k) => `telemetryLens.${backend}.${k}`).join(', ');
    if (!vscode.workspace.isTrusted) {
      log.info(`Restricted Mode: ignoring this workspace's ${what}; using your own settings`);
      return { ...user, fromWorkspace: false };
    }
    const decision = this.state.get<Decision>(stateKey(backend));
    if (decision?.override === override) {
      if (decision.use) return { ...user, ...workspace, fromWorkspace: true };
      return { ...user, fromWorkspace: false };
    }
    this.ask(backend, override, what, workspace.url ?? user.url);
    return { ...user, fromWorkspace: false };
  }

  private ask(backend: Backend, override: string, what: string, url: string): void {
    if (this.asking.get(backend) === override) return;
    this.asking.set(backend, override);
    const label = LABEL[backend];
    log.warn(
      `this workspace sets ${what} (${label} at ${redactUrls(url)}); waiting for your confirmation, using your own settings until then`,
    );
    const message =
      `Telemetry Lens: this workspace changes ${what} — ${label} requests would go to ${inertText(redactUrls(url), 100)}. ` +
      'Use the workspace settings? Credentials are only sent to the address they were entered for.';
    void notify('warning', message, USE, KEEP).then(async (answer) => {
      if (this.asking.get(backend) === override) this.asking.delete(backend);
      if (!answer) return; // dismissed: ask again next time
      await this.state.update(stateKey(backend), { override, use: answer === USE } satisfies Decision);
      log.info(`workspace ${label} settings ${answer === USE ? 'confirmed' : 'declined'}`);
      this.confirmed.fire();
    });
  }

  dispose(): void {
    this.granted.dispose();
    this.confirmed.dispose();
  }
}
