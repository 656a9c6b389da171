/**
 * Cloudflare Workers: a service Wrangler deploys as a Worker gets no Instrument Route and no app setup. prom-client
 * needs Node.js APIs (`wrangler deploy` / `wrangler dev` cannot bundle it without `nodejs_compat`), and even with them a
 * Worker's isolates keep no process-wide registry: a `/metrics` endpoint would report what one isolate saw. The planner
 * refuses such a file before writing anything (no edit, no helper module, no setup file) and says what to do instead.
 *
 * A file is a Worker's when the nearest wrangler config at or above it (wrangler.json, wrangler.jsonc, wrangler.toml:
 * Wrangler's own order in one folder) whose `main` (top level or of an `env`) resolves inside the file's service has
 * one. The service is the nearest folder holding a manifest (package.json, pyproject.toml, …), else the config's own
 * folder: in a monorepo, a config naming another package's entry leaves this one alone. Pages Functions are Workers
 * too: a file under the service's `functions/` folder when the service deploys with Pages (its wrangler config has
 * `pages_build_output_dir`, or a package.json script runs `wrangler pages …`). Code idioms alone
 * (`export default { fetch }`) are not enough. Bounded: folders up to `root` (the workspace folder / the scanned
 * project) when the file is in it, else up to a folder holding `.git`, at most 16 levels; configs of at most
 * MAX_CONFIG bytes. Pure apart from reading those files; never throws.
 */
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { readSmallFile } from '../smallFile';
import { readJsoncObject } from '../tsconfigChain';
import { inertText } from '../untrusted';
import { exists, foldersUp, serviceFolder } from './manifests';

export const WRANGLER_CONFIGS = ['wrangler.json', 'wrangler.jsonc', 'wrangler.toml'];
const MAX_CONFIG = 256 * 1024;
const MAX_ENVS = 100;
/** Flags that give a Worker Node.js's APIs (`nodejs_als` brings AsyncLocalStorage only). */
const NODE_FLAGS = new Set(['nodejs_compat', 'nodejs_compat_v2']);

/** What a Worker's wrangler config says: the config, the `main` inside the service, and whether Node.js APIs are on. */
export interface WorkerService {
  /** the config's path, relative to the service folder ('/'-separated): a wrangler config, or package.json for Pages */
  config: string;
  /** `main` as the config writes it; `functions/` for Pages Functions */
  main: string;
  /** Pages Functions (the routes are files under `functions/`), not a Worker's `main` */
  pages?: true;
  /** `compatibility_flags` with nodejs_compat(_v2), or the legacy `node_compat = true`, at the top or in an `env` */
  nodeCompat: boolean;
}

