/**
 * The incremental DocumentAnalyzer after edits whose effect reaches other statements: a binding used by routes far
 * away, statements split and merged, identical statements around an edit, a class body (NestJS controller, settings
 * class): every result equals a fresh analyzeFile, and the routes a user sees change as the edit says. Behaviour
 * only: no timing assertions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadParsers, type ParserSet } from '../../../src/core/parsing/treeSitter';
import { analyzeFile, resolveRoutes } from '../../../src/core/routes/detector';
import { DocumentAnalyzer, type ContentChange } from '../../../src/core/routes/incremental';
import { routeTemplate } from '../../../src/core/routes/route';
import { apply, replace } from './edits';

let parsers: ParserSet;
test.before(async () => {
  parsers = await loadParsers();
});

/** The routes of one file as `METHODS template`, sorted. */
function routesOf(file: string, text: string): string[] {
  return resolveRoutes([analyzeFile(parsers, file, text)])
    .map((r) => `${r.methods.join(',')} ${routeTemplate(r)}`)
    .sort();
}

/**
 * Applies each edit through one DocumentAnalyzer (alternately `update` and `updateSliced`); after each, the result
 * must equal a fresh analysis and the edit must have been incremental. Returns the routes after every edit.
 */
async function check(file: string, text: string, steps: ((text: string) => ContentChange)[]): Promise<string[][]> {
  const doc = new DocumentAnalyzer(parsers, file);
  const seen = [routesOf(file, text)];
  try {
    assert.deepEqual(doc.update(text), analyzeFile(parsers, file, text));
    for (const [i, step] of steps.entries()) {
      const changes = [step(text)];
      text = apply(text, changes);
      const got = i % 2 ? await doc.updateSliced(text, changes, { sliceMs: 0 }) : doc.update(text, changes);
      assert.deepEqual(got, analyzeFile(parsers, file, text), `after ${JSON.stringify(changes)}`);
      assert.equal(doc.lastStats.mode, 'incremental');
      seen.push(routesOf(file, text));
    }
    return seen;
  } finally {
    doc.dispose();
  }
}

const pyRoutes = (n: number): string =>
  Array.from({ length: n }, (_, i) => `@router.get("/r${i}")\ndef r${i}():\n    return ${i}\n\n`).join('\n');

test('links: editing the router a distant statement registers on changes those routes (prefix, then the name)', async () => {
  const file = '/p/app.py';
  const text = `from fastapi import APIRouter, FastAPI\n\nrouter = APIRouter(prefix="/api")\n\n${pyRoutes(30)}app = FastAPI()\napp.include_router(router)\n`;
  const seen = await check(file, text, [
    (t) => replace(t, '"/api"', '"/v2"'),
    // the routes' owner is no longer bound: no FastAPI route is known any more
    (t) => replace(t, 'router = APIRouter', 'other = APIRouter'),
    (t) => replace(t, 'other = APIRouter', 'router = APIRouter'),
  ]);
  assert.ok(seen[0]!.includes('GET /api/r25'));
  assert.ok(seen[1]!.includes('GET /v2/r25') && !seen[1]!.includes('GET /api/r25'));
  assert.ok(!seen[2]!.includes('GET /v2/r25'), seen[2]!.join(', '));
  assert.deepEqual(seen[3], seen[1]);
});

test('links: a constant used as a path far below, edited and removed (JS)', async () => {
  const file = '/p/app.ts';
  const uses = Array.from({ length: 25 }, (_, i) => `router.get(BASE + '/u${i}', (req, res) => res.send('${i}'));\n`).join('');
  const text = `import express from 'express';\nconst BASE = '/users';\nconst app = express();\nconst router = express.Router();\n${uses}app.use('/api', router);\n`;
  const seen = await check(file, text, [(t) => replace(t, "'/users'", "'/people'"), (t) => replace(t, "const BASE = '/people';\n", '')]);
  assert.ok(seen[0]!.includes('GET /api/users/u20'));
  assert.ok(seen[1]!.includes('GET /api/people/u20') && !seen[1]!.includes('GET /api/users/u20'));
  assert.ok(!seen[2]!.some((r) => r.includes('/people/')), seen[2]!.join(', '));
});

