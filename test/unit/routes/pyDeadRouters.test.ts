/**
 * A Python router no include reaches, in a module the app imports for other names, is never served: its routes are
 * dropped when the analysis reads every load and include of the project (./pyDeadCode), kept with the reason otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.methods.join(',')} ${r.fullPath ?? `null(${r.path})`} ${r.file.slice(3)}`;

const router = (path: string, head = ''): string =>
  `${head}from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("${path}")\ndef page():\n    return {}\n`;

// the service runs as `uvicorn main:app` from the root; config/ has no __init__.py
const MAIN = {
  path: '/p/main.py',
  text: 'from fastapi import FastAPI\nfrom config.index import settings\nfrom routes import tickets\n\napp = FastAPI()\napp.include_router(tickets.router, prefix="/api")\n',
};
const CONFIG = { path: '/p/config/index.py', text: router('/health', 'settings = {}\n') };
const ROUTES_PKG = { path: '/p/routes/__init__.py', text: '' };
const TICKETS = { path: '/p/routes/tickets.py', text: router('/tickets') };
const LIVE = ['GET /api/tickets routes/tickets.py'];

test('a router defined in a module main imports for other names, never included: its routes are not served', async () => {
  assert.deepEqual((await detectRoutes([MAIN, CONFIG, ROUTES_PKG, TICKETS])).map(brief), LIVE);
});

test('a router module nothing imports, beside an app in a folder without __init__.py imported by its dotted name', async () => {
  // support-mate's layout: the app is made in config/socketio.py, which server.py imports as config.socketio; the root is
  // where routes/chat.py would be imported from, and nothing imports it
  const server = { path: '/p/server.py', text: 'from config.socketio import app\n' };
  const socketio = {
    path: '/p/config/socketio.py',
    text: 'from fastapi import FastAPI\nfrom routes import tickets\n\napp = FastAPI()\napp.include_router(tickets.router, prefix="/api")\n',
  };
  const chat = { path: '/p/routes/chat.py', text: router('/chat') };
  assert.deepEqual((await detectRoutes([server, socketio, ROUTES_PKG, TICKETS, chat])).map(brief), LIVE);
});

test('an include the analysis cannot read keeps a never-included router, and says where it is', async () => {
  const cases: Record<string, string> = {
    'a loop over what a function returns': 'for r in discover():\n    app.include_router(r)\n',
    'getattr of a module': 'import importlib\napp.include_router(getattr(importlib.import_module(NAME), "router"))\n',
    'what a project function returns': 'def make():\n    return build()\n\napp.include_router(make())\n',
  };
  for (const [what, text] of Object.entries(cases)) {
    const main = { ...MAIN, text: MAIN.text + text };
    const routes = await detectRoutes([main, CONFIG, ROUTES_PKG, TICKETS]);
    assert.deepEqual(routes.map(brief), ['GET null(/health) config/index.py', ...LIVE], what);
    assert.match(routes[0]!.fullPathReason ?? '', /never mounted\/registered .*main\.py:\d+/, what);
  }
});

test('a library router or a static files mount is no reason for doubt', async () => {
  const text =
    'from fastapi.staticfiles import StaticFiles\nfrom fastapi_users import users\napp.mount("/static", StaticFiles(directory="static"))\napp.include_router(users.get_auth_router())\n';
  const main = { ...MAIN, text: MAIN.text + text };
  assert.deepEqual((await detectRoutes([main, CONFIG, ROUTES_PKG, TICKETS])).map(brief), LIVE);
});
