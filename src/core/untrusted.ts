/**
 * Making untrusted strings (backend answers, route paths and settings from a repository) inert before
 * they are shown. Pure: the notification, hover, log and CLI layers all go through here.
 */

// C0 and C1 control characters, DEL, and the bidi overrides/isolates (Trojan Source).
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Removes control characters (terminal escape sequences lose their ESC and become plain text). */
export function stripControl(s: string): string {
  return s.replace(CONTROL, '');
}

/**
 * Text for a notification or status message: one line, no control characters, no link syntax
 * (VS Code turns `[x](command:…)` in a notification into a clickable command), at most `max` characters.
 * Long details belong in the log.
 */
export function inertText(s: string, max = 160): string {
  const one = s.replace(/\s+/g, ' ').replace(CONTROL, '').replace(/\]\(/g, '] (');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** Replaces credentials embedded in URLs (`https://user:pass@host`) anywhere in `s` with `***`. */
export function redactUrls(s: string): string {
  return s.replace(/([a-zA-Z][a-zA-Z0-9+.-]{0,20}:\/\/)([^/?#\s@]{1,512})@/g, '$1***@');
}

/** Text from a backend or the code as inert markdown: one line, every markdown character escaped. */
export function markdownText(s: string): string {
  return s
    .replace(/\s+/g, ' ')
    .replace(CONTROL, '')
    .replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, '\\$&');
}

/**
 * Text as a markdown code span: literal inside, so only the fence needs care — one backtick longer than
 * the longest run inside, and no line break (a newline would end the span in a table or list).
 */
export function markdownCode(s: string): string {
  const one = s.replace(/\s+/g, ' ').replace(CONTROL, '');
  let longest = 0;
  for (const run of one.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  return `${fence} ${one} ${fence}`;
}
