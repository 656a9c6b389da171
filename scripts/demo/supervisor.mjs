// Starts demo components as detached process groups, logs each to a file, notices when one dies,
// and stops every group it started (SIGTERM, then SIGKILL). A detached reaper process (reaper.mjs)
// stops the groups too if this process is killed without a chance to clean up.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** True while any non-zombie process is in process group `pgid`. */
export function groupAlive(pgid) {
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch (err) {
      return err.code === 'EPERM';
    }
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp ... — comm may contain spaces/parens, so parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

export function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

export class Supervisor {
  /** @param {{runDir: string, logDir: string, onUnexpectedExit: (c: object) => void}} opts */
  constructor({ runDir, logDir, onUnexpectedExit }) {
    this.runDir = runDir;
    this.logDir = logDir;
    this.onUnexpectedExit = onUnexpectedExit;
    this.children = [];
    this.stopping = false;
    this.reaper = null;
  }

  /** Starts the reaper that cleans up if this process dies without running stopAll(). */
  startReaper(reaperScript) {
    this.#writePids();
    const r = spawn(process.execPath, [reaperScript, String(process.pid), join(this.runDir, 'pids.json')], {
      detached: true,
      stdio: 'ignore',
    });
    r.unref();
    this.reaper = r;
  }

  /**
   * @param {string} name
   * @param {string} cmd
   * @param {string[]} args
   * @param {{cwd?: string, env?: NodeJS.ProcessEnv, oneShot?: boolean}} [opts]
   *   oneShot: a command expected to exit (its exit is not a failure); use run() to await it.
   */
  spawn(name, cmd, args, { cwd, env, oneShot = false } = {}) {
    const logPath = join(this.logDir, `${name}.log`);
    const fd = openSync(logPath, 'a');
    writeFileSync(fd, `$ ${[cmd, ...args].join(' ')}\n`);
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const entry = { name, cmd, args, child, pgid: child.pid, logPath, exited: null, oneShot, startedAt: Date.now() };
    entry.done = new Promise((resolve) => {
      child.on('error', (err) => {
        entry.exited = { code: null, signal: null, error: err.message };
        resolve(entry.exited);
      });
      child.on('exit', (code, signal) => {
        entry.exited = { code, signal };
        resolve(entry.exited);
      });
    });
    entry.done.then(() => {
      this.#writePids();
      if (!this.stopping && !oneShot) this.onUnexpectedExit(entry);
    });
    this.children.push(entry);
    this.#writePids();
    return entry;
  }

  /** Runs a one-shot command to completion (bounded); resolves to its exit info. */
  async run(name, cmd, args, { cwd, env, timeoutMs }) {
    const entry = this.spawn(name, cmd, args, { cwd, env, oneShot: true });
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve({ code: null, signal: null, error: `timed out after ${timeoutMs / 1000}s` }), timeoutMs);
    });
    const result = await Promise.race([entry.done, timeout]);
    clearTimeout(timer);
    if (!entry.exited) await this.stop(entry);
    killGroup(entry.pgid, 'SIGKILL'); // leftovers of a finished one-shot command
    return { ...result, logPath: entry.logPath };
  }

  /** SIGTERM the group, wait up to graceMs, then SIGKILL. */
  async stop(entry, graceMs = 5000) {
    if (!groupAlive(entry.pgid)) return;
    killGroup(entry.pgid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline) {
      await sleep(100);
      if (!groupAlive(entry.pgid)) return;
    }
    killGroup(entry.pgid, 'SIGKILL');
    for (let i = 0; i < 20 && groupAlive(entry.pgid); i++) await sleep(100);
  }

  /** Stops everything, most recently started first (traffic before the services it hits). */
  async stopAll() {
    this.stopping = true;
    await Promise.all([...this.children].reverse().map((c) => this.stop(c)));
    if (this.reaper) killGroup(this.reaper.pid, 'SIGTERM');
    this.#writePids();
  }

  #writePids() {
    const data = {
      orchestrator: process.pid,
      groups: this.children.filter((c) => c.pgid && !c.exited).map((c) => ({ name: c.name, pgid: c.pgid })),
    };
    const path = join(this.runDir, 'pids.json');
    try {
      writeFileSync(`${path}.tmp`, JSON.stringify(data, null, 2));
      renameSync(`${path}.tmp`, path);
    } catch {
      // the run dir is gone (should not happen); the reaper then has nothing to do
    }
  }
}
