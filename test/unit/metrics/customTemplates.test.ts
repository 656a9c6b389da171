/** `custom` convention templates and span names with hostile route paths (issue 11, finding 9). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fillTemplate, getConvention, isPromDuration, routeQueries } from '../../../src/core/metrics/conventions';
import { spanName } from '../../../src/core/instrument/common';
import { DEFAULT_OPTIONS } from '../../../src/core/instrument/types';
import type { Route } from '../../../src/core/routes/types';

function route(path: string): Route {
  const range = { start: { line: 3, column: 0 }, end: { line: 3, column: 10 } };
  return {
    framework: 'express',
    methods: ['GET'],
    path,
    fullPath: path,
    file: '/app.ts',
    line: 3,
    range,
    handlerFile: '/app.ts',
    handlerLine: 3,
    handlerName: null,
  };
}

const values = { route: '/a', method: 'GET', service: 'job="api"', window: '5m', quantile: '0.99' };

describe('custom PromQL templates', () => {
  it('replacement patterns and placeholders inside a route value stay literal', () => {
    const conv = getConvention({ name: 'custom', custom: { rate: 'sum(rate(x{$service, path="$route", verb=~"$method"}[$window]))' } });
    const q = routeQueries(conv, 'job="api"', { label: 'path', values: ["/p/$&/$`/$'/$method/$service"], methods: ['GET'] }, '5m');
    assert.equal(q.rate, 'sum(rate(x{job="api", path="/p/$&/$`/$\'/$method/$service", verb=~"GET"}[5m]))');
  });

  it('a route value cannot leave its string: quotes and backslashes escaped; regex-escaped after =~', () => {
    const hostile = { ...values, route: '/x"} or vector(1) or x{y="\\' };
    assert.equal(fillTemplate('x{path="$route"}', hostile), 'x{path="/x\\"} or vector(1) or x{y=\\"\\\\"}');
    assert.equal(fillTemplate('x{path=~"$route.*"}', { ...values, route: '/users/{id}' }), 'x{path=~"/users/\\\\{id\\\\}.*"}');
    assert.equal(fillTemplate('x{path!~ "$route"}', { ...values, route: '/a.b' }), 'x{path!~ "/a\\\\.b"}');
    assert.equal(
      fillTemplate('label_replace(x, "r", $route, "", "")', values),
      'label_replace(x, "r", "/a", "", "")',
      'outside a string: a quoted string',
    );
    assert.equal(fillTemplate('x{a="\\"$route"}', values), 'x{a="\\"/a"}', 'an escaped quote does not end the string');
  });

  it('windows are PromQL durations only', () => {
    for (const ok of ['5m', '1h30m', '90s', '250ms']) assert.ok(isPromDuration(ok), ok);
    for (const bad of ['', '5', '5m]) or vector(1) #', '1h ', 'm5', '5m'.repeat(20)]) assert.equal(isPromDuration(bad), false, bad);
  });
});

describe('span names', () => {
  it('`$&` and `{method}` inside a route path are not expanded', () => {
    assert.equal(spanName({ ...DEFAULT_OPTIONS, spanNameTemplate: '{method} {route}' }, route('/a/$&/{method}')), 'GET /a/$&/{method}');
  });
});
