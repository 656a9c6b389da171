/**
 * The instrumentation fixtures: input sample and the routes we expect in it. Tests plan with the real detector
 * (`detectRoutes`); the hand-built routes are kept as a cross-check of what the detector must find.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planInstrumentFile } from '../../../src/core/instrument/planner';
import { DEFAULT_OPTIONS, type EditPlan } from '../../../src/core/instrument/types';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';
import { FIXTURES, readFixture, route } from './helpers';

export interface Case {
  name: string;
  /** input file, relative to test/fixtures/instrument */
  input: string;
  /** hand-built expectation (methods, fullPath, handler line) */
  routes(text: string, file: string): Route[];
}

export const CASES: Case[] = [
  {
    name: 'fastapi',
    input: 'fastapi/app.py',
    routes: (t, f) => [
      route('fastapi', ['GET'], '/users/{user_id}', t, f, { handlerName: 'get_user' }),
      route('fastapi', ['POST'], '/users', t, f, { handlerName: 'create_user' }),
      route('fastapi', ['GET'], '/health', t, f, { handlerName: 'health' }),
      route('fastapi', ['GET', 'POST'], '/items', t, f, { handlerName: 'items' }),
    ],
  },
  {
    name: 'flask',
    input: 'flask/app.py',
    routes: (t, f) => [
      route('flask', ['GET'], '/items/<int:item_id>', t, f, { handlerName: 'get_item' }),
      route('flask', ['GET', 'POST'], '/items', t, f, { handlerName: 'items' }),
      route('flask', ['GET'], '/ready', t, f, { handlerName: 'ready' }),
    ],
  },
  {
    name: 'express',
    input: 'express/app.ts',
    routes: (t, f) => [
      route('express', ['GET'], '/users/:id', t, f),
      route('express', ['POST'], '/users', t, f),
      route('express', ['GET'], '/health', t, f),
      route('express', ['ALL'], '/echo', t, f, { handlerName: 'echo' }),
      route('express', ['GET'], '/boom', t, f),
    ],
  },
  {
    name: 'express-cjs',
    input: 'express-cjs/app.js',
    routes: (t, f) => [
      route('express', ['GET'], '/users/:id', t, f),
      route('express', ['GET'], '/users', t, f, { handlerAt: 'function listUsers', handlerName: 'listUsers' }),
    ],
  },
  {
    name: 'fastify',
    input: 'fastify/app.ts',
    routes: (t, f) => [
      route('fastify', ['GET'], '/users/:id', t, f),
      route('fastify', ['POST'], '/users', t, f),
      route('fastify', ['GET'], '/ready', t, f),
      route('fastify', ['GET'], '/health', t, f, { handlerAt: 'async handler(', handlerName: 'handler' }),
    ],
  },
  {
    name: 'koa',
    input: 'koa/app.ts',
    routes: (t, f) => [
      route('koa', ['GET'], '/users/:id', t, f),
      { ...route('koa', ['DELETE'], '/users/:id', t, f, { lineAt: 'router.delete' }) },
      route('koa', ['GET'], '/missing', t, f),
    ],
  },
  {
    name: 'hono',
    input: 'hono/app.ts',
    routes: (t, f) => [route('hono', ['GET'], '/users/:id', t, f), route('hono', ['POST'], '/users', t, f)],
  },
  {
    name: 'nestjs',
    input: 'nestjs/users.controller.ts',
    routes: (t, f) => [
      route('nestjs', ['GET'], ':id', t, f, { fullPath: '/users/:id', handlerName: 'findOne' }),
      route('nestjs', ['POST'], '', t, f, { lineAt: '@Post()', fullPath: '/users', handlerName: 'create' }),
    ],
  },
  {
    // sync handlers returning a promise, `@Res()` and `@Redirect()`: observed until the answer is known
    name: 'nestjs-responses',
    input: 'nestjs-responses/cats.controller.ts',
    routes: (t, f) => [
      route('nestjs', ['GET'], ':id', t, f, { fullPath: '/cats/:id', handlerName: 'findOne' }),
      route('nestjs', ['POST'], '', t, f, { lineAt: '@Post()', fullPath: '/cats', handlerName: 'adopt' }),
      route('nestjs', ['GET'], 'teapot/brew', t, f, { fullPath: '/cats/teapot/brew', handlerName: 'brew' }),
      route('nestjs', ['GET'], 'docs/latest', t, f, { fullPath: '/cats/docs/latest', handlerName: 'docs' }),
      route('nestjs', ['GET'], 'docs/version', t, f, { fullPath: '/cats/docs/version', handlerName: 'version' }),
    ],
  },
  {
    name: 'express-promises',
    input: 'express-promises/app.ts',
    routes: (t, f) => [
      route('express', ['GET'], '/orders', t, f),
      route('express', ['GET'], '/orders/:id', t, f),
      route('express', ['GET'], '/ping', t, f),
    ],
  },
];

export function expectedPath(input: string): string {
  return input.replace(/(\.[a-z]+)$/, '.expected$1');
}

/** Routes of one file, from the real detector. */
export async function detect(text: string, file: string): Promise<Route[]> {
  return (await detectRoutes([{ path: file, text }])).filter((r) => r.handlerFile === file);
}

export async function loadCase(c: Case): Promise<{ file: string; text: string; routes: Route[] }> {
  const { file, text } = readFixture(c.input);
  return { file, text, routes: await detect(text, file) };
}

/**
 * The wrapper-style run set-up: the fixture folder copied twice under `base` (`original/` as is, `wrapped/`), and the
 * plan for `entry` in the wrapped copy, with the routes detected over all the copied files (handlers elsewhere).
 */
export async function planWrappedCopy(
  base: string,
  fixture: string,
  entry: string,
  keep: (f: string) => boolean,
): Promise<{ original: string; wrapped: string; file: string; text: string; plan: EditPlan }> {
  const src = path.join(FIXTURES, fixture);
  const files = fs.readdirSync(src).filter((f) => keep(f) && !/\.(expected|wrapped)\./.test(f));
  const original = path.join(base, 'original');
  const wrapped = path.join(base, 'wrapped');
  for (const d of [original, wrapped]) {
    fs.mkdirSync(d, { recursive: true });
    for (const f of files) fs.copyFileSync(path.join(src, f), path.join(d, f));
  }
  const file = path.join(wrapped, entry);
  const all = await detectRoutes(files.map((f) => ({ path: path.join(wrapped, f), text: fs.readFileSync(path.join(wrapped, f), 'utf8') })));
  const text = fs.readFileSync(file, 'utf8');
  const plan = await planInstrumentFile(
    text,
    file,
    all.filter((r) => r.file === file),
    ['counter', 'histogram', 'span'],
    DEFAULT_OPTIONS,
  );
  assert.equal(plan.refused, undefined, plan.refused);
  assert.doesNotMatch(plan.summary, /skipped/);
  return { original, wrapped, file, text, plan };
}
