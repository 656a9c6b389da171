/** The TOML reader of project configs (wrangler.toml): tables, keys, strings, arrays, inline tables; errors thrown. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { TomlError, parseToml } from '../../../src/core/toml';

const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe('parseToml', () => {
  it('reads a wrangler.toml: top-level keys, comments, multi-line arrays, tables, env tables, arrays of tables', () => {
    const text = [
      '\uFEFF#:schema node_modules/wrangler/config-schema.json',
      'name = "api" # the Worker',
      "main = 'src/index.ts'",
      'compatibility_date = 2024-09-23',
      'compatibility_flags = [',
      '  "nodejs_compat", # Node APIs',
      "  'nodejs_als',",
      ']',
      'workers_dev = false',
      'site = { bucket = "./public", include = ["*.html"] }',
      'env.dev.main = "src/dev.ts"',
      '',
      '[vars]',
      'GREETING = "a\\"b\\u00e9"',
      '',
      '[env."my env"]',
      'node_compat = true',
      '',
      '[[kv_namespaces]]',
      'binding = "A"',
      '[[kv_namespaces]]',
      'binding = "B"',
      '',
    ].join('\r\n');
    assert.deepEqual(plain(parseToml(text)), {
      name: 'api',
      main: 'src/index.ts',
      compatibility_date: '2024-09-23',
      compatibility_flags: ['nodejs_compat', 'nodejs_als'],
      workers_dev: false,
      site: { bucket: './public', include: ['*.html'] },
      env: { dev: { main: 'src/dev.ts' }, 'my env': { node_compat: true } },
      vars: { GREETING: 'a"bé' },
      kv_namespaces: [{ binding: 'A' }, { binding: 'B' }],
    });
  });

  it('multi-line strings, date-times with a space, nested arrays', () => {
    const t = parseToml('a = """\nx "" y"""\nb = \'\'\'z\'\'\'\nc = 1979-05-27 07:32:00Z\nd = [[1, 2], ["x"]]\n');
    assert.deepEqual(plain(t), { a: 'x "" y', b: 'z', c: '1979-05-27 07:32:00Z', d: [['1', '2'], ['x']] });
  });

  it('a key __proto__ is a key, not a prototype', () => {
    const t = parseToml('[a.__proto__]\npolluted = true\n');
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.deepEqual(Object.keys(t['a'] as object), ['__proto__']);
  });

  it('throws a TomlError on malformed text, and on nesting too deep', () => {
    for (const bad of ['a = ', 'a = "x', '[a', 'a = [1 2]', 'a = 1 b', 'a = "x\ny"', 'a.b = 1\na.b.c = 2']) {
      assert.throws(() => parseToml(bad), TomlError, bad);
    }
    assert.throws(() => parseToml(`a = ${'['.repeat(100)}${']'.repeat(100)}`), /nested too deep/);
  });
});
