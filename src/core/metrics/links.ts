/** Links built from a configured URL (a workspace may have written it): http(s) only, built with the URL API. */
import { trimSlashes } from '../routes/paths';

/**
 * Grafana Explore for `expr`, or undefined when `grafana` is not an http(s) URL. Parentheses are
 * percent-encoded so the link is safe as a markdown link target.
 */
export function grafanaExploreUrl(grafana: string, expr: string): string | undefined {
  let u: URL;
  try {
    u = new URL(grafana.trim());
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  const left = { datasource: 'prometheus', queries: [{ refId: 'A', expr }], range: { from: 'now-1h', to: 'now' } };
  u.username = '';
  u.password = '';
  u.hash = '';
  u.pathname = `${trimSlashes(u.pathname, 'end')}/explore`;
  u.search = new URLSearchParams({ orgId: '1', left: JSON.stringify(left) }).toString();
  return u.toString().replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Whether a link may be handed to `openExternal`. */
export function isWebUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}
