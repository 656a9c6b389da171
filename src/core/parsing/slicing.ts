/**
 * Time-slicing for work on the extension host's event loop: yield (`tick`), abort (`AbortError`), a clock that
 * yields once a slice is used up, and a tree-sitter parse that suspends and resumes between slices. Pure.
 */
import type { TS } from './treeSitter';

/** Lets the event loop run (one macrotask turn). */
export const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** The error an aborted piece of work rejects with (`name === 'AbortError'`). */
export function abortError(message: string): Error {
  const e = new Error(message);
  e.name = 'AbortError';
  return e;
}

export function isAbortError(e: unknown): e is Error {
  return e instanceof Error && e.name === 'AbortError';
}

/** A check that throws an AbortError once the signal has fired. */
export function abortCheck(signal: AbortSignal | undefined, message: string): () => void {
  return () => {
    if (signal?.aborted) throw abortError(message);
  };
}

/** Yields to the event loop whenever `sliceMs` of synchronous work have passed; `check` runs after every yield. */
export class Slicer {
  private start = performance.now();

  constructor(
    private readonly sliceMs: number,
    private readonly check: () => void,
  ) {}

  /** Yields (then checks) if the current slice is used up. */
  async maybeYield(): Promise<void> {
    if (performance.now() - this.start > this.sliceMs) await this.yieldNow();
  }

  /** Yields (then checks) now, and starts a new slice. */
  async yieldNow(): Promise<void> {
    await tick();
    this.check();
    this.start = performance.now();
  }
}

/**
 * Parses `text` from scratch in slices of about `sliceMs`: tree-sitter's progress callback suspends the parse, the
 * event loop runs, `check` runs (and may throw: the parse is then left suspended, for the caller to `reset`), and
 * the parse resumes. Null when the parse fails or does not finish (the parser is reset then). `spent` receives the
 * time of every parse slice.
 */
export async function parseSliced(
  parser: TS.Parser,
  text: string,
  sliceMs: number,
  check: () => void,
  spent?: (ms: number) => void,
): Promise<TS.Tree | null> {
  for (let round = 0; ; round++) {
    const start = performance.now();
    let tree: TS.Tree | null;
    try {
      // the progress callback only runs every so often: aim at half the slice
      tree = parser.parse(text, null, { progressCallback: () => performance.now() - start > sliceMs / 2 });
    } catch {
      parser.reset();
      spent?.(performance.now() - start);
      return null;
    }
    spent?.(performance.now() - start);
    if (tree) return tree;
    if (round > 100_000) {
      parser.reset();
      return null;
    }
    await tick();
    check();
  }
}
