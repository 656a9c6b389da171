/**
 * Backend health in the status bar: one item for the backends that report here by name (today only
 * Prometheus, from MetricsService), at most one notification per outage of each, and automatic recovery
 * when a backend answers again.
 */
import * as vscode from 'vscode';
import { logger } from '../log';
import { notify } from './notify';

const log = logger('health');

export type Health = { state: 'idle' } | { state: 'ok'; at: number; detail: string } | { state: 'down'; message: string; since: number };

export class BackendStatus implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly backends = new Map<string, Health>();
  private readonly notified = new Set<string>();

  constructor() {
    this.item = vscode.window.createStatusBarItem('telemetryLens.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Telemetry Lens';
    this.item.command = 'telemetryLens.showOutput';
    this.render();
    this.item.show();
  }

  get(backend: string): Health {
    return this.backends.get(backend) ?? { state: 'idle' };
  }

  report(backend: string, health: Health, settingsQuery: string): void {
    const was = this.get(backend);
    this.backends.set(backend, health);
    if (health.state === 'ok') {
      if (was.state === 'down') log.info(`${backend} is reachable again`);
      this.notified.delete(backend);
    } else if (health.state === 'down' && !this.notified.has(backend)) {
      this.notified.add(backend);
      void notify('warning', `Telemetry Lens: ${health.message}`, 'Open Settings', 'Show Log').then((a) => {
        if (a === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', settingsQuery);
        if (a === 'Show Log') void vscode.commands.executeCommand('telemetryLens.showOutput');
      });
    }
    this.render();
  }

  private render(): void {
    const entries = [...this.backends].filter(([, h]) => h.state !== 'idle');
    const down = entries.filter(([, h]) => h.state === 'down');
    const names = entries.map(([n]) => n).join(' · ');
    this.item.text = entries.length ? `${down.length ? '$(warning)' : '$(pulse)'} ${names}` : '$(pulse) Telemetry Lens';
    this.item.backgroundColor = down.length ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.tooltip = entries.length
      ? entries.map(([n, h]) => (h.state === 'down' ? `${n}: ${h.message}` : h.state === 'ok' ? `${n}: ${h.detail}` : n)).join('\n')
      : 'Telemetry Lens: show log';
  }

  dispose(): void {
    this.item.dispose();
  }
}
