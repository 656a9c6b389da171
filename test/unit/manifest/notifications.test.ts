/**
 * Notification text is rendered with link syntax (`[x](command:…)` becomes a clickable command), so every
 * message built from values (route paths, backend answers, settings) goes through features/notify.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const src = path.join(__dirname, '../../../src');

test('no notification is built from a template or variable outside notify()', () => {
  const offenders: string[] = [];
  for (const e of fs.readdirSync(src, { recursive: true, withFileTypes: true }) as fs.Dirent[]) {
    if (!e.isFile() || !e.name.endsWith('.ts') || e.name === 'notify.ts') continue;
    const file = path.join(e.parentPath, e.name);
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/show(?:Information|Warning|Error)Message\(\s*([^'\s])/g)) {
      offenders.push(`${path.relative(src, file)}: showXMessage(${m[1]}…`);
    }
  }
  assert.deepEqual(offenders, []);
});
