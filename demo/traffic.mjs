#!/usr/bin/env node
// Bounded traffic generator for the Telemetry Lens demo: a fixed, modest request rate against the
// two demo services, loopback only. Stops on SIGINT/SIGTERM, after --duration seconds, or when the
// process that started it goes away.
//
//   node demo/traffic.mjs [--python http://127.0.0.1:8000] [--node http://127.0.0.1:3000]
//                         [--rps 8] [--duration 0] [--quiet]
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    python: { type: 'string', default: process.env.DEMO_PYTHON_URL ?? 'http://127.0.0.1:8000' },
    node: { type: 'string', default: process.env.DEMO_NODE_URL ?? 'http://127.0.0.1:3000' },
    rps: { type: 'string', default: process.env.DEMO_TRAFFIC_RPS ?? '8' },
    duration: { type: 'string', default: '0' },
    quiet: { type: 'boolean', default: false },
  },
});

const MAX_RPS = 20;
const MAX_IN_FLIGHT = 16;
const TIMEOUT_MS = 5000;

const rps = Number(opts.rps);
if (!(rps > 0 && rps <= MAX_RPS)) fail(`--rps must be in (0, ${MAX_RPS}], got ${opts.rps}`);
const bases = { python: loopback(opts.python), node: loopback(opts.node) };

function fail(msg) {
  console.error(`traffic: ${msg}`);
  process.exit(2);
}
function loopback(url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    fail(`not a URL: ${url}`);
  }
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) fail(`refusing to send traffic to ${u.hostname}: loopback only`);
  return u.origin;
}

const int = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
const json = (body) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

// [weight, service, () => [path, init?]]
const MIX = [
  [3, 'python', () => [pick(['/api/orders', '/api/orders?limit=10', '/api/orders?customer=customer-3'])]],
  [3, 'python', () => [`/api/orders/${Math.random() < 0.1 ? int(900, 999) : int(1, 20)}`]],
  [2, 'python', () => ['/api/orders', json(Math.random() < 0.05 ? { customer: '' } : { customer: `customer-${int(1, 20)}`, items: ['widget', 'gadget'].slice(0, int(1, 2)), total: int(5, 120) })]],
  [1, 'python', () => [`/api/orders/${int(1, 40)}/cancel`, { method: 'POST' }]],
  [2, 'node', () => [pick(['/api/products', '/api/products?limit=5'])]],
  [3, 'node', () => [`/api/products/search?q=${pick(['tools', 'garden', 'product 1', 'hammer'])}`]],
  [3, 'node', () => [`/api/products/${Math.random() < 0.1 ? int(900, 999) : int(1, 30)}`]],
  [2, 'node', () => [`/api/products/${int(1, 30)}/inventory`]],
  [1, 'node', () => ['/api/products', json(Math.random() < 0.1 ? { name: '' } : { name: `Item ${int(1, 1e6)}`, price: int(1, 99) })]],
  [0.3, 'node', () => [pick(['/api/nope', '/api/products/1/reviews'])]],
];
const totalWeight = MIX.reduce((s, [w]) => s + w, 0);
function nextRequest() {
  let r = Math.random() * totalWeight;
  for (const [w, service, make] of MIX) {
    if ((r -= w) <= 0) return [service, ...make()];
  }
  return ['node', '/api/products'];
}

const stats = { sent: 0, skipped: 0, errors: 0, byStatus: {} };
let inFlight = 0;

async function fire() {
  if (inFlight >= MAX_IN_FLIGHT) {
    stats.skipped++;
    return;
  }
  const [service, path, init = {}] = nextRequest();
  inFlight++;
  stats.sent++;
  try {
    const res = await fetch(bases[service] + path, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    await res.arrayBuffer();
    const cls = `${service} ${String(res.status)[0]}xx`;
    stats.byStatus[cls] = (stats.byStatus[cls] ?? 0) + 1;
  } catch {
    stats.errors++; // service restarting or stopped: keep the rate, don't retry
  } finally {
    inFlight--;
  }
}

const timers = [setInterval(fire, 1000 / rps)];
if (!opts.quiet) {
  console.log(`traffic: ${rps} req/s to ${bases.python} and ${bases.node} (max ${MAX_IN_FLIGHT} in flight)`);
  timers.push(setInterval(() => console.log(`traffic: ${JSON.stringify(stats)}`), 30_000));
}
const parent = process.ppid;
timers.push(
  setInterval(() => {
    if (process.ppid !== parent) stop('parent exited');
  }, 1000),
);
const duration = Number(opts.duration);
if (duration > 0) timers.push(setTimeout(() => stop(`${duration}s elapsed`), duration * 1000));

function stop(reason) {
  for (const t of timers) clearInterval(t);
  if (!opts.quiet) console.log(`traffic: stopping (${reason}) ${JSON.stringify(stats)}`);
  process.exit(0);
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
