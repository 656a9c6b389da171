/**
 * TOML read as plain data, for the few project configs read whole (wrangler.toml): tables (`[a.b]`, `[a."b c"]`), arrays
 * of tables (`[[a]]`), dotted and quoted keys, basic and literal strings, multi-line strings (as written: escapes not
 * decoded), arrays and inline tables at any nesting (up to MAX_DEPTH), booleans. Other scalars (numbers, dates) are kept
 * as their text: no reader needs them.
 * Every object has no prototype (a key `__proto__` is a key). Not a validator: a duplicate key keeps the last value.
 * Malformed text throws a TomlError. Pure; linear in the text.
 */

const MAX_DEPTH = 32;

export class TomlError extends Error {}

type Table = Record<string, unknown>;

function table(): Table {
  return Object.create(null) as Table;
}

export function parseToml(text: string): Table {
  const root = table();
  let current = root;
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  const fail = (what: string): never => {
    const line = text.slice(0, i).split('\n').length;
    throw new TomlError(`${what} (line ${line})`);
  };
  /** spaces and tabs; with `lines`, newlines and comments too */
  const skip = (lines: boolean): void => {
    for (;;) {
      const c = text[i];
      if (c === ' ' || c === '\t') i++;
      else if (lines && (c === '\n' || c === '\r')) i++;
      else if (lines && c === '#') while (i < text.length && text[i] !== '\n') i++;
      else return;
    }
  };
  /** the rest of a line: only a comment may follow */
  const endOfLine = (): void => {
    skip(false);
    if (text[i] === '#') while (i < text.length && text[i] !== '\n') i++;
    if (text[i] === '\r') i++;
    if (i < text.length && text[i] !== '\n') fail('unexpected text after a value');
  };
  const basicString = (): string => {
    let out = '';
    for (i++; i < text.length; i++) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\n') break;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[++i];
      const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };
      if (e !== undefined && simple[e] !== undefined) out += simple[e];
      else if (e === 'u' || e === 'U') {
        const n = e === 'u' ? 4 : 8;
        const hex = text.slice(i + 1, i + 1 + n);
        const cp = /^[0-9a-fA-F]+$/.test(hex) && hex.length === n ? parseInt(hex, 16) : NaN;
        if (!(cp <= 0x10ffff)) fail('bad unicode escape');
        out += String.fromCodePoint(cp);
        i += n;
      } else fail('bad escape');
    }
    return fail('unterminated string');
  };
  const literalString = (): string => {
    const end = text.indexOf("'", i + 1);
    const nl = text.indexOf('\n', i + 1);
    if (end < 0 || (nl >= 0 && nl < end)) fail('unterminated string');
    const s = text.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  const multiline = (quote: string): string => {
    const fence = quote.repeat(3);
    let j = i + 3;
    for (;;) {
      const end = text.indexOf(fence, j);
      if (end < 0) fail('unterminated string');
      // an escaped quote in a basic string does not close it
      if (quote === '"' && /(?:^|[^\\])(?:\\\\)*\\$/.test(text.slice(j, end))) {
        j = end + 1;
        continue;
      }
      // up to two quotes right before the fence belong to the string
      let close = end;
      while (text[close + 3] === quote && close - end < 2) close++;
      const s = text.slice(i + 3, close).replace(/^\r?\n/, '');
      i = close + 3;
      return s;
    }
  };
  const key = (): string[] => {
    const parts: string[] = [];
    for (;;) {
      skip(false);
      const c = text[i];
      if (c === '"') parts.push(basicString());
      else if (c === "'") parts.push(literalString());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i, i + 1024));
        if (!m) fail('expected a key');
        parts.push(m![0]);
        i += m![0].length;
      }
      skip(false);
      if (text[i] !== '.') return parts;
      i++;
    }
  };
  /** the object at `path` below `from`, made when missing (the last element of an array of tables) */
  const descend = (from: Table, path: string[]): Table => {
    let t = from;
    for (const k of path) {
      let next = t[k];
      if (Array.isArray(next)) next = next[next.length - 1];
      if (next === undefined) t[k] = next = table();
      if (!next || typeof next !== 'object') fail(`key ${k} is not a table`);
      t = next as Table;
    }
    return t;
  };
  const value = (depth: number): unknown => {
    if (depth > MAX_DEPTH) fail('nested too deep');
    const c = text[i];
    if (text.startsWith('"""', i)) return multiline('"');
    if (text.startsWith("'''", i)) return multiline("'");
    if (c === '"') return basicString();
    if (c === "'") return literalString();
    if (c === '[') {
      const out: unknown[] = [];
      i++;
      for (;;) {
        skip(true);
        if (text[i] === ']') break;
        out.push(value(depth + 1));
        skip(true);
        if (text[i] === ',') i++;
        else if (text[i] !== ']') fail('expected , or ] in an array');
      }
      i++;
      return out;
    }
    if (c === '{') {
      const t = table();
      i++;
      skip(false);
      if (text[i] === '}') {
        i++;
        return t;
      }
      for (;;) {
        const path = key();
        if (text[i] !== '=') fail('expected =');
        i++;
        skip(false);
        descend(t, path.slice(0, -1))[path[path.length - 1]!] = value(depth + 1);
        skip(false);
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return t;
        } else fail('expected , or } in an inline table');
      }
    }
    // a number, a date and time (`1979-05-27 07:32:00Z` has a space), a boolean
    const m = /^(?:\d{4}-\d{2}-\d{2}[ Tt]\d{2}:\d{2}[^\s,\]}#]*|[^\s,\]}#]+)/.exec(text.slice(i, i + 256));
    if (!m) return fail('expected a value');
    i += m[0].length;
    return m[0] === 'true' ? true : m[0] === 'false' ? false : m[0];
  };

  for (;;) {
    skip(true);
    if (i >= text.length) return root;
    if (text[i] === '[') {
      const many = text[i + 1] === '[';
      i += many ? 2 : 1;
      const path = key();
      if (!text.startsWith(many ? ']]' : ']', i)) fail('expected ]');
      i += many ? 2 : 1;
      if (many) {
        const parent = descend(root, path.slice(0, -1));
        const last = path[path.length - 1]!;
        const list = parent[last] === undefined ? (parent[last] = []) : parent[last];
        if (!Array.isArray(list)) fail(`key ${last} is not an array of tables`);
        current = table();
        (list as unknown[]).push(current);
      } else current = descend(root, path);
    } else {
      const path = key();
      if (text[i] !== '=') fail('expected =');
      i++;
      skip(false);
      descend(current, path.slice(0, -1))[path[path.length - 1]!] = value(0);
    }
    endOfLine();
  }
}
