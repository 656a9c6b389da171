/**
 * A lens above each span creation site (`start_as_current_span("…")`, `startActiveSpan("…")`, …) with the
 * span name's recent p50/p99 and error count, from the local OTLP receiver's store (read in process: no
 * request per lens). Remote backends are not asked here: Jaeger's search needs a service for every span name.
 */
import * as vscode from 'vscode';
import { metricsSettings } from '../../config';
import { formatDuration } from '../../core/metrics/format';
import { spanSites } from '../../core/traces/codeLinks';
import { spanNameStats } from '../../core/traces/explorer';
import { SOURCE_FILES } from '../languages';
import type { LocalReceiver } from '../receiver/localReceiver';
import { RECENT_WINDOW_MS } from './sources';

/** At most this many spans per name are looked at (the newest traces first). */
const MAX_TRACES = 200;
/** OTLP status code ERROR. */
const STATUS_ERROR = 2;

export class SpanLens implements vscode.CodeLensProvider {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;

  constructor(private readonly receiver: LocalReceiver) {}

  changed(): void {
    this.emitter.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const store = this.receiver.current?.store;
    if (!store || !metricsSettings().codeLensEnabled) return [];
    const sites = spanSites(doc.getText());
    const since = BigInt(Date.now() - RECENT_WINDOW_MS) * 1_000_000n;
    return sites.map((site) => {
      const samples = store
        .findTraces({ operation: site.name, startMinNs: since, limit: MAX_TRACES })
        .flatMap((t) => t.spans.filter((s) => s.name === site.name))
        .map((s) => ({ seconds: Number(s.endNs - s.startNs) / 1e9, error: s.status.code === STATUS_ERROR }));
      const st = spanNameStats(samples);
      const title = st
        ? `$(pulse) ${st.count} spans · p50 ${formatDuration(st.p50)} · p99 ${formatDuration(st.p99)} · ${st.errors} errors`
        : '$(pulse) no spans in the last hour';
      const range = new vscode.Range(site.line - 1, 0, site.line - 1, 0);
      return new vscode.CodeLens(range, {
        title,
        command: 'telemetryLens.traces.focus',
        tooltip: `Span "${site.name}" in the local OTLP receiver, last hour`,
      });
    });
  }

  /** Registers the provider; the returned disposable releases it and the emitter. */
  register(): vscode.Disposable {
    return vscode.Disposable.from(this.emitter, vscode.languages.registerCodeLensProvider(SOURCE_FILES, this));
  }
}
