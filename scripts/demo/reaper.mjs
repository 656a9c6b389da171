// Started (detached) by scripts/demo.mjs: waits for the orchestrator to exit and then stops every
// process group still listed in pids.json, so a `kill -9` of the orchestrator leaves no orphans.
//   node scripts/demo/reaper.mjs <orchestrator pid> <pids.json>
import { readFileSync } from 'node:fs';

const [parentPid, pidsFile] = [Number(process.argv[2]), process.argv[3]];

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function groups() {
  try {
    const data = JSON.parse(readFileSync(pidsFile, 'utf8'));
    return data.orchestrator === parentPid ? data.groups.map((g) => g.pgid) : [];
  } catch {
    return [];
  }
}

function killAll(signal) {
  for (const pgid of groups()) {
    try {
      process.kill(-pgid, signal);
    } catch {
      // gone
    }
  }
}

process.on('SIGTERM', () => process.exit(0)); // the orchestrator cleaned up itself
process.on('SIGINT', () => {}); // a terminal Ctrl-C is the orchestrator's business
const timer = setInterval(() => {
  if (alive(parentPid)) return;
  clearInterval(timer);
  killAll('SIGTERM');
  setTimeout(() => {
    killAll('SIGKILL');
    process.exit(0);
  }, 5000);
}, 1000);