/** A wrangler config as data (JSON with comments, or TOML); undefined when missing, too large or unreadable. */
async function readConfig(file: string): Promise<Record<string, unknown> | undefined> {
  if (file.endsWith('.toml')) {
    const text = await readSmallFile(file, MAX_CONFIG);
    try {
      return text === undefined ? undefined : parseToml(text);
    } catch {
      return undefined; // not TOML: it says nothing that can be read
    }
  }
  const json = await readJsoncObject(file, MAX_CONFIG);
  return typeof json === 'object' ? json : undefined;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The top level and each environment of a config (`env.<name>` may set its own `main` and flags). */
function levels(config: Record<string, unknown>): Record<string, unknown>[] {
  const envs = record(config['env']);
  const out = [config];
  for (const v of Object.values(envs ?? {}).slice(0, MAX_ENVS)) {
    const env = record(v);
    if (env) out.push(env);
  }
  return out;
}

function nodeCompatOf(level: Record<string, unknown>): boolean {
  const flags = level['compatibility_flags'];
  return level['node_compat'] === true || (Array.isArray(flags) && flags.some((f) => typeof f === 'string' && NODE_FLAGS.has(f)));
}

function inside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The Cloudflare Worker `file` belongs to, or undefined when it belongs to none (see the module comment). */
export async function workerServiceOf(file: string, root?: string): Promise<WorkerService | undefined> {
  const folders = await foldersUp(file, root);
  const service = await serviceFolder(folders);
  for (const d of folders) {
    const config = await configIn(d);
    if (!config) continue;
    const data = await readConfig(config);
    if (!data) continue;
    const home = service ?? d;
    const all = levels(data);
    const main = all
      .map((l) => l['main'])
      .find((m): m is string => typeof m === 'string' && m.trim() !== '' && inside(home, path.resolve(d, m.trim())));
    if (main === undefined) continue;
    return {
      config: path.relative(home, config).split(path.sep).join('/'),
      main: main.trim(),
      nodeCompat: all.some(nodeCompatOf),
    };
  }
  return service && inside(path.join(service, 'functions'), path.resolve(file)) ? pagesServiceOf(service) : undefined;
}

/** The wrangler config Wrangler reads in `dir`: the first of WRANGLER_CONFIGS there, whatever the others say. */
async function configIn(dir: string): Promise<string | undefined> {
  for (const name of WRANGLER_CONFIGS) if (await exists(path.join(dir, name))) return path.join(dir, name);
  return undefined;
}

/** The service folder's Pages project: a wrangler config with `pages_build_output_dir`, or a `wrangler pages` script. */
async function pagesServiceOf(service: string): Promise<WorkerService | undefined> {
  const config = await configIn(service);
  const data = config && (await readConfig(config));
  if (data && typeof data['pages_build_output_dir'] === 'string') {
    return { config: path.basename(config!), main: 'functions/', nodeCompat: levels(data).some(nodeCompatOf), pages: true };
  }
  const pkg = await readJsoncObject(path.join(service, 'package.json'), MAX_CONFIG);
  const scripts = typeof pkg === 'object' ? record(pkg['scripts']) : undefined;
  const pages = Object.values(scripts ?? {}).filter((v): v is string => typeof v === 'string' && /\bwrangler\s+pages\b/.test(v));
  if (!pages.length) return undefined;
  const nodeCompat = pages.some((v) => /\bnodejs_compat(?:_v2)?\b/.test(v));
  return { config: 'package.json', main: 'functions/', nodeCompat, pages: true };
}

/**
 * Why `file` cannot be instrumented (`metrics`: Instrument Route, the /metrics endpoint) or set up for tracing
 * (`tracing`: the OpenTelemetry SDK setup file) as written for a server process; undefined when it is no Worker's.
 * The config's path and `main` are shown inert (one line, no control characters, no link syntax, bounded).
 */
export async function workersRefusal(
  file: string,
  o: { python: boolean; action: 'metrics' | 'tracing'; root?: string | undefined },
): Promise<string | undefined> {
  const w = await workerServiceOf(file, o.root);
  if (!w) return undefined;
  const runs = w.pages
    ? `this service is a Cloudflare Pages Functions project (${inertText(w.config, 40)} deploys with Pages; routes in functions/)`
    : `this service is a Cloudflare Worker (${inertText(w.config, 40)}, main = ${inertText(w.main, 40)})`;
  const otlp = 'over OTLP (an OpenTelemetry SDK for Workers)';
  const deployment = `its ${o.python ? 'ASGI/WSGI server' : 'Node.js'} deployment`;
  if (o.action === 'tracing') {
    const sdk = o.python
      ? 'the tracing setup is written for a long-running Python server'
      : 'the tracing setup starts the OpenTelemetry NodeSDK, which needs Node.js';
    return `${runs}: ${sdk}; export traces ${otlp} or set up tracing in ${deployment}`;
  }
  const why =
    o.python || w.nodeCompat
      ? 'Worker isolates share no registry for Prometheus to scrape (each counts only its own requests)'
      : 'prom-client needs Node.js and Worker isolates share no registry for Prometheus to scrape';
  return `${runs}: ${why}; export metrics and traces ${otlp} or instrument ${deployment}`;
}
