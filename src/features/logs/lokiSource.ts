/**
 * The Loki client of the logs panel, built from the settings on use and kept while they stay the same:
 * `telemetryLens.loki.url`, `.tenant`, `.auth` (a workspace's override only once the user confirmed it,
 * see trust.ts) and the credentials stored for the URL's origin (backends/credentials.ts).
 */
import * as vscode from 'vscode';
import { LokiClient } from '../../backends/loki';
import { CredentialStore, originOf } from '../../backends/credentials';
import { httpNoProxy, httpProxy, lokiEndpointLayers, maxResponseBytes, setLokiAuth } from '../../config';
import { redactUrls } from '../../core/untrusted';
import { promptCredentials } from '../credentialsPrompt';
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
    const auth = await promptCredentials(this.credentials, url, 'Loki', 'telemetryLens.loki.url');
    if (auth && lokiEndpointLayers().user.auth !== auth) await setLokiAuth(auth);
    this.cached = undefined;
  }
}
