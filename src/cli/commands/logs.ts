/** `telemetry-lens logs '<LogQL>' --loki <url>`: log lines from Loki, newest first, with their trace ids. */
import { CliError, parseArgs, timeoutOption, type Command } from '../io';
import { BackendError } from '../../backends/errors';
import { LokiClient } from '../../backends/loki';
import type { LogLine } from '../../core/logs/model';
import { durationNs, nsToRfc3339, rfc3339ToNs } from '../../core/logs/time';
import { stripControl } from '../../core/untrusted';

const DEFAULT_LIMIT = 100;

export const logsCommand: Command = {
  name: 'logs',
  usage: "logs '<LogQL>' --loki <url> [--since 1h | --from <RFC3339> --to <RFC3339>] [--limit N] [--tenant <id>] [--json]",
  summary: 'log lines from Loki, newest first, with the trace id of each line',
  help: [
    'Runs a LogQL log query against Loki (query_range, newest first) and prints the lines.',
    '',
    '  --loki <url>           Loki base URL, path prefix included (e.g. https://gateway.example/loki-prefix)',
    '  --since <duration>     how far back from now, e.g. 15m, 1h, 2d (default 1h)',
    '  --from <RFC3339>       start of an absolute range, e.g. 2026-01-01T10:00:00Z (with --to)',
    '  --to <RFC3339>         end of the absolute range',
    `  --limit <n>            most lines to print (default ${DEFAULT_LIMIT})`,
    '  --tenant <id>          Loki tenant, sent as X-Scope-OrgID',
    '  --timeout <ms>         per-request timeout (default 10000)',
    '  --json                 one JSON object per line: {"ts": "<unix ns>", "labels": {…}, "line": "…",',
    '                         "traceId": "<lowercase hex>" | null}; labels include structured metadata and',
    '                         parsed fields',
    '',
    'The trace id comes from a key named trace_id, traceId or traceID (JSON field, logfmt key, structured',
    'metadata or parsed label) or from a traceparent value. Control characters are removed from the output.',
    '',
    'Environment: TELEMETRY_LENS_LOKI_TOKEN (bearer token).',
    'Exit codes: 0 ok, 2 usage error, 3 Loki unreachable or answering an error (its text is shown).',
  ].join('\n'),
  async run(args, io) {
    const { positionals, strings, booleans } = parseArgs(args, {
      strings: ['loki', 'since', 'from', 'to', 'limit', 'tenant', 'timeout'],
      booleans: ['json'],
    });
    if (positionals.length !== 1 || !positionals[0]!.trim()) throw new CliError("expected exactly one '<LogQL>' query");
    const url = strings.loki;
    if (!url) throw new CliError('--loki <url> is required');
    const range = timeRange(strings);
    const limit = strings.limit !== undefined ? Number(strings.limit) : DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit <= 0) throw new CliError(`--limit must be a positive integer, got ${strings.limit}`);
    const timeoutMs = timeoutOption(strings.timeout);

    try {
      const token = process.env.TELEMETRY_LENS_LOKI_TOKEN;
      const loki = new LokiClient({
        baseUrl: url,
        timeoutMs,
        categorizeLabels: true,
        ...(strings.tenant ? { tenant: strings.tenant } : {}),
        ...(token ? { auth: { type: 'bearer' as const, token } } : {}),
        credentialsHint: 'set TELEMETRY_LENS_LOKI_TOKEN',
      });
      const r = await loki.queryRange({ query: positionals[0]!, start: range.start, end: range.end, limit, direction: 'backward' });
      if (r.resultType !== 'streams') throw new CliError(`this is a metric query (Loki answered a ${r.resultType}); logs prints log lines`);
      for (const w of r.warnings) io.err(`warning: ${w}`);
      for (const l of r.lines) io.out(booleans.has('json') ? JSON.stringify(jsonLine(l)) : textLine(l));
      return 0;
    } catch (e) {
      if (e instanceof BackendError) throw new CliError(e.message.replace(/\s+/g, ' '), 3);
      throw e;
    }
  },
};

function timeRange(s: Record<string, string>): { start: string; end: string } {
  if (s.since !== undefined && (s.from !== undefined || s.to !== undefined))
    throw new CliError('give either --since or --from/--to, not both');
  if (s.from !== undefined || s.to !== undefined) {
    if (s.from === undefined || s.to === undefined) throw new CliError('--from and --to go together');
    const start = rfc3339ToNs(s.from);
    const end = rfc3339ToNs(s.to);
    if (!start) throw new CliError(`--from must be an RFC 3339 time like 2026-01-01T10:00:00Z, got ${s.from}`);
    if (!end) throw new CliError(`--to must be an RFC 3339 time like 2026-01-01T11:00:00Z, got ${s.to}`);
    if (BigInt(start) >= BigInt(end)) throw new CliError('--from must be before --to');
    return { start, end };
  }
  const since = durationNs(s.since ?? '1h');
  if (since === undefined) throw new CliError(`--since must be a duration like 15m, 1h or 2d, got ${s.since}`);
  const end = BigInt(Date.now()) * 1_000_000n;
  return { start: (end - since).toString(), end: end.toString() };
}

/** Labels as Loki shows them without categorize-labels: stream labels, structured metadata, parsed fields. */
function allLabels(l: LogLine): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of [...Object.entries(l.labels), ...Object.entries(l.structuredMetadata), ...Object.entries(l.parsed)]) {
    out[stripControl(k)] = stripControl(v);
  }
  return out;
}

function jsonLine(l: LogLine): { ts: string; labels: Record<string, string>; line: string; traceId: string | null } {
  return { ts: l.tsNs, labels: allLabels(l), line: stripControl(l.line), traceId: l.traceId ?? null };
}

function textLine(l: LogLine): string {
  const labels = Object.entries(allLabels(l))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
  return `${nsToRfc3339(l.tsNs)}  {${labels}}  ${stripControl(l.line)}`;
}
