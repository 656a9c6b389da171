/**
 * Loki answer parsers: `query_range` / `query` (streams, matrix, vector), the categorize-labels form
 * (`[ns, line, {structuredMetadata, parsed}]` + `data.encodingFlags`), tail frames (`streams` +
 * `dropped_entries`), labels / label values / series. Never throws: bad input gives `{ok:false}`.
 */
import { isObject, isStringArray, isStringRecord } from '../traces/json';
import { fail, ok, type ParseResult } from '../traces/model';
import { compareNs, makeLogLine, type Labels, type LogLine } from './model';

export interface MetricSeries {
  labels: Labels;
  /** [unix seconds (float), value string] as Loki sends them. */
  values: { tsSec: number; value: string }[];
}

export type LokiQueryResult =
  | { resultType: 'streams'; lines: LogLine[]; streamCount: number; encodingFlags: string[]; warnings: string[]; skipped: number }
  | { resultType: 'matrix'; series: MetricSeries[]; warnings: string[] }
  | { resultType: 'vector'; series: MetricSeries[]; warnings: string[] };

export interface LokiTailFrame {
  lines: LogLine[];
  dropped: { tsNs: string; labels: Labels }[];
  encodingFlags: string[];
  skipped: number;
}

const NS = /^\d{1,25}$/;

/** Stream entries → LogLines (stream order kept). Bad entries are counted, not thrown. */
function streamLines(result: unknown[]): { lines: LogLine[]; skipped: number; streams: number } {
  const lines: LogLine[] = [];
  let skipped = 0;
  let streams = 0;
  for (const s of result) {
    if (!isObject(s) || !Array.isArray(s.values)) {
      skipped++;
      continue;
    }
    streams++;
    const labels: Labels = isStringRecord(s.stream) ? s.stream : {};
    for (const v of s.values) {
      if (!Array.isArray(v) || v.length < 2 || typeof v[0] !== 'string' || !NS.test(v[0]) || typeof v[1] !== 'string') {
        skipped++;
        continue;
      }
      const meta: unknown = v[2];
      const sm = isObject(meta) && isStringRecord(meta.structuredMetadata) ? meta.structuredMetadata : {};
      const parsed = isObject(meta) && isStringRecord(meta.parsed) ? meta.parsed : {};
      lines.push(makeLogLine(v[0], v[1], labels, sm, parsed));
    }
  }
  return { lines, skipped, streams };
}

/** Merges lines of all streams by time; `backward` (Loki's default) = newest first. Stable for equal times. */
export function sortLines(lines: LogLine[], direction: 'backward' | 'forward' = 'backward'): LogLine[] {
  const sign = direction === 'backward' ? -1 : 1;
  return lines
    .map((l, i) => [l, i] as const)
    .sort(([a, i], [b, j]) => sign * compareNs(a.tsNs, b.tsNs) || i - j)
    .map(([l]) => l);
}

function samples(x: unknown): { tsSec: number; value: string }[] | undefined {
  if (!Array.isArray(x) || x.length !== 2 || typeof x[0] !== 'number' || typeof x[1] !== 'string') return undefined;
  return [{ tsSec: x[0], value: x[1] }];
}

/**
 * `/loki/api/v1/query_range` or `/query` envelope `{status, data:{resultType, result, encodingFlags?}, warnings?}`.
 * Stream lines are merged across streams and sorted by `direction`.
 */
export function parseLokiQuery(x: unknown, direction: 'backward' | 'forward' = 'backward'): ParseResult<LokiQueryResult> {
  if (!isObject(x)) return fail('not a Loki answer (not an object)');
  if (x.status !== 'success') return fail(typeof x.error === 'string' ? x.error : `status ${JSON.stringify(x.status)}`);
  const d = x.data;
  if (!isObject(d) || typeof d.resultType !== 'string' || !Array.isArray(d.result)) return fail('no data.resultType/result');
  const warnings = isStringArray(x.warnings) ? x.warnings : [];
  if (d.resultType === 'streams') {
    const r = streamLines(d.result);
    return ok({
      resultType: 'streams',
      lines: sortLines(r.lines, direction),
      streamCount: r.streams,
      encodingFlags: isStringArray(d.encodingFlags) ? d.encodingFlags : [],
      warnings,
      skipped: r.skipped,
    });
  }
  if (d.resultType === 'matrix' || d.resultType === 'vector') {
    const series: MetricSeries[] = [];
    for (const s of d.result) {
      if (!isObject(s) || !isStringRecord(s.metric)) return fail(`bad ${d.resultType} series`);
      const vals = d.resultType === 'vector' ? samples(s.value) : Array.isArray(s.values) ? s.values.map(samples) : undefined;
      if (!vals || vals.some((v) => v === undefined)) return fail(`bad ${d.resultType} sample`);
      series.push({ labels: s.metric, values: (vals as ({ tsSec: number; value: string }[] | undefined)[]).flatMap((v) => v ?? []) });
    }
    return ok({ resultType: d.resultType, series, warnings });
  }
  return fail(`unsupported resultType ${JSON.stringify(d.resultType)}`);
}

/** One `/loki/api/v1/tail` WebSocket frame: `{streams, dropped_entries, encodingFlags?}`. Lines stay in frame order. */
export function parseLokiTailFrame(x: unknown): ParseResult<LokiTailFrame> {
  if (!isObject(x) || !Array.isArray(x.streams)) return fail('not a Loki tail frame (no "streams")');
  const r = streamLines(x.streams);
  const dropped = (Array.isArray(x.dropped_entries) ? x.dropped_entries : []).flatMap((e) =>
    isObject(e) && typeof e.timestamp === 'string' && NS.test(e.timestamp)
      ? [{ tsNs: e.timestamp, labels: isStringRecord(e.labels) ? e.labels : {} }]
      : [],
  );
  return ok({ lines: r.lines, dropped, encodingFlags: isStringArray(x.encodingFlags) ? x.encodingFlags : [], skipped: r.skipped });
}

/** `/labels`, `/label/{name}/values`: `{status:"success", data:[…]}`. */
export function parseLokiStringList(x: unknown): ParseResult<string[]> {
  if (!isObject(x) || x.status !== 'success') return fail('not a Loki success answer');
  // Tolerate an absent/null `data` as an empty answer.
  if (x.data === undefined || x.data === null) return ok([]);
  return isStringArray(x.data) ? ok(x.data) : fail('"data" is not a list of strings');
}

/** `/series`: `{status:"success", data:[{label: value}…]}`. */
export function parseLokiSeries(x: unknown): ParseResult<Labels[]> {
  if (!isObject(x) || x.status !== 'success') return fail('not a Loki success answer');
  if (x.data === undefined || x.data === null) return ok([]);
  return Array.isArray(x.data) && x.data.every(isStringRecord) ? ok(x.data) : fail('"data" is not a list of label sets');
}
