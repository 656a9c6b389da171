/**
 * Route templates in their many spellings mapped onto one canonical key, so detector routes
 * match metric label values:
 *
 *   /users/{id}  /users/{id:int}  /users/:id  /users/:id(\d+)  /users/<int:id>  /users/<id>  /users/#val
 *     → canonical  /users/{}
 *   catch-alls  /files/{p:path}  /files/<path:p>  /files/*  /files/{*p}  /files/:p*  → /files/*
 *
 * Trailing slashes are ignored (except the root), a missing leading slash is added, query strings dropped.
 */

/** Label values longer than this are no route template (they are ignored, never matched). */
export const MAX_ROUTE_LABEL_LENGTH = 2048;

/** One parameter spelling inside a segment (order matters: braces and angle brackets before `:name`). */
const PARAM_RE = /\{\*[^}/]*\}|\{[^}/]*\}|<[^>/]*>|:[A-Za-z_$][\w$]*(?:\([^)]*\))?[?*+]?|#val|\*/g;

function isCatchAll(p: string): boolean {
  return (
    p === '*' ||
    p.startsWith('{*') ||
    /^\{[^}]*:path\}$/.test(p) ||
    /^<path:[^>]*>$/.test(p) ||
    /^:[\w$]+(?:\([^)]*\))?[*+]$/.test(p) ||
    /^:[\w$]+\(\.\*\)$/.test(p)
  );
}

function normalisePath(template: string): string {
  let t = template.trim();
  t = t.replace(/\?[\w.-]+=.*$/, ''); // a query string (label values of raw URLs)
  if (!t.startsWith('/')) t = `/${t}`;
  t = t.replace(/\/{2,}/g, '/');
  if (t.length > 1) t = t.replace(/\/+$/, '');
  return t;
}

/** Canonical key of a route template or a metric label value. */
export function canonicalRouteKey(template: string): string {
  return normalisePath(template)
    .split('/')
    .map((seg) => seg.replace(PARAM_RE, (p) => (isCatchAll(p) ? '*' : '{}')))
    .join('/');
}

/** Template → express-prom-bundle's default normalised form (`:id`, `{id}`, `<int:id>` → `#val`). */
export function toPromBundlePath(template: string): string {
  return normalisePath(template)
    .split('/')
    .map((seg) => seg.replace(PARAM_RE, (p) => (isCatchAll(p) ? p : '#val')))
    .join('/');
}

/** Template → Express form (`/users/:id`). */
export function toExpressPath(template: string): string {
  return normalisePath(template)
    .split('/')
    .map((seg) => seg.replace(PARAM_RE, (p) => (isCatchAll(p) ? '*' : `:${paramName(p) || 'param'}`)))
    .join('/');
}

/** Template → OpenAPI/FastAPI form (`/users/{id}`). */
export function toOpenApiPath(template: string): string {
  return normalisePath(template)
    .split('/')
    .map((seg) => seg.replace(PARAM_RE, (p) => (isCatchAll(p) ? `{${paramName(p) || 'path'}:path}` : `{${paramName(p) || 'param'}}`)))
    .join('/');
}

function paramName(p: string): string {
  if (p.startsWith('{')) return p.slice(1, -1).replace(/^\*/, '').split(':')[0]!;
  if (p.startsWith('<')) return p.slice(1, -1).split(':').pop()!;
  if (p.startsWith(':'))
    return p
      .slice(1)
      .replace(/\(.*$/, '')
      .replace(/[?*+]$/, '');
  return '';
}

/**
 * Does a concrete or normalised path (`/users/42`, `/users/#val`) fit a template? Returns a specificity
 * score (number of static segments + 1) or -1. Used where label values are URLs rather than templates
 * (express-prom-bundle `path`, OTel legacy `http_target`).
 */
export function matchPathToTemplate(path: string, template: string): number {
  const p = canonicalRouteKey(path).split('/');
  const t = canonicalRouteKey(template).split('/');
  let score = 1;
  for (let i = 0; i < t.length; i++) {
    const ts = t[i]!;
    if (ts === '*') return i <= p.length ? score : -1;
    const ps = p[i];
    if (ps === undefined) return -1;
    if (ts === ps) {
      if (ts !== '{}') score++;
      continue;
    }
    if (ts === '{}' && ps !== '' && ps !== '*') continue;
    if (ts.includes('{}') && segmentMatches(ps, ts.split('{}'))) continue;
    return -1;
  }
  return p.length === t.length ? score : -1;
}

/**
 * Does a segment fit `lit0 {} lit1 {} … litN` (every `{}` one or more characters)? Without a regex: a
 * backtracking one is cubic on `/tiles/{z}-{x}-{y}.png` against a long label value. Placing each middle
 * literal at its leftmost possible position is optimal (a later one only leaves less room), so one
 * left-to-right pass decides: O(length × literals).
 */
function segmentMatches(seg: string, lits: string[]): boolean {
  const first = lits[0]!;
  const last = lits[lits.length - 1]!;
  if (!seg.startsWith(first)) return false;
  let pos = first.length;
  for (let i = 1; i < lits.length - 1; i++) {
    const at = seg.indexOf(lits[i]!, pos + 1);
    if (at < 0) return false;
    pos = at + lits[i]!.length;
  }
  return seg.length - last.length >= pos + 1 && seg.endsWith(last);
}

/** Most specific template matching `path`, or undefined. */
export function bestTemplateFor(path: string, templates: string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const t of templates) {
    const s = matchPathToTemplate(path, t);
    if (s > bestScore) {
      best = t;
      bestScore = s;
    }
  }
  return best;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
