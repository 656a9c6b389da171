/**
 * The "Set … Credentials" dialog every backend shares: a bearer token or a username and password for the
 * origin (`scheme://host:port`) requests currently go to, kept in SecretStorage through the CredentialStore
 * and sent to that origin only; or their removal.
 */
import * as vscode from 'vscode';
import { originOf, type CredentialStore } from '../backends/credentials';
import type { AuthKind } from '../config';
import { inertText, redactUrls } from '../core/untrusted';
import { notify } from './notify';

/**
 * Asks and stores. `backend` names it in the dialog ("Prometheus", "Jaeger"), `urlSetting` is the setting to
 * fix when `url` is not http(s). Returns the auth kind to configure (`none` after a removal), or undefined when cancelled.
 */
export async function promptCredentials(
  store: CredentialStore,
  url: string,
  backend: string,
  urlSetting: string,
): Promise<AuthKind | undefined> {
  const origin = originOf(url);
  if (!origin) {
    void notify(
      'error',
      `Telemetry Lens: set ${urlSetting} to an http:// or https:// address first (now ${inertText(redactUrls(url), 100)}).`,
    );
    return undefined;
  }
  const kind = await vscode.window.showQuickPick(
    [
      { label: 'Bearer token', value: 'bearer' as const },
      { label: 'Username and password (basic auth)', value: 'basic' as const },
      { label: 'Remove stored credentials', value: 'clear' as const },
    ],
    { title: `Telemetry Lens: ${backend} credentials for ${origin}` },
  );
  if (!kind) return undefined;
  if (kind.value === 'clear') {
    await store.clear(url);
    void notify('info', `Telemetry Lens: ${backend} credentials for ${origin} removed.`);
    return 'none';
  }
  if (kind.value === 'bearer') {
    const token = await vscode.window.showInputBox({
      title: `${backend} bearer token`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter a token'),
    });
    if (!token) return undefined;
    await store.set(url, { token: token.trim() });
  } else {
    const username = await vscode.window.showInputBox({ title: `${backend} username`, ignoreFocusOut: true });
    if (username === undefined) return undefined;
    const password = await vscode.window.showInputBox({ title: `${backend} password`, password: true, ignoreFocusOut: true });
    if (password === undefined) return undefined;
    await store.set(url, { username, password });
  }
  void notify('info', `Telemetry Lens: ${backend} credentials for ${origin} saved in VS Code's secret storage.`);
  return kind.value;
}
