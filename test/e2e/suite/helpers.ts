/** Shared helpers for tests that run inside the real extension host. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'telemetry-lens.telemetry-lens';

export function workspaceFile(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the e2e run opens a workspace folder');
  return vscode.Uri.joinPath(folder.uri, ...parts);
}

export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is loaded`);
  await ext.activate();
  return ext;
}

export async function openFile(...parts: string[]): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(...parts));
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** Asks the Playwright side (code-server launcher) for what the user sees. */
export async function bridge<T = Record<string, unknown>>(what: string, body: Record<string, unknown> = {}): Promise<T> {
  const base = process.env.E2E_BRIDGE;
  assert.ok(base, 'E2E_BRIDGE is set by the code-server launcher (tests tagged @dom only run there)');
  const r = await fetch(`${base}/${what}`, { method: 'POST', body: JSON.stringify(body) });
  const json = (await r.json()) as T & { error?: string };
  if (!r.ok) throw new Error(`bridge ${what}: ${json.error ?? r.status}`);
  return json;
}

/** Polls `probe` until it returns a value that is not undefined (bounded; no fixed sleeps). */
export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Theme-aware panels: `selector` shown in a dark and a high-contrast theme, screenshots `<name>-dark.png` and `<name>-hc.png`. */
export async function inDarkAndHighContrast(name: string, selector: string, atLeast: number): Promise<void> {
  const workbench = vscode.workspace.getConfiguration('workbench');
  try {
    for (const [theme, shot] of [
      ['Default Dark Modern', `${name}-dark.png`],
      ['Default High Contrast', `${name}-hc.png`],
    ]) {
      await workbench.update('colorTheme', theme, vscode.ConfigurationTarget.Global);
      await bridge('dom', { selector, atLeast, screenshot: shot });
    }
  } finally {
    await workbench.update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
  }
}

const RECEIVER_PORTS = ['receiver.grpcPort', 'receiver.httpPort', 'receiver.queryPort'];

/** The local receiver's ports set to 0 (free ports chosen when it starts), for a suite that starts it. */
export async function receiverOnFreePorts(): Promise<void> {
  for (const k of RECEIVER_PORTS) await vscode.workspace.getConfiguration('telemetryLens').update(k, 0, vscode.ConfigurationTarget.Global);
}

/** Stops the local receiver and gives its ports back to their defaults. */
export async function stopReceiverOnDefaultPorts(): Promise<void> {
  await vscode.commands.executeCommand('telemetryLens.stopReceiver');
  for (const k of RECEIVER_PORTS)
    await vscode.workspace.getConfiguration('telemetryLens').update(k, undefined, vscode.ConfigurationTarget.Global);
}
