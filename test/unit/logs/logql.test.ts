/** LogQL checked before sending (Grafana's grammar) and the label / value completion model of the query box. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { completionContext, completionItems, validateLogql } from '../../../src/core/logs/logql';

/** The underlined text of each problem, with its message. */
const problems = (q: string) => validateLogql(q).map((p) => [q.slice(p.from, p.to), p.message]);

describe('validateLogql', () => {
  it('accepts log and metric queries, pipelines, parsers, label filters, raw strings', () => {
    for (const q of [
      '{app="shop"}',
      '{app="shop", env=~"prod|staging"} |= "error" != "timeout"',
      '{app="shop"} | json | level="error" | line_format "{{.msg}}"',
      '{app="shop"} | logfmt | duration > 10s',
      'sum by (level) (count_over_time({app="shop"} |~ `(?i)fail` [5m]))',
      'rate({app="shop"}[1m])',
      '{app="shop"} | trace_id="4bf92f3577b34da6a3ce929d0e0e4736"',
    ]) {
      assert.deepEqual(validateLogql(q), [], q);
    }
  });

  it('flags the place and says what is wrong', () => {
    assert.deepEqual(problems(''), [['', 'empty query — start with a stream selector like {app="shop"}']]);
    assert.deepEqual(problems('{app="shop"'), [['"', 'expected "}" or ","']]);
    assert.deepEqual(problems('{app=}'), [['}', 'expected a quoted string']]);
    assert.deepEqual(problems('{app="shop"} |= '), [[' ', 'expected a quoted string']]);
    assert.equal(problems('app="shop"')[0]![1], 'expected "{" (a stream selector like {app="shop"})');
    const bad = validateLogql('{app="shop"} | jsn');
    assert.ok(bad.length > 0);
    for (const p of bad) assert.ok(p.to > p.from && p.to <= '{app="shop"} | jsn'.length);
  });

  it('a selector whose matchers all match an empty value is flagged (Loki refuses it)', () => {
    const msg = 'Loki needs at least one = or =~ matcher that does not match an empty value';
    assert.deepEqual(problems('{app=""}'), [['{app=""}', msg]]);
    assert.deepEqual(problems('{app=~".*"} |= "x"'), [['{app=~".*"}', msg]]);
    assert.deepEqual(problems('{app!="x", env=""}'), [['{app!="x", env=""}', msg]]);
    assert.deepEqual(validateLogql('{app!="x", env="prod"}'), []);
    assert.deepEqual(validateLogql('{app=~".+"}'), []);
  });
});

describe('completion model', () => {
  it('label names after { or a comma, values after = and =~, nothing outside a selector', () => {
    assert.deepEqual(completionContext('{', 1), { kind: 'label-name', prefix: '', from: 1 });
    assert.deepEqual(completionContext('{app="x", se', 12), { kind: 'label-name', prefix: 'se', from: 10 });
    assert.deepEqual(completionContext('{app="sh', 8), {
      kind: 'label-value',
      label: 'app',
      regex: false,
      prefix: 'sh',
      from: 5,
      quoted: true,
    });
    assert.deepEqual(completionContext('{app=~', 6), {
      kind: 'label-value',
      label: 'app',
      regex: true,
      prefix: '',
      from: 6,
      quoted: false,
    });
    assert.deepEqual(completionContext('{app="x"} |= "{a', 16), { kind: 'none' });
    assert.deepEqual(completionContext('{app="x"} | json', 16), { kind: 'none' });
    assert.deepEqual(completionContext('{app="a,b", e', 13), { kind: 'label-name', prefix: 'e', from: 12 });
  });

  it('items are filtered by prefix; values are quoted and, after =~, regex-escaped', () => {
    const names = ['app', 'service_name', 'env', 'bad-name'];
    assert.deepEqual(
      completionItems(completionContext('{s', 2), names, []).map((i) => i.insert),
      ['service_name'],
    );
    const values = ['shop', 'shop.v2', 'say "hi"', 'other'];
    assert.deepEqual(
      completionItems(completionContext('{app="s', 7), [], values).map((i) => i.insert),
      ['"shop"', '"shop.v2"', '"say \\"hi\\""'],
    );
    assert.deepEqual(
      completionItems(completionContext('{app=~shop', 10), [], values).map((i) => i.insert),
      [],
    );
    assert.deepEqual(
      completionItems(completionContext('{app=~', 6), [], ['shop.v2']).map((i) => i.insert),
      ['"shop\\\\.v2"'],
    );
  });
});