test('links: statements split and merged (a decorator moved to another function, declarations joined)', async () => {
  const py = '/p/app.py';
  const text = `from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/api")\n\n${pyRoutes(12)}`;
  const seen = await check(py, text, [
    // a function written between a decorator and its function splits the statement: the decorator moves to it
    (t) => replace(t, '@router.get("/r5")\n', '@router.get("/r5")\ndef moved():\n    return 0\n\n\n'),
    (t) => replace(t, 'def moved():\n    return 0\n\n\n', ''),
  ]);
  assert.deepEqual(seen[2], seen[0]);
  const js = '/p/app.js';
  const jsText = `const express = require('express');\nconst app = express();\nconst A = '/a';\nconst B = '/b';\napp.get(A, (req, res) => res.end());\napp.get(B, (req, res) => res.end());\n`;
  const jsSeen = await check(js, jsText, [(t) => replace(t, "';\nconst B", "', B"), (t) => replace(t, "', B", "';\nconst B")]);
  assert.deepEqual(jsSeen[0], ['GET /a', 'GET /b']);
  assert.deepEqual(jsSeen[1], jsSeen[0], 'one declaration of both constants gives the same routes');
  assert.deepEqual(jsSeen[2], jsSeen[0]);
});

test('links: identical statements around an edit keep equal results (the statements after it are parsed again)', async () => {
  const file = '/p/app.py';
  const same = '@router.get("/same")\ndef same():\n    return 1\n\n\n';
  const text = `from fastapi import APIRouter\n\nrouter = APIRouter()\n\n${same.repeat(6)}${pyRoutes(6)}`;
  await check(file, text, [
    (t) => replace(t, 'router = APIRouter()', 'router = APIRouter(prefix="/x")'),
    (t) => replace(t, same, ''),
    (t) => ({ rangeOffset: t.indexOf(same), rangeLength: 0, text: same + same }),
    (t) => replace(t, '"/same"', '"/other"', t.indexOf(same, t.indexOf(same) + 1)),
  ]);
});

test('links: edits inside a class body (NestJS controller path and method, settings class constant)', async () => {
  const nest = '/p/users.controller.ts';
  const text = [
    "import { Controller, Get, Post, Param } from '@nestjs/common';",
    '',
    "@Controller('users')",
    'export class UsersController {',
    "  @Get(':id')",
    "  findOne(@Param('id') id: string) { return id; }",
    '',
    '  @Post()',
    '  create() { return 1; }',
    '}',
    '',
  ].join('\n');
  const seen = await check(nest, text, [
    (t) => replace(t, "@Get(':id')", "@Get(':id/profile')"),
    (t) => replace(t, "@Controller('users')", "@Controller('people')"),
    (t) => replace(t, '  @Post()\n', ''),
  ]);
  assert.deepEqual(seen[0], ['GET /users/:id', 'POST /users']);
  assert.deepEqual(seen[1], ['GET /users/:id/profile', 'POST /users']);
  assert.deepEqual(seen[2], ['GET /people/:id/profile', 'POST /people']);
  assert.deepEqual(seen[3], ['GET /people/:id/profile']);
  const py = '/p/main.py';
  const settings = [
    'from fastapi import APIRouter, FastAPI',
    'from pydantic_settings import BaseSettings',
    '',
    'class Settings(BaseSettings):',
    '    API_V1_STR: str = "/api/v1"',
    '',
    'settings = Settings()',
    'router = APIRouter()',
    '',
    pyRoutes(8),
    'app = FastAPI()',
    'app.include_router(router, prefix=settings.API_V1_STR)',
    '',
  ].join('\n');
  const pySeen = await check(py, settings, [(t) => replace(t, '"/api/v1"', '"/api/v2"')]);
  assert.ok(pySeen[0]!.includes('GET /api/v1/r3'), pySeen[0]!.join(', '));
  assert.ok(pySeen[1]!.includes('GET /api/v2/r3'), pySeen[1]!.join(', '));
});
