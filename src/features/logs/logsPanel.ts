/**
 * The logs panel (host side): one panel, fed from Loki (query_range, labels and values for completion, live
 * tail over a WebSocket from here — a webview cannot set auth headers) or, when no Loki URL is configured,
 * from the built-in OTLP receiver's logs. Restored after a reload by a WebviewPanelSerializer from the
 * query and range the webview persisted (never the data).
 */
import * as vscode from 'vscode';
import { PanelHost, restoringSerializer } from '../../webview/host/panelHost';
import {
  DEFAULT_LOGS_STATE,
  isLogsState,
  isLogsToHost,
  linesMessages,
  type HostToLogs,
  type LogsSource,
  type LogsState,
  type LogsToHost,
} from '../../webview/protocol/logs';
import { completionContext, completionItems, validateLogql } from '../../core/logs/logql';
import { rangeNs } from '../../core/logs/time';
import { compareNs, type LogLine } from '../../core/logs/model';
import { findLocalLogs } from '../../backends/receiver/logLines';
import type { LokiTail } from '../../backends/lokiTail';
import type { LokiClient } from '../../backends/loki';
import { errorMessage } from '../../core/errors';
import { redactUrls } from '../../core/untrusted';
import { logsSettings } from '../../config';
import type { LocalReceiver } from '../receiver/localReceiver';
import type { LokiSource } from './lokiSource';

export const LOGS_VIEW_TYPE = 'telemetryLens.logs';
type Host = PanelHost<LogsToHost, HostToLogs>;

/** Tail lines are batched into one message at most this often; local logs re-query at most this often. */
const TAIL_FLUSH_MS = 100;
const LOCAL_REFRESH_MS = 500;
/** Polling for a Loki without the tail WebSocket: how often, and at most how many lines per poll. */
const POLL_MS = 1000;
const POLL_LIMIT = 1000;
/** Label names are asked again after this long. */
const LABELS_TTL_MS = 60_000;

export class LogsPanels implements vscode.Disposable {
  private host: Host | undefined;
  private session: Session | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly loki: LokiSource,
    private readonly receiver: LocalReceiver,
  ) {}

  /** Opens (or reveals) the logs panel; with a state, shows and runs that query. Returns the panel for tests. */
  show(state?: LogsState, panel?: vscode.WebviewPanel): Host {
    if (this.host && this.session && !panel) {
      this.host.panel.reveal();
      if (state) this.session.init(state, true);
      return this.host;
    }
    const host: Host = new PanelHost<LogsToHost, HostToLogs>(this.extensionUri, {
      viewType: LOGS_VIEW_TYPE,
      title: 'Logs',
      script: 'logs',
      isMessage: isLogsToHost,
      column: vscode.ViewColumn.Active,
      ...(panel ? { panel } : {}),
    });
    const session = new Session(host, this.loki, this.receiver, state ?? DEFAULT_LOGS_STATE, !!state);
    this.host = host;
    this.session = session;
    host.onDidDispose(() => {
      session.dispose();
      if (this.host === host) this.host = this.session = undefined;
    });
    return host;
  }

  /** The Loki settings or the receiver changed: the panel shows where its logs now come from. */
  sourceChanged(): void {
    this.session?.init(this.session.current, false);
  }

  /** Restores the panel after a window reload from the persisted query and range; anything else closes it. */
  serializer(): vscode.WebviewPanelSerializer {
    return restoringSerializer(isLogsState, (state, panel) => this.show(state, panel));
  }

  dispose(): void {
    this.host?.dispose();
  }
}

/** One open panel: its current query, the request in flight and the tail. */
class Session {
  private request: AbortController | undefined;
  private tail: LokiTail | undefined;
  private stopLocalTail: (() => void) | undefined;
  private labels: { at: number; names: Promise<string[]> } | undefined;

  constructor(
    private readonly host: Host,
    private readonly loki: LokiSource,
    private readonly receiver: LocalReceiver,
    private state: LogsState,
    private runOnReady: boolean,
  ) {
    host.onMessage((m) => void this.onMessage(m).catch((e: unknown) => this.host.post({ type: 'error', message: errorMessage(e) })));
  }

