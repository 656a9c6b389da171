/**
 * Time for log queries, in epoch nanoseconds as decimal strings (a JS number cannot hold them exactly).
 * Pure: no `vscode`, no I/O.
 */

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
};

/** `1h`, `30m`, `1h30m`, `2d`, `500ms` (Loki / Prometheus style) → nanoseconds; undefined when not one. */
export function durationNs(s: string): bigint | undefined {
  const parts = /^(?:\d+(?:ns|us|µs|ms|s|m|h|d|w))+$/.test(s) ? s.match(/\d+(?:ns|us|µs|ms|s|m|h|d|w)/g) : null;
  if (!parts) return undefined;
  let total = 0n;
  for (const p of parts) {
    const [, n, unit] = /^(\d+)(.+)$/.exec(p)!;
    total += BigInt(n!) * UNIT_NS[unit!]!;
  }
  return total > 0n ? total : undefined;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/** RFC 3339 time (`2026-01-01T10:00:00.123456789Z`, `…+02:00`) → epoch ns, fraction kept to the ns. */
export function rfc3339ToNs(s: string): string | undefined {
  const m = RFC3339.exec(s.trim());
  if (!m) return undefined;
  const [, date, time, frac = '', zone] = m;
  const ms = Date.parse(`${date}T${time}${zone!.toUpperCase()}`);
  if (!Number.isFinite(ms)) return undefined;
  // Date.parse rolls invalid days over (Feb 30 → Mar 2): reject those.
  const back = new Date(ms + (zone!.toUpperCase() === 'Z' ? 0 : offsetMs(zone!)));
  if (back.toISOString().slice(0, 19) !== `${date}T${time}`) return undefined;
  return (BigInt(ms) * 1_000_000n + BigInt(frac.padEnd(9, '0'))).toString();
}

function offsetMs(zone: string): number {
  const sign = zone.startsWith('-') ? -1 : 1;
  const [h, m] = zone.slice(1).split(':').map(Number);
  return sign * (h! * 60 + m!) * 60_000;
}

/** Epoch ns → `2026-01-01T10:00:00.123456789Z` (UTC, all nine digits). */
export function nsToRfc3339(tsNs: string): string {
  const ns = BigInt(tsNs);
  const sec = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(sec) * 1000).toISOString().slice(0, 19)}.${frac}Z`;
}

/** [start, end] in epoch ns of a range back from now (`since`: a duration) or between two RFC 3339 times, or why it is not one. */
export function rangeNs(
  r: { since: string } | { from: string; to: string },
  nowMs = Date.now(),
): { startNs: string; endNs: string } | { error: string } {
  if ('since' in r) {
    const back = durationNs(r.since);
    if (!back) return { error: `not a duration: ${JSON.stringify(r.since.slice(0, 40))}` };
    const end = BigInt(nowMs) * 1_000_000n;
    return { startNs: (end - back).toString(), endNs: end.toString() };
  }
  const startNs = rfc3339ToNs(r.from);
  const endNs = rfc3339ToNs(r.to);
  if (!startNs || !endNs) return { error: 'an absolute range needs RFC 3339 times like 2026-01-01T10:00:00Z' };
  if (BigInt(startNs) >= BigInt(endNs)) return { error: 'the start of the range must be before its end' };
  return { startNs, endNs };
}
