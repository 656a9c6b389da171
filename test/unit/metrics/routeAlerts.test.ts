/** Firing alerts matched to routes by their route label, without Prometheus. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routeAlerts } from '../../../src/core/metrics/alerts';
import type { HttpMethod, Route } from '../../../src/core/routes/types';

function route(methods: HttpMethod[], path: string, line: number): Route {
  const range = { start: { line, column: 0 }, end: { line, column: 10 } };
  return {
    framework: 'flask',
    methods,
    path,
    fullPath: path,
    file: '/app.py',
    line,
    range,
    handlerFile: '/app.py',
    handlerLine: line,
    handlerName: null,
  };
}

test("an alert grouped by prometheus-flask-exporter's url_rule (group_by='url_rule') lands on its route", () => {
  const user = route(['GET'], '/users/<int:user_id>', 3);
  const health = route(['GET'], '/health', 4);
  const services = [{ id: 'api', selector: 'job="flask"', routes: [user, health] }];
  const alert = (labels: Record<string, string>) => ({
    labels: { alertname: 'HighErrorRate', job: 'flask', ...labels },
    annotations: {},
    state: 'firing',
  });
  assert.deepEqual(
    routeAlerts([alert({ url_rule: '/users/<int:user_id>' })], services).map((a) => a.route),
    [user],
  );
  // the default group_by='path': a raw URL, matched by pattern
  assert.deepEqual(
    routeAlerts([alert({ path: '/users/42' })], services).map((a) => a.route),
    [user],
  );
  assert.deepEqual(routeAlerts([alert({ job: 'other', url_rule: '/health' })], services), []);
});
