/**
 * A handler using a tagged template with type arguments (`` sql<User[]>`…` ``, postgres.js / slonik): valid
 * TypeScript that tree-sitter misparses with a syntax error. The parse used for planning blanks those type arguments
 * (same offsets), so the handler is instrumented, its code unchanged; a real syntax error is still refused.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { applyEdits, planInstrumentFile, validateResult } from '../../../src/core/instrument/planner';
import { withTree } from '../../../src/core/parsing/treeSitter';
import { OPTS, route } from '../../support/instrument/helpers';

const T = '/tmp/proj/users.ts';
const ALL = ['counter', 'histogram', 'span'] as const;

const src = [
  "import express from 'express';",
  "import postgres from 'postgres';",
  '',
  'interface User { id: number; name: string }',
  'const sql = postgres();',
  'const app = express();',
  '',
  "app.get('/users', async (req, res) => {",
  '  const users = await sql<User[]>`select * from users`;',
  '  res.json(users);',
  '});',
  '',
  "app.get('/users/:id', async (req, res) => {",
  '  const [user] = await sql<Array<{ id: number }>>`select * from users where id = ${req.params.id}`;',
  '  res.json(user);',
  '});',
  '',
].join('\n');

describe('tagged templates with type arguments', () => {
  it('parse without errors, the type arguments blanked at the same offsets', async () => {
    const r = await withTree(src, T, (root) => ({ error: root.hasError, text: root.text }));
    assert.equal(r?.error, false);
    assert.equal(r?.text.length, src.length);
    assert.match(r?.text ?? '', /await sql {8}`select \* from users`/);
    // a file with a real syntax error keeps its own parse (errors and all)
    const bad = src.replace('res.json(users);', 'res.json(users;');
    assert.equal(await withTree(bad, T, (root) => root.hasError && root.text === bad), true);
  });

  it('a handler using one is instrumented inline, its code as it was', async () => {
    const routes = [route('express', ['GET'], '/users', src, T), route('express', ['GET'], '/users/:id', src, T)];
    const plan = await planInstrumentFile(src, T, routes, [...ALL], OPTS);
    assert.equal(plan.refused, undefined, plan.refused);
    const out = applyEdits(src, plan.edits);
    assert.equal(out.match(/startActiveSpan/g)?.length, 2);
    assert.match(out, /\n {6}const users = await sql<User\[\]>`select \* from users`;\n/);
    assert.match(out, /await sql<Array<\{ id: number \}>>`select \* from users where id = \$\{req\.params\.id\}`;/);
    assert.equal(await validateResult(src, out, T), undefined);
  });

  it('a handler with a real syntax error is still refused with the reason', async () => {
    const bad = src.replace('res.json(users);', 'res.json(users;');
    const routes = [route('express', ['GET'], '/users', bad, T), route('express', ['GET'], '/users/:id', bad, T)];
    const plan = await planInstrumentFile(bad, T, routes, [...ALL], OPTS);
    assert.match(plan.summary, /GET \/users: the handler has syntax errors; fix them first/);
  });
});
