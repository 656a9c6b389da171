/** Log view model: JSON / logfmt fields, filter with highlight ranges, log volume by level. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { filterLines, lineFields, logfmtFields, volumeByLevel } from '../../../src/core/logs/view';
import { makeLogLine } from '../../../src/core/logs/model';

describe('log view model', () => {
  it('fields of JSON and logfmt lines; plain text has none', () => {
    assert.deepEqual(lineFields('{"level":"info","status":200,"user":{"id":7}}'), { level: 'info', status: '200', user: '{"id":7}' });
    assert.deepEqual(lineFields('level=warn msg="db \\"slow\\"" took=1.2s empty='), {
      level: 'warn',
      msg: 'db "slow"',
      took: '1.2s',
      empty: '',
    });
    assert.deepEqual(lineFields('GET /cart 200 in 3ms'), {});
    assert.deepEqual(logfmtFields('a=1 then some words'), {});
    assert.deepEqual(lineFields('{not json'), {});
    assert.deepEqual(lineFields(`k=${'v'.repeat(70_000)}`), {});
  });

  it('filter is case-insensitive over the line and label values, with every match range', () => {
    const lines = [
      makeLogLine('3', 'Error: error again', { app: 'shop' }),
      makeLogLine('2', 'fine', { app: 'error-svc' }),
      makeLogLine('1', 'fine', { app: 'x' }),
    ];
    const r = filterLines(lines, 'ERROR');
    assert.deepEqual(
      r.map((x) => [x.line.tsNs, x.highlights]),
      [
        [
          '3',
          [
            [0, 5],
            [7, 12],
          ],
        ],
        ['2', []],
      ],
    );
    assert.equal(filterLines(lines, '').length, 3);
  });

  it('volume histogram: counts per level per bucket; out-of-range lines ignored', () => {
    const lines = [
      makeLogLine('1000', 'level=info a', {}),
      makeLogLine('1999', 'level=error b', {}),
      makeLogLine('2500', 'no level', {}),
      makeLogLine('3000', 'level=info outside', {}),
      makeLogLine('999', 'level=info before', {}),
    ];
    const v = volumeByLevel(lines, '1000', '3000', 2);
    assert.deepEqual(
      v.map((b) => [b.startNs, b.info, b.error, b.unknown]),
      [
        ['1000', 1, 1, 0],
        ['2000', 0, 0, 1],
      ],
    );
    assert.deepEqual(volumeByLevel(lines, '5', '5', 3), []);
  });
});
