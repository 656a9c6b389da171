/**
 * Which endpoint settings a workspace may choose. A repository's `.vscode/settings.json` (or a
 * `.code-workspace` file) can set `telemetryLens.prometheus.url`, `.auth` and `.headers` (and `loki.url`,
 * `.auth`, `.tenant`); such an override
 * that differs from the user's own value is used only after the user confirmed it once for this
 * workspace (remembered in workspace state), and never in Restricted Mode. Until then the user-level
 * values apply, so nothing goes to an endpoint the workspace chose. Credentials are bound to origins
 * anyway (see backends/credentials.ts): even a confirmed override gets no secret stored for another origin.
 */
import * as vscode from 'vscode';
import { lokiEndpointLayers, prometheusEndpointLayers, type EndpointSettings, type LokiEndpoint } from '../config';
import { inertText, redactUrls } from '../core/untrusted';
import { notify } from './notify';
import { logger } from '../log';

const log = logger('trust');
const STATE_KEY = 'telemetryLens.endpointOverride';
const USE = 'Use Workspace Settings';
const KEEP = 'Keep My Settings';

interface Decision {
  /** The exact override the user answered for; a changed override asks again. */
  override: string;
  use: boolean;
}

export interface ResolvedEndpoint extends EndpointSettings {
  /** True when the workspace's override is in use (confirmed). */
  fromWorkspace: boolean;
}

export class EndpointTrust implements vscode.Disposable {
  private readonly confirmed = new vscode.EventEmitter<void>();
  /** Fires when the user answered the confirmation or trusted the workspace: resolve the endpoint again. */
  readonly onDidDecide = this.confirmed.event;
  /** The overrides a question is open for (one question per override at a time, not one per rebuild). */
  private readonly asking = new Set<string>();
  private readonly granted: vscode.Disposable;

  constructor(private readonly state: vscode.Memento) {
    this.granted = vscode.workspace.onDidGrantWorkspaceTrust(() => this.confirmed.fire());
  }

  /** The Prometheus endpoint to use now; asks (without waiting) when the workspace overrides it unconfirmed. */
  prometheus(): ResolvedEndpoint {
    return this.resolve('Prometheus', 'prometheus', STATE_KEY, prometheusEndpointLayers());
  }

  /** The Loki endpoint to use now, under the same rule. */
  loki(): LokiEndpoint & { fromWorkspace: boolean } {
    return this.resolve('Loki', 'loki', `${STATE_KEY}.loki`, lokiEndpointLayers());
  }

  private resolve<T extends { url: string }>(
    backend: string,
    prefix: string,
    stateKey: string,
    { user, workspace }: { user: T; workspace: Partial<T> },
  ): T & { fromWorkspace: boolean } {
    const changed = (Object.keys(workspace) as (keyof T & string)[]).filter(
      (k) => JSON.stringify(workspace[k]) !== JSON.stringify(user[k]),
    );
    if (!changed.length) return { ...user, fromWorkspace: false };
    const override = JSON.stringify(Object.fromEntries(changed.map((k) => [k, workspace[k]])));
    const what = changed.map((k) => `telemetryLens.${prefix}.${k}`).join(', ');
    if (!vscode.workspace.isTrusted) {
      log.info(`Restricted Mode: ignoring this workspace's ${what}; using your own settings`);
      return { ...user, fromWorkspace: false };
    }
    const decision = this.state.get<Decision>(stateKey);
    if (decision?.override === override) {
      if (decision.use) return { ...user, ...workspace, fromWorkspace: true };
      return { ...user, fromWorkspace: false };
    }
    this.ask(backend, stateKey, override, what, workspace.url ?? user.url);
    return { ...user, fromWorkspace: false };
  }

  private ask(backend: string, stateKey: string, override: string, what: string, url: string): void {
    const asking = `${stateKey} ${override}`;
    if (this.asking.has(asking)) return;
    this.asking.add(asking);
    log.warn(
      `this workspace sets ${what} (${backend} at ${redactUrls(url)}); waiting for your confirmation, using your own settings until then`,
    );
    const message =
      `Telemetry Lens: this workspace changes ${what} — ${backend} requests would go to ${inertText(redactUrls(url), 100)}. ` +
      'Use the workspace settings? Credentials are only sent to the address they were entered for.';
    void notify('warning', message, USE, KEEP).then(async (answer) => {
      this.asking.delete(asking);
      if (!answer) return; // dismissed: ask again next time
      await this.state.update(stateKey, { override, use: answer === USE } satisfies Decision);
      log.info(`workspace ${backend} settings ${answer === USE ? 'confirmed' : 'declined'}`);
      this.confirmed.fire();
    });
  }

  dispose(): void {
    this.granted.dispose();
    this.confirmed.dispose();
  }
}
