/** The CLI never passes terminal escape sequences from scanned code or a backend to the terminal (issue 11, finding 13). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { tempDir } from '../../support/tempTree';

test('route paths with escape sequences are printed without control characters', async () => {
  const d = tempDir('tl-cli-ctl-');
  fs.writeFileSync(
    path.join(d, 'app.js'),
    "const express = require('express');\nconst app = express();\napp.get('/x\u001b]0;owned\u0007\u001b[2J', (req, res) => res.end());\n",
  );
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['routes', d], { out: (s) => out.push(s), err: (s) => err.push(s), cwd: d });
  assert.equal(code, 0);
  const text = out.join('\n');
  assert.match(text, /\/x\]0;owned\[2J/);
  assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(text + err.join('')), JSON.stringify(text));
});