  get current(): LogsState {
    return this.state;
  }

  private source(): LogsSource {
    if (this.loki.url) return { kind: 'loki', label: redactUrls(this.loki.url) };
    const store = this.receiver.current?.store;
    return { kind: 'local', running: !!store, services: store ? store.services() : [] };
  }

  init(state: LogsState, run: boolean): void {
    this.state = state;
    this.stopTail();
    this.host.post({ type: 'init', state, source: this.source(), run });
  }

  private async onMessage(m: LogsToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        return this.init(this.state, this.runOnReady || !this.loki.url);
      case 'run':
        this.state = m.state;
        this.runOnReady = true; // a webview shown again (its content is not kept while hidden) runs it again
        return this.run();
      case 'tail':
        this.state = m.state;
        return m.on ? this.startTail() : this.stopTail();
      case 'complete':
        return this.complete(m.id, m.query, m.offset);
      case 'openTrace':
        await vscode.commands.executeCommand('telemetryLens.openTrace', m.traceId);
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        vscode.window.setStatusBarMessage('Log line copied', 3000);
        return;
    }
  }

  private async run(): Promise<void> {
    this.request?.abort();
    const ctl = (this.request = new AbortController());
    const range = rangeNs(this.state.range);
    if ('error' in range) return this.host.post({ type: 'error', message: range.error });
    const limit = logsSettings().maxLines;
    this.host.post({ type: 'loading' });
    try {
      const client = await this.loki.client();
      let lines: LogLine[];
      let warnings: string[] = [];
      if (client) {
        const problems = validateLogql(this.state.query);
        if (problems.length) return this.host.post({ type: 'error', message: `LogQL: ${problems[0]!.message}` });
        const r = await client.queryRange(
          { query: this.state.query, start: range.startNs, end: range.endNs, limit, direction: 'backward' },
          { signal: ctl.signal },
        );
        if (r.resultType !== 'streams')
          throw new Error(`this is a metric query (Loki answered a ${r.resultType}); the panel shows log lines`);
        lines = r.lines;
        warnings = r.warnings;
      } else lines = this.localLines(range, limit);
      if (ctl.signal.aborted) return;
      for (const m of linesMessages(lines, { ...range, warnings, limited: lines.length >= limit })) this.host.post(m);
    } catch (e) {
      if (!ctl.signal.aborted) this.host.post({ type: 'error', message: errorMessage(e) });
    }
  }

  private localLines(range: { startNs: string; endNs: string }, limit: number): LogLine[] {
    const store = this.receiver.current?.store;
    if (!store)
      throw new Error(
        'The local OTLP receiver is not running: run "Telemetry Lens: Start Local OTLP Receiver" or set telemetryLens.loki.url',
      );
    const f = this.state.local;
    return findLocalLogs(store, {
      limit,
      ...(f.service ? { service: f.service } : {}),
      ...(f.level ? { level: f.level } : {}),
      ...(f.text ? { text: f.text } : {}),
      ...(f.traceId ? { traceId: f.traceId.toLowerCase() } : {}),
    }).filter((l) => compareNs(l.tsNs, range.startNs) >= 0 && compareNs(l.tsNs, range.endNs) <= 0);
  }

  private async startTail(): Promise<void> {
    this.stopTail();
    const client = await this.loki.client();
    if (!client) return this.startLocalTail();
    const problems = validateLogql(this.state.query);
    if (problems.length) return this.host.post({ type: 'tail', status: 'closed', message: `LogQL: ${problems[0]!.message}` });
    let pending: LogLine[] = [];
    let dropped = 0;
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      if (pending.length || dropped) this.host.post({ type: 'append', lines: pending, dropped });
      pending = [];
      dropped = 0;
    };
    // Undefined while client.tail() runs: its synchronous first state change is not this session's yet.
    let tail: LokiTail | undefined = undefined;
    const start = (BigInt(Date.now()) * 1_000_000n).toString();
    tail = client.tail({
      query: this.state.query,
      start,
      onFrame: (f) => {
        if (this.tail !== tail) return;
        for (const l of f.lines) pending.push(l);
        dropped += f.dropped.length;
        timer ??= setTimeout(flush, TAIL_FLUSH_MS);
      },
      onError: (e) => {
        if (this.tail !== tail) return;
        // No tail WebSocket there (the built-in receiver, some gateways): poll query_range instead.
        if (e.status === 404) this.tail = this.poll(client, start);
        else this.host.post({ type: 'tail', status: 'closed', message: e.message });
      },
      onState: (s) => {
        if (this.tail !== tail) return;
        if (s === 'closed') {
          clearTimeout(timer);
          flush();
        }
        this.host.post({ type: 'tail', status: s });
      },
    });
    this.tail = tail;
    this.host.post({ type: 'tail', status: 'connecting' });
  }

  /** Live lines by polling query_range forward from the newest line seen, every POLL_MS. */
  private poll(client: LokiClient, startNs: string): LokiTail {
    const ctl = new AbortController();
    const query = this.state.query;
    let from = startNs;
    let timer: NodeJS.Timeout | undefined;
    const once = async () => {
      try {
        const r = await client.queryRange(
          { query, start: from, end: BigInt(Date.now()) * 1_000_000n, direction: 'forward', limit: POLL_LIMIT },
          { signal: ctl.signal },
        );
        if (ctl.signal.aborted) return;
        if (r.resultType === 'streams' && r.lines.length) {
          from = (BigInt(r.lines.at(-1)!.tsNs) + 1n).toString();
          this.host.post({ type: 'append', lines: r.lines, dropped: 0 });
        }
        timer = setTimeout(() => void once(), POLL_MS);
      } catch (e) {
        if (!ctl.signal.aborted) this.host.post({ type: 'tail', status: 'closed', message: errorMessage(e) });
      }
    };
    void once();
    this.host.post({ type: 'tail', status: 'live', message: `polling every ${POLL_MS / 1000} s (no tail WebSocket there)` });
    return { close: () => (ctl.abort(), clearTimeout(timer)) };
  }

  /** Local logs have no tail API: follow the store and re-run the query when records arrive. */
  private startLocalTail(): void {
    const store = this.receiver.current?.store;
    if (!store) return this.host.post({ type: 'tail', status: 'closed', message: 'The local OTLP receiver is not running' });
    let timer: NodeJS.Timeout | undefined;
    const off = store.onDidChange(() => {
      timer ??= setTimeout(() => {
        timer = undefined;
        void this.run();
      }, LOCAL_REFRESH_MS);
    });
    this.stopLocalTail = () => (off(), clearTimeout(timer));
    this.host.post({ type: 'tail', status: 'live' });
  }

  /** Stops the tail; returns whether one ran. */
  private closeTail(): boolean {
    const had = !!(this.tail ?? this.stopLocalTail);
    const tail = this.tail;
    this.tail = undefined;
    tail?.close();
    this.stopLocalTail?.();
    this.stopLocalTail = undefined;
    return had;
  }

  private stopTail(): void {
    if (this.closeTail()) this.host.post({ type: 'tail', status: 'off' });
  }

  private async complete(id: number, query: string, offset: number): Promise<void> {
    const ctx = completionContext(query, offset);
    if (ctx.kind === 'none') return this.host.post({ type: 'completions', id, from: offset, items: [] });
    try {
      const client = await this.loki.client();
      if (!client) return this.host.post({ type: 'completions', id, from: offset, items: [] });
      const signal = AbortSignal.timeout(5000);
      if (!this.labels || Date.now() - this.labels.at > LABELS_TTL_MS) {
        const names = client.labels({ signal });
        this.labels = { at: Date.now(), names };
        names.catch(() => (this.labels = undefined));
      }
      const names = ctx.kind === 'label-name' ? await this.labels.names : [];
      const values = ctx.kind === 'label-value' ? await client.labelValues(ctx.label, { signal }) : [];
      this.host.post({ type: 'completions', id, from: ctx.from, items: completionItems(ctx, names, values).slice(0, 200) });
    } catch (e) {
      this.host.post({ type: 'completions', id, from: offset, items: [] });
      this.host.post({ type: 'error', message: `Completion: ${errorMessage(e)}` });
    }
  }

  dispose(): void {
    this.request?.abort();
    this.closeTail();
  }
}
