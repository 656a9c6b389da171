/**
 * The Loki client of the logs panel, built from the settings on use and kept while they stay the same:
 * `telemetryLens.loki.url`, `.tenant`, `.auth` (a workspace's override only once the user confirmed it,
 * see trust.ts) and the credentials stored for the URL's origin (backends/credentials.ts).
 */
import * as vscode from 'vscode';
import { LokiClient } from '../../backends/loki';
import { CredentialStore, originOf } from '../../backends/credentials';
import { httpNoProxy, httpProxy, maxResponseBytes, setLokiAuth } from '../../config';
import { redactUrls } from '../../core/untrusted';
import { notify } from '../notify';
import { logger } from '../../log';
import type { EndpointTrust } from '../trust';

const log = logger('logs');
const TIMEOUT_MS = 15_000;

export class LokiSource {
  readonly credentials: CredentialStore;
  private cached: { key: string; client: LokiClient } | undefined;

  constructor(
    secrets: vscode.SecretStorage,
    private readonly trust: EndpointTrust,
  ) {
    this.credentials = new CredentialStore(secrets, (m) => log.error(m));
  }

  /** The Loki URL in use, or '' when none is configured (the panel then shows the built-in receiver's logs). */
  get url(): string {
    return this.trust.loki().url;
  }

  /** A client for the current settings, or undefined when no Loki URL is configured. */
  async client(): Promise<LokiClient | undefined> {
    const s = this.trust.loki();
    if (!s.url) return undefined;
    const auth = await this.credentials.authFor(s.url, s.auth);
    if (s.auth !== 'none' && auth.type === 'none')
      log.warn(`loki.auth is "${s.auth}" but no credentials are stored for ${originOf(s.url) ?? 'this URL'}: run "Set Loki Credentials"`);
    const proxy = httpProxy();
    const key = JSON.stringify([s.url, s.tenant, auth, proxy, httpNoProxy(), maxResponseBytes()]);
    if (this.cached?.key !== key) {
      this.cached = {
        key,
        client: new LokiClient({
          baseUrl: s.url,
          auth,
          timeoutMs: TIMEOUT_MS,
          maxResponseBytes: maxResponseBytes(),
          categorizeLabels: true,
          credentialsHint: 'run "Telemetry Lens: Set Loki Credentials"',
          ...(s.tenant ? { tenant: s.tenant } : {}),
          ...(proxy ? { proxy, noProxy: httpNoProxy() } : {}),
        }),
      };
      log.info(`Loki client for ${redactUrls(s.url)}${s.fromWorkspace ? ' (workspace settings)' : ''} (auth ${auth.type})`);
    }
    return this.cached.client;
  }

  /** "Set Loki Credentials": a token or user/password for the configured Loki's origin, in SecretStorage. */
  async setCredentials(): Promise<void> {
    const url = this.url;
    const origin = originOf(url);
    if (!origin) {
      void notify('error', 'Telemetry Lens: set telemetryLens.loki.url to an http:// or https:// address first.');
      return;
    }
    const kind = await vscode.window.showQuickPick(
      [
        { label: 'Bearer token', value: 'bearer' as const },
        { label: 'Username and password (basic auth)', value: 'basic' as const },
        { label: 'Remove stored credentials', value: 'clear' as const },
      ],
      { title: `Telemetry Lens: Loki credentials for ${origin}` },
    );
    if (!kind) return;
    if (kind.value === 'clear') {
      await this.credentials.clear(url);
      await setLokiAuth('none');
      void notify('info', 'Telemetry Lens: Loki credentials removed.');
      return;
    }
    if (kind.value === 'bearer') {
      const token = await vscode.window.showInputBox({ title: 'Loki bearer token', password: true, ignoreFocusOut: true });
      if (!token?.trim()) return;
      await this.credentials.set(url, { token: token.trim() });
    } else {
      const username = await vscode.window.showInputBox({ title: 'Loki username (Grafana Cloud: the instance id)', ignoreFocusOut: true });
      if (username === undefined) return;
      const password = await vscode.window.showInputBox({ title: 'Loki password or API token', password: true, ignoreFocusOut: true });
      if (password === undefined) return;
      await this.credentials.set(url, { username, password });
    }
    await setLokiAuth(kind.value);
    this.cached = undefined;
    void notify('info', `Telemetry Lens: Loki credentials for ${origin} saved in VS Code's secret storage.`);
  }
}
