/**
 * Span → code, without the editor: which detected route a span's `http.route` names, and where spans are
 * created in source text (`tracer.start_as_current_span("…")`, `start_span("…")` in Python,
 * `tracer.startActiveSpan("…")`, `startSpan("…")` in JS/TS). Pure: no `vscode`, no I/O.
 */
import { canonicalRouteKey } from '../metrics/routeTemplates';
import { routeTemplate } from '../routes/route';
import type { Route } from '../routes/types';
import { codeLocation, type Span } from './model';

export interface SpanSite {
  name: string;
  /** 1-based line of the call. */
  line: number;
}

// A string literal as the first argument: '…', "…" or `…` without interpolation.
const SITE =
  /\b(?:start_as_current_span|start_span|startActiveSpan|startSpan)\s*\(\s*(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\$]|\\.)*)`)/g;

/** Every span creation call with a literal name in a source text, in order. */
export function spanSites(text: string): SpanSite[] {
  const out: SpanSite[] = [];
  let line = 1;
  let at = 0;
  for (const m of text.matchAll(SITE)) {
    for (; at < m.index; at++) if (text.charCodeAt(at) === 10) line++;
    out.push({ name: (m[1] ?? m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1'), line });
  }
  return out;
}

/** The detected route a span's `http.route` (and method, when both say one) names; undefined if none. */
export function routeForSpan<R extends Route>(span: Pick<Span, 'attributes'>, routes: readonly R[]): R | undefined {
  const loc = codeLocation(span);
  if (!loc?.route) return undefined;
  const key = canonicalRouteKey(loc.route);
  const method = loc.method?.toUpperCase();
  const same = routes.filter((r) => canonicalRouteKey(routeTemplate(r)) === key);
  return same.find((r) => !method || r.methods.some((m) => m === 'ALL' || m === method)) ?? same[0];
}

/** The `code.filepath` candidate among workspace files: the longest path suffix in common wins. */
export function bestFileMatch(filepath: string, candidates: readonly string[]): string | undefined {
  const want = filepath.replace(/\\/g, '/').split('/').filter(Boolean).reverse();
  let best: string | undefined;
  let bestScore = 0;
  for (const c of candidates) {
    const parts = c.replace(/\\/g, '/').split('/').filter(Boolean).reverse();
    let n = 0;
    while (n < want.length && n < parts.length && want[n] === parts[n]) n++;
    if (n > bestScore) [best, bestScore] = [c, n];
  }
  return best;
}
