/**
 * "traces" above each route handler (the Traces view filtered to that route). Its own provider, next to the
 * metrics lens: shown only while a trace backend is there to read (the local receiver runs, or Jaeger/Tempo
 * is configured), so a workspace without traces gets no dead link.
 */
import * as vscode from 'vscode';
import { metricsSettings } from '../../config';
import { routeId } from '../../core/routes/route';
import { SOURCE_FILES } from '../languages';
import type { RouteIndex } from '../routes/routeIndex';
import type { TraceSources } from './sources';

export class RouteTracesLens implements vscode.CodeLensProvider {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;

  constructor(
    private readonly routes: RouteIndex,
    private readonly sources: TraceSources,
  ) {}

  changed(): void {
    this.emitter.fire();
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!metricsSettings().codeLensEnabled || !this.sources.available().length) return [];
    const routes = (await this.routes.ensureCurrent(doc)).filter((r) => r.file === doc.uri.fsPath);
    if (token.isCancellationRequested) return [];
    return routes.map((r) => {
      const range = new vscode.Range(r.line - 1, 0, r.line - 1, 0);
      return new vscode.CodeLens(range, {
        title: '$(pulse) traces',
        command: 'telemetryLens.showRouteTraces',
        arguments: [routeId(r)],
        tooltip: 'Recent traces of this route in the Traces view',
      });
    });
  }

  /**
   * Registers the provider; the returned disposable releases it and the emitter. Route changes re-request
   * lenses only while there are traces to link to: a change event makes VS Code re-request every provider's
   * lenses (the metrics lens too), which is pointless when this one has nothing to show.
   */
  register(): vscode.Disposable {
    return vscode.Disposable.from(
      this.emitter,
      vscode.languages.registerCodeLensProvider(SOURCE_FILES, this),
      this.routes.onDidChange(() => this.sources.available().length && this.changed()),
    );
  }
}
