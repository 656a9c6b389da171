// code-server steps of the demo: package the extension if needed, install it into a throwaway
// extensions dir, write the user settings, start code-server and wait for it to listen.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const CODE_SERVER_DIR = '.cache/code-server/node_modules/code-server';

export function codeServerEntry(root) {
  // CODE_SERVER_DIR: the same override the e2e launcher (test/e2e/launcher/codeServer.ts) honours
  const entry = join(process.env.CODE_SERVER_DIR ?? join(root, CODE_SERVER_DIR), 'out/node/entry.js');
  return existsSync(entry) ? entry : null;
}

/**
 * Environment for code-server: no gallery, not attached to an outer VS Code's CLI socket, and its
 * XDG data/config (logs, heartbeat, default config.yaml) inside the run dir instead of $HOME.
 */
export function codeServerEnv(runDir) {
  const env = {
    ...process.env,
    EXTENSIONS_GALLERY: '{}',
    XDG_DATA_HOME: join(runDir, 'xdg-data'),
    XDG_CONFIG_HOME: join(runDir, 'xdg-config'),
  };
  delete env.VSCODE_IPC_HOOK_CLI;
  return env;
}

function newestMtime(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/**
 * The extension package to install: dist/telemetry-lens.vsix, rebuilt with `npm run package` when
 * missing or older than its sources, and copied at once to <runDir>/telemetry-lens.vsix (a
 * concurrent `npm run build` elsewhere in the checkout wipes dist/). Every good package is also
 * kept as .demo/last-good.vsix: when a rebuild fails (sources mid-edit, say) that one is used and
 * `stale` says why, so the demo keeps running.
 */
export async function ensureVsix(sup, root, runDir, { log }) {
  const dist = join(root, 'dist/telemetry-lens.vsix');
  const lastGood = join(root, '.demo/last-good.vsix');
  const mine = join(runDir, 'telemetry-lens.vsix');
  const take = (from) => {
    try {
      copyFileSync(from, mine);
      return true;
    } catch {
      return false; // gone meanwhile
    }
  };
  const keep = () => {
    const tmp = `${lastGood}.${process.pid}`;
    try {
      copyFileSync(mine, tmp);
      renameSync(tmp, lastGood);
    } catch {
      // best effort
    }
  };
  const sources = Math.max(...['src', 'media', 'package.json', 'scripts/build.mjs'].map((p) => newestMtime(join(root, p))));
  if (existsSync(dist) && statSync(dist).mtimeMs >= sources && take(dist)) {
    keep();
    return { vsix: mine, packaged: false };
  }
  log(existsSync(dist) ? 'extension sources changed: npm run package' : 'no dist/telemetry-lens.vsix yet: npm run package');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  let r;
  // Two attempts: a concurrent build elsewhere in the checkout can wipe dist/ mid-package.
  for (let attempt = 1; attempt <= 2; attempt++) {
    r = await sup.run('package', npm, ['run', 'package'], { cwd: root, timeoutMs: 300_000 });
    if (r.code === 0 && take(dist)) {
      keep();
      return { vsix: mine, packaged: true };
    }
    if (sup.stopping) throw new Error('stopped while packaging');
    if (attempt === 1) log(`npm run package failed (see ${r.logPath}); retrying once`);
  }
  const why = `npm run package failed (${r.error ?? `exit ${r.code}`}); see ${r.logPath}`;
  for (const older of [dist, lastGood]) {
    if (take(older)) return { vsix: mine, packaged: false, stale: `${why}; using the older ${relative(root, older)}` };
  }
  throw new Error(why);
}

export async function installExtension(sup, entry, { vsix, userDataDir, extensionsDir, runDir }) {
  const r = await sup.run(
    'extension-install',
    process.execPath,
    [entry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix],
    { env: codeServerEnv(runDir), timeoutMs: 180_000 },
  );
  const installed = existsSync(extensionsDir) ? readdirSync(extensionsDir).filter((d) => d.startsWith('telemetry-lens.')) : [];
  if (r.code !== 0 || installed.length === 0) {
    throw new Error(`installing ${vsix} into code-server failed (${r.error ?? `exit ${r.code}`}); see ${r.logPath}`);
  }
  return installed[0];
}

export function writeUserSettings(userDataDir, { prometheusUrl, tracesUrl }) {
  const dir = join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'workbench.enableExperiments': false,
    'update.mode': 'none',
    'workbench.tips.enabled': false,
    'chat.commandCenter.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'git.openRepositoryInParentFolders': 'never',
    'telemetryLens.prometheus.url': prometheusUrl,
    'telemetryLens.metrics.refreshIntervalSeconds': 10,
    // A fresh Prometheus has little history: a 1m window shows true rates a minute after start
    // (the alert rules keep their 5m windows).
    'telemetryLens.metrics.window': '1m',
    // The demo's OTLP receiver serves Jaeger api_v3: the Traces view reads it as a Jaeger.
    'telemetryLens.traces.backend': 'jaeger',
    'telemetryLens.jaeger.url': tracesUrl,
    // It also answers Loki's query API over the OTLP logs it got: the logs panel reads it as a Loki.
    'telemetryLens.loki.url': tracesUrl,
  };
  const path = join(dir, 'settings.json');
  writeFileSync(path, `${JSON.stringify(settings, null, 2)}\n`);
  return path;
}

export function startCodeServer(sup, entry, { port, userDataDir, extensionsDir, workspace, runDir }) {
  // Our own config file, so ~/.config/code-server/config.yaml (auth: password, ...) is not read or created.
  const configFile = join(runDir, 'code-server.yaml');
  writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  return sup.spawn(
    'code-server',
    process.execPath,
    [
      entry,
      '--config', configFile,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      workspace,
    ],
    { env: codeServerEnv(runDir) },
  );
}

/** True once code-server logged that it listens (its log is the child's stdout/stderr file). */
export function codeServerListening(logPath) {
  try {
    return readFileSync(logPath, 'utf8').includes('HTTP server listening on');
  } catch {
    return false;
  }
}
