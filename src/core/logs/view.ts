/**
 * What the log view shows of lines, computed without a DOM: the fields of a JSON or logfmt line, text
 * filtering with the ranges to highlight, and the log-volume histogram by level. Pure: no `vscode`, no I/O.
 */
import type { LogLevel, LogLine } from './model';

/** Lines longer than this are not parsed into fields (shown as text only). */
export const MAX_FIELD_LINE = 64 * 1024;

/** Top-level fields of a JSON object line (values as text), or of a logfmt line; empty when it is neither. */
export function lineFields(line: string): Record<string, string> {
  if (line.length > MAX_FIELD_LINE) return {};
  const t = line.trim();
  if (t.startsWith('{')) {
    try {
      const v: unknown = JSON.parse(t);
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const out: Record<string, string> = {};
        for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'string' ? x : JSON.stringify(x);
        return out;
      }
    } catch {
      // not JSON: try logfmt
    }
  }
  return logfmtFields(t);
}

const LOGFMT_PAIR = /([^\s="]+)=(?:"((?:[^"\\]|\\.)*)"|([^\s"]*))(?=\s|$)/gy;

/** `key=value key2="quoted \"value\""` → fields; empty unless the whole line is pairs. */
export function logfmtFields(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < line.length) {
    while (line[pos] === ' ' || line[pos] === '\t') pos++;
    if (pos >= line.length) break;
    LOGFMT_PAIR.lastIndex = pos;
    const m = LOGFMT_PAIR.exec(line);
    if (!m) return {};
    out[m[1]!] = m[2] !== undefined ? m[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c)) : m[3]!;
    pos = LOGFMT_PAIR.lastIndex;
  }
  return out;
}

/** Where a filter looks, lowercased: the line, then its label values (one per line). Computed once per line. */
export function searchText(line: LogLine): string {
  let hay = line.line.toLowerCase();
  for (const v of Object.values(line.labels)) hay += `\n${v.toLowerCase()}`;
  return hay;
}

/** The ranges of every case-insensitive occurrence of `needle` (already lowercased) in `text`. */
export function matchRanges(text: string, needle: string): [number, number][] {
  const out: [number, number][] = [];
  if (!needle) return out;
  const hay = text.toLowerCase();
  for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + needle.length)) out.push([at, at + needle.length]);
  return out;
}

/** Lines containing `text` (case-insensitive, in the line or a label value), with the ranges of each match in the line. */
export function filterLines(lines: LogLine[], text: string): { line: LogLine; highlights: [number, number][] }[] {
  const needle = text.toLowerCase();
  return lines
    .filter((l) => !needle || searchText(l).includes(needle))
    .map((line) => ({ line, highlights: matchRanges(line.line, needle) }));
}

export type VolumeBucket = { startNs: string } & Record<LogLevel, number>;

const LEVELS: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'unknown'];

/** Epoch ns (decimal string) as [seconds, nanoseconds] numbers: exact, and no BigInt per line. */
function nsParts(tsNs: string): [number, number] {
  const cut = Math.max(0, tsNs.length - 9);
  return [Number(tsNs.slice(0, cut)) || 0, Number(tsNs.slice(cut))];
}

/** Counts per level in `buckets` equal slices of [startNs, endNs); lines outside are not counted. */
export function volumeByLevel(lines: LogLine[], startNs: string, endNs: string, buckets: number): VolumeBucket[] {
  const start = BigInt(startNs);
  const span = BigInt(endNs) - start;
  const n = Math.max(1, Math.floor(buckets));
  if (span <= 0n) return [];
  const out: VolumeBucket[] = Array.from({ length: n }, (_, i) => {
    const b = { startNs: (start + (span * BigInt(i)) / BigInt(n)).toString() } as VolumeBucket;
    for (const l of LEVELS) b[l] = 0;
    return b;
  });
  // Offsets in ns as doubles: exact up to 2^53 ns (104 days); the bucket of a longer range may be off by one at its edge.
  const [s0, n0] = nsParts(startNs);
  const spanNs = Number(span);
  for (const l of lines) {
    const [s, ns] = nsParts(l.tsNs);
    const off = (s - s0) * 1e9 + (ns - n0);
    if (off < 0 || off >= spanNs) continue;
    out[Math.min(n - 1, Math.floor((off * n) / spanNs))]![l.level ?? 'unknown']++;
  }
  return out;
}
