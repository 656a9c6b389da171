/** Helpers of the incremental-analysis tests: applying VS Code-style changes, and a deterministic PRNG. */
import assert from 'node:assert/strict';
import type { ContentChange } from '../../../src/core/routes/incremental';

/** The text after the changes, applied in order (each against the text the previous ones produced). */
export function apply(text: string, changes: readonly ContentChange[]): string {
  for (const c of changes) text = text.slice(0, c.rangeOffset) + c.text + text.slice(c.rangeOffset + c.rangeLength);
  return text;
}

/** A change replacing the first `find` after `from` (VS Code reports one like this for a typed or pasted edit). */
export function replace(text: string, find: string, by: string, from = 0): ContentChange {
  const at = text.indexOf(find, from);
  assert.ok(at >= 0, `${find} is in the text`);
  return { rangeOffset: at, rangeLength: find.length, text: by };
}

/** Deterministic PRNG (mulberry32): the same edits on every run. */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
