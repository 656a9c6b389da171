/**
 * "Set <backend> Credentials": a bearer token or a user and password for the origin of the backend's URL, kept in
 * SecretStorage (backends/credentials.ts), or removed. One flow for Prometheus and Loki.
 */
import * as vscode from 'vscode';
import { originOf, type CredentialStore } from '../backends/credentials';
import type { AuthKind } from '../config';
import { notify } from './notify';

export interface CredentialsTarget {
  backend: string;
  url: string;
  /** The URL as shown to the user (credentials in it redacted). */
  urlLabel: string;
  /** The setting that holds the URL, named when there is none. */
  urlSetting: string;
  store: CredentialStore;
  /** The auth kind in the user's settings, and how to change it. */
  auth: AuthKind;
  setAuth(kind: AuthKind): Promise<void>;
}

export async function promptCredentials(t: CredentialsTarget): Promise<void> {
  const origin = originOf(t.url);
  if (!origin) {
    void notify('error', `Telemetry Lens: set ${t.urlSetting} to an http:// or https:// address first (now ${t.urlLabel || 'empty'}).`);
    return;
  }
  const kind = await vscode.window.showQuickPick(
    [
      { label: 'Bearer token', value: 'bearer' as const },
      { label: 'Username and password (basic auth)', value: 'basic' as const },
      { label: 'Remove stored credentials', value: 'clear' as const },
    ],
    { title: `Telemetry Lens: ${t.backend} credentials for ${origin}` },
  );
  if (!kind) return;
  if (kind.value === 'clear') {
    await t.store.clear(t.url);
    await t.setAuth('none');
    void notify('info', `Telemetry Lens: ${t.backend} credentials removed.`);
    return;
  }
  if (kind.value === 'bearer') {
    const token = await vscode.window.showInputBox({
      title: `${t.backend} bearer token`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter a token'),
    });
    if (!token) return;
    await t.store.set(t.url, { token: token.trim() });
  } else {
    const username = await vscode.window.showInputBox({ title: `${t.backend} username`, ignoreFocusOut: true });
    if (username === undefined) return;
    const password = await vscode.window.showInputBox({ title: `${t.backend} password`, password: true, ignoreFocusOut: true });
    if (password === undefined) return;
    await t.store.set(t.url, { username, password });
  }
  if (t.auth !== kind.value) await t.setAuth(kind.value);
  void notify('info', `Telemetry Lens: ${t.backend} credentials for ${origin} saved in VS Code's secret storage.`);
}
