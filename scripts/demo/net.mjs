// Port selection and bounded HTTP polling for the demo orchestrator (loopback only).
import { createServer } from 'node:net';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function portFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

export class PortError extends Error {}

/**
 * The port for one component: $envVar if set (must be free), else the default, else the next free
 * one above it (so two demo runs, or a demo next to another Prometheus, can coexist).
 * @param {{name: string, envVar: string, fallback: number, taken: Set<number>, hint: string}} spec
 */
export async function choosePort({ name, envVar, fallback, taken, hint }) {
  const raw = process.env[envVar];
  if (raw) {
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new PortError(`${envVar}=${raw} is not a port number`);
    if (taken.has(port) || !(await portFree(port))) {
      throw new PortError(`port ${port} (${envVar}) is busy: ${hint} or pick another, e.g. ${envVar}=${port + 1} npm run demo`);
    }
    taken.add(port);
    return { port, note: null };
  }
  for (let port = fallback; port < fallback + 50; port++) {
    if (taken.has(port) || !(await portFree(port))) continue;
    taken.add(port);
    return { port, note: port === fallback ? null : `${name}: port ${fallback} is busy, using ${port} (set ${envVar} to choose)` };
  }
  throw new PortError(`ports ${fallback}-${fallback + 49} are all busy for ${name}: set ${envVar} to a free port`);
}

/** GET with a short timeout; never throws (status 0 on connection errors). */
export async function httpGet(url, { timeoutMs = 3000, accept } = {}) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: accept ? { accept } : {} });
    return { status: res.status, body: await res.text(), headers: res.headers };
  } catch (err) {
    return { status: 0, body: '', error: err.cause?.code ?? err.name ?? String(err) };
  }
}

/**
 * Polls `probe` (async, returns a truthy value when ready) every intervalMs until timeoutMs.
 * `abort()` returning a string stops early with that reason (e.g. the process died).
 */
export async function waitFor(probe, { timeoutMs, intervalMs = 250, abort = () => null }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = abort();
    if (reason) return { ok: false, reason };
    let value;
    try {
      value = await probe();
    } catch {
      value = null; // e.g. a half-started server answering garbage: not ready yet
    }
    if (value) return { ok: true, value };
    if (Date.now() >= deadline) return { ok: false, reason: `not ready after ${Math.round(timeoutMs / 1000)}s` };
    await sleep(intervalMs);
  }
}
