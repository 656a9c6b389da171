/**
 * The lines the logs panel holds (newest first, at most MAX_LINES) and the ones the text filter lets through,
 * with the ranges to highlight. Pure, no DOM: unit-tested in Node. A tail batch is filtered on its own and put
 * on top, so following a live tail costs the batch, not the 100,000 lines already there.
 */
import type { LogLine } from '../../../core/logs/model';
import { filterLines } from '../../../core/logs/view';

export const MAX_LINES = 100_000;
/** Trimming the oldest lines waits until this many are over the cap (one re-filter per slack, not per batch). */
const TRIM_SLACK = 10_000;

export interface Shown {
  line: LogLine;
  highlights: [number, number][];
}

export class LogList {
  lines: LogLine[] = [];
  shown: Shown[] = [];
  private filter = '';

  /** Replaces the lines (a query's answer, newest first). */
  set(lines: LogLine[]): void {
    this.lines = lines.length > MAX_LINES ? lines.slice(0, MAX_LINES) : lines;
    this.shown = filterLines(this.lines, this.filter);
  }

  /** Adds older lines (the next chunk of an answer) below. */
  push(older: LogLine[]): void {
    const room = Math.max(0, MAX_LINES - this.lines.length);
    const add = older.length > room ? older.slice(0, room) : older;
    this.lines = this.lines.concat(add);
    this.shown = this.shown.concat(filterLines(add, this.filter));
  }

  /** Adds tail lines (oldest first, as Loki sends them) on top; returns how many of them the filter shows. */
  append(batch: LogLine[]): number {
    if (!batch.length) return 0;
    const newest = batch.slice().reverse();
    this.lines = newest.concat(this.lines);
    if (this.lines.length > MAX_LINES + TRIM_SLACK) {
      this.lines.length = MAX_LINES;
      this.shown = filterLines(this.lines, this.filter);
      return this.shown.length;
    }
    const add = filterLines(newest, this.filter);
    this.shown = add.concat(this.shown);
    return add.length;
  }

  setFilter(text: string): void {
    if (text === this.filter) return;
    this.filter = text;
    this.shown = filterLines(this.lines, text);
  }
}

/** `2026-01-01 10:00:00.123` (UTC) of an epoch-ns timestamp, without BigInt. */
export function formatTs(tsNs: string): string {
  const ms = tsNs.length > 6 ? Number(tsNs.slice(0, -6)) : 0;
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}
