/**
 * The lines the logs panel holds (newest first, at most MAX_LINES) and the ones the text filter lets through.
 * Pure, no DOM: unit-tested in Node. Each line's lowercased search text is computed once, by the first filter that
 * needs it (not on arrival: the first render stays cheap), so later filters over 100,000 lines are one `includes`
 * per line; highlight ranges are computed for the rows drawn only.
 * A tail batch is filtered on its own and put on top: following a tail costs the batch, not the lines there.
 */
import type { LogLine } from '../../../core/logs/model';
import { matchRanges, searchText } from '../../../core/logs/view';

export const MAX_LINES = 100_000;
/** Trimming the oldest lines waits until this many are over the cap (one re-filter per slack, not per batch). */
const TRIM_SLACK = 10_000;

export class LogList {
  lines: LogLine[] = [];
  /** The lines the filter lets through, in order. */
  shown: LogLine[] = [];
  /** Search text per line of `lines`, filled in when a filter first needs it. */
  private hay: (string | undefined)[] = [];
  private needle = '';

  /** Replaces the lines (a query's answer, newest first). */
  set(lines: LogLine[]): void {
    this.lines = lines.slice(0, MAX_LINES); // a copy: push() grows it in place
    this.hay = new Array<string | undefined>(this.lines.length);
    this.refilter();
  }

  /** Adds older lines (the next chunk of an answer) below, in place: 100 chunks cost 100,000 lines, not their square. */
  push(older: LogLine[]): void {
    const from = this.lines.length;
    for (const l of older.slice(0, Math.max(0, MAX_LINES - from))) this.lines.push(l);
    this.hay.length = this.lines.length;
    // Without a filter `shown` is `lines` itself: it already has them.
    if (this.shown !== this.lines) for (const l of this.pick(from, this.lines.length)) this.shown.push(l);
  }

  /** Adds tail lines (oldest first, as Loki sends them) on top; returns how many of them the filter shows. */
  append(batch: LogLine[]): number {
    if (!batch.length) return 0;
    const newest = batch.slice().reverse();
    this.lines = newest.concat(this.lines);
    this.hay = new Array<string | undefined>(newest.length).concat(this.hay);
    if (this.lines.length > MAX_LINES + TRIM_SLACK) {
      this.lines.length = this.hay.length = MAX_LINES;
      this.refilter();
      return this.shown.length;
    }
    const add = this.pick(0, newest.length);
    this.shown = add.concat(this.shown);
    return add.length;
  }

  setFilter(text: string): void {
    const needle = text.toLowerCase();
    if (needle === this.needle) return;
    this.needle = needle;
    this.refilter();
  }

  /**
   * Computes the search text of up to `max` more lines (done ahead, in idle slices, so the first filter a user types
   * is not one long task); true when every line has it.
   */
  warm(max: number): boolean {
    let done = 0;
    for (let i = 0; i < this.lines.length; i++) {
      if (this.hay[i] !== undefined) continue;
      if (done++ === max) return false;
      this.hay[i] = searchText(this.lines[i]!);
    }
    return true;
  }

  /** Where the filter matches in the first `max` characters of a line. */
  highlights(line: LogLine, max: number): [number, number][] {
    return matchRanges(line.line.length > max ? line.line.slice(0, max) : line.line, this.needle);
  }

  private refilter(): void {
    this.shown = this.pick(0, this.lines.length);
  }

  /** The lines in [from, to) of `lines` the filter lets through (all of `lines` itself when there is no filter). */
  private pick(from: number, to: number): LogLine[] {
    if (!this.needle) return from === 0 && to === this.lines.length ? this.lines : this.lines.slice(from, to);
    const out: LogLine[] = [];
    for (let i = from; i < to; i++) if ((this.hay[i] ??= searchText(this.lines[i]!)).includes(this.needle)) out.push(this.lines[i]!);
    return out;
  }
}

/** `2026-01-01 10:00:00.123` (UTC) of an epoch-ns timestamp, without BigInt. */
export function formatTs(tsNs: string): string {
  const ms = tsNs.length > 6 ? Number(tsNs.slice(0, -6)) : 0;
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}
