/** The prometheus_client behaviour the Python lint rules rely on, checked against the installed library. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

describe('metric lint: Python prometheus_client', () => {
  it('the library really behaves that way (Counter("jobs") exposes jobs_total; "x" and "x_total" collide)', () => {
    const r = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        [
          'from prometheus_client import Counter, CollectorRegistry, generate_latest',
          'r = CollectorRegistry()',
          'Counter("jobs", "d", registry=r).inc()',
          'print(generate_latest(r).decode())',
          'try:',
          '    Counter("jobs_total", "d", registry=r)',
          'except ValueError as e:',
          '    print("DUP", e)',
        ].join('\n'),
      ],
      { encoding: 'utf8' },
    );
    assert.match(r.stdout, /^jobs_total 1\.0$/m);
    assert.match(r.stdout, /^DUP Duplicated timeseries/m);
  });
});
