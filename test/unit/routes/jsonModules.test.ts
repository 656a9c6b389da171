/**
 * A committed JSON file a module loads gives its string values as constants (the express_json_config fixture shows the
 * prefixes); these tests hold the limits: bad JSON, a file outside the workspace and an oversize file give nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JSON_MAX_BYTES, jsonAnalysis } from '../../../src/core/routes/jsonModules';
import { scanWorkspace } from '../../../src/core/routes/workspace';
import { tempDir } from '../../support/tempTree';

test('string values by key path; numbers, arrays, dotted keys and bad JSON give no constants and never throw', () => {
  const fa = jsonAnalysis('/w/config.json', '{"a": "/a", "n": {"b": "/b", "port": 80, "list": ["/x"]}, "x.y": "/dotted"}');
  assert.deepEqual(fa.consts, { a: '/a', 'n.b': '/b' });
  assert.equal(fa.constSrc?.['n.b'], '`n.b` of config.json');
  for (const bad of ['{"a": "/a",}', '', '"/just-a-string"', 'null', '[{"a": "/a"}]'])
    assert.deepEqual(jsonAnalysis('/w/x.json', bad).consts, {});
});

test('an array of objects is a table of rows (their strings); strings, a top-level array and a long array are none', () => {
  const rows = (text: string): unknown => jsonAnalysis('/w/conf.json', text).arrays;
  assert.deepEqual(rows('{"conf": {"resources": [{"category": "item", "n": 3, "attrs": []}, "x", {"label": "w"}]}}'), {
    'conf.resources': [
      { k: 'lit', props: {}, strs: { category: 'item' } },
      { k: 'lit', props: {}, strs: { label: 'w' } },
    ],
  });
  const long = JSON.stringify({ rows: Array.from({ length: 65 }, (_, i) => ({ category: `c${i}` })) });
  for (const none of ['{"names": ["a", "b"]}', '[{"category": "item"}]', long]) assert.equal(rows(none), undefined);
});

test('a JSON file outside the workspace or over the size limit is not read', async () => {
  const top = tempDir('tl-json-');
  try {
    const root = path.join(top, 'app');
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(top, 'outside.json'), '{"prefix": "/outside"}');
    fs.writeFileSync(path.join(root, 'big.json'), JSON.stringify({ prefix: '/big', pad: 'x'.repeat(JSON_MAX_BYTES) }));
    fs.writeFileSync(path.join(root, 'small.json'), '{"prefix": "/small"}');
    const app = [
      "const express = require('express');",
      "const outside = require('../outside.json');",
      "const big = require('./big.json');",
      "const small = require('./small.json');",
      'const app = express();',
      "app.get(outside.prefix + '/a', (req, res) => res.end());",
      "app.get(big.prefix + '/b', (req, res) => res.end());",
      "app.get(small.prefix + '/c', (req, res) => res.end());",
      'app.listen(3000);',
    ];
    fs.writeFileSync(path.join(root, 'app.js'), app.join('\n'));
    const { routes, notes } = await scanWorkspace(root);
    assert.deepEqual(
      routes.map((r) => r.fullPath),
      [null, null, '/small/c'],
    );
    assert.ok(
      notes.some((n) => n.startsWith('big.json: JSON module not read')),
      notes.join('\n'),
    );
  } finally {
    fs.rmSync(top, { recursive: true, force: true });
  }
});
