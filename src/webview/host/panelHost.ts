/**
 * Base for every Telemetry Lens webview panel (route details, trace waterfall):
 * strict CSP with a fresh crypto nonce per render, scripts only from dist/webview via asWebviewUri,
 * localResourceRoots limited to the build output and media, data only by postMessage (never interpolated
 * into HTML), a `ready` handshake before the host posts, and typed messages checked by a guard.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface PanelSpec<In> {
  viewType: string;
  title: string;
  /** Bundle name in dist/webview (without .js). */
  script: string;
  /** The bundle has a stylesheet of its own, dist/webview/<script>.css (CSS its libraries import). */
  stylesheet?: boolean;
  isMessage(m: unknown): m is In;
  column?: vscode.ViewColumn;
  /** A panel VS Code restored after a reload (WebviewPanelSerializer); by default a new one is created. */
  panel?: vscode.WebviewPanel;
}

export function renderHtml(webview: vscode.Webview, extensionUri: vscode.Uri, script: string, title: string, stylesheet = false): string {
  const nonce = randomBytes(16).toString('base64');
  const scriptUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${script}.js`));
  const styleUris = [vscode.Uri.joinPath(extensionUri, 'media', 'webview.css')];
  if (stylesheet) styleUris.unshift(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${script}.css`));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styleUris.map((u) => `<link rel="stylesheet" href="${webview.asWebviewUri(u)}">`).join('\n')}
<title>${esc(title)}</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script type="module" nonce="${nonce}" src="${scriptUri}"></script>
</body>
</html>`;
}

/**
 * Restores a panel after a window reload from the state its webview persisted (identity only: a trace id, a query and
 * range); a state that fails `isState` (another version, or tampered with) closes the panel instead.
 */
export function restoringSerializer<S>(
  isState: (state: unknown) => state is S,
  show: (state: S, panel: vscode.WebviewPanel) => void,
): vscode.WebviewPanelSerializer {
  return {
    deserializeWebviewPanel: async (panel, state: unknown) => {
      if (isState(state)) show(state, panel);
      else panel.dispose();
    },
  };
}

export class PanelHost<In extends { type: string }, Out extends { type: string }> implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  private ready = false;
  private isDisposed = false;
  private queue: Out[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly received = new vscode.EventEmitter<In>();
  readonly onMessage = this.received.event;
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;

  constructor(extensionUri: vscode.Uri, spec: PanelSpec<In>) {
    const options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
    if (spec.panel) {
      this.panel = spec.panel;
      this.panel.title = spec.title;
      this.panel.webview.options = options;
    } else this.panel = vscode.window.createWebviewPanel(spec.viewType, spec.title, spec.column ?? vscode.ViewColumn.Beside, options);
    this.panel.webview.onDidReceiveMessage(
      (m: unknown) => {
        if (!spec.isMessage(m)) return; // anything else from the webview is ignored
        if (m.type === 'ready') {
          this.ready = true;
          for (const q of this.queue.splice(0)) void this.panel.webview.postMessage(q);
        }
        this.received.fire(m);
      },
      undefined,
      this.disposables,
    );
    this.panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    this.panel.webview.html = renderHtml(this.panel.webview, extensionUri, spec.script, spec.title, spec.stylesheet);
  }

  /** Posts now if the webview said `ready`, else queues until it does; nothing once the panel is closed. */
  post(message: Out): void {
    if (this.isDisposed) return;
    if (this.ready) void this.panel.webview.postMessage(message);
    else this.queue.push(message);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.disposed.fire();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.received.dispose();
    this.disposed.dispose();
    this.panel.dispose();
  }
}
