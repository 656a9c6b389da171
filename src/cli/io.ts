import * as fs from 'node:fs';
import * as path from 'node:path';

/** What a CLI command may touch: output streams and the working directory (stubbable in tests). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
}

export interface Command {
  name: string;
  /** e.g. `routes <dir> [--json]` */
  usage: string;
  summary: string;
  help?: string;
  run(args: string[], io: Io): Promise<number>;
}

/** A user-facing error: printed without a stack, with an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** Minimal flag parser: `--flag value`, `--flag=value`, boolean `--flag`, positionals. */
export function parseArgs(
  args: string[],
  spec: { strings?: string[]; booleans?: string[] },
): { positionals: string[]; strings: Record<string, string>; booleans: Set<string> } {
  const strings: Record<string, string> = {};
  const booleans = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const key = a.slice(2, eq < 0 ? undefined : eq);
    if (spec.booleans?.includes(key)) {
      if (eq >= 0) throw new CliError(`--${key} takes no value`);
      booleans.add(key);
    } else if (spec.strings?.includes(key)) {
      const v = eq >= 0 ? a.slice(eq + 1) : args[++i];
      if (v === undefined) throw new CliError(`--${key} needs a value`);
      strings[key] = v;
    } else {
      throw new CliError(`unknown option ${a}`);
    }
  }
  return { positionals, strings, booleans };
}

/** `--timeout <ms>` of the commands that ask a backend: 10 s when absent, a CliError when not a positive number. */
export function timeoutOption(value: string | undefined): number {
  const ms = value !== undefined ? Number(value) : 10_000;
  if (!Number.isFinite(ms) || ms <= 0) throw new CliError(`--timeout must be milliseconds, got ${value}`);
  return ms;
}

/** The absolute path of a directory argument, or a CliError naming what is wrong with it. */
export function existingDir(io: Io, arg: string): string {
  const dir = path.resolve(io.cwd, arg);
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    throw new CliError(`no such directory: ${arg}`);
  }
  if (!st.isDirectory()) throw new CliError(`not a directory: ${arg}`);
  return dir;
}

/** With `--json`, prints the rows as JSON; without, says when there are none. True when that was the whole answer. */
export function printedWithoutTable(io: Io, rows: unknown[], json: boolean): boolean {
  if (json) io.out(JSON.stringify(rows, null, 2));
  else if (!rows.length) io.out('no routes found');
  return json || !rows.length;
}

/** A table as lines: every column but the last padded to its widest cell, two spaces apart. */
export function tableLines(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]): string => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [fmt(header), ...rows.map(fmt)];
}
