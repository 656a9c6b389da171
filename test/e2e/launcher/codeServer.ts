/** Starting code-server (VS Code 1.100 in the browser, a real Node extension host) on loopback. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');
export const CODE_SERVER_DIR = process.env.CODE_SERVER_DIR ?? path.join(ROOT, '.cache/code-server/node_modules/code-server');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const BASE_USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'remote.autoForwardPorts': false,
  'typescript.disableAutomaticTypeAcquisition': true,
};

/** Workspace trust on, without the start-up dialog: an opened folder stays untrusted (Restricted Mode). */
const TRUST_ON = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'security.workspace.trust.emptyWindow': false,
};

export function checkPrerequisites(): string | undefined {
  if (!fs.existsSync(path.join(CODE_SERVER_DIR, 'out/node/entry.js'))) {
    return `code-server is not installed at ${CODE_SERVER_DIR}. Run: bash scripts/setup.sh`;
  }
  if (!fs.existsSync(CHROMIUM)) return `Chromium not found at ${CHROMIUM}. Run: apt-get install -y chromium (or bash scripts/setup.sh)`;
  return undefined;
}

export interface CodeServer {
  url: string;
  process: ChildProcess;
  stop(): void;
}

/** Starts code-server in its own process group; resolves with its URL once it listens. */
export function startCodeServer(opts: {
  tmp: string;
  logFile: string;
  env?: Record<string, string>;
  userSettings?: Record<string, unknown>;
  port?: number;
  extraArgs?: string[];
  /** Workspace trust on (the opened folder starts untrusted: Restricted Mode). Default off. */
  workspaceTrust?: boolean;
  onExit?: (code: number | null) => void;
}): Promise<CodeServer> {
  const userData = path.join(opts.tmp, 'user-data');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify({ ...BASE_USER_SETTINGS, ...opts.userSettings, ...(opts.workspaceTrust ? TRUST_ON : {}) }, null, 2),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EXTENSIONS_GALLERY: '{}',
    XDG_DATA_HOME: path.join(opts.tmp, 'xdg-data'),
    XDG_CONFIG_HOME: path.join(opts.tmp, 'xdg-config'),
    ...opts.env,
  };
  delete env.VSCODE_IPC_HOOK_CLI;
  const args = [
    path.join(CODE_SERVER_DIR, 'out/node/entry.js'),
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${opts.port ?? 0}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--user-data-dir',
    userData,
    '--extensions-dir',
    path.join(opts.tmp, 'extensions'),
    '--config',
    path.join(opts.tmp, 'config.yaml'),
    ...(opts.extraArgs ?? []),
  ];
  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = fs.createWriteStream(opts.logFile);
  child.stderr!.pipe(log);
  const stop = (): void => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      /* already gone */
    }
  };
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`code-server did not start within 60 s; see ${opts.logFile}`));
    }, 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited early (${code}); see ${opts.logFile}`));
      opts.onExit?.(code);
    });
    child.stdout!.on('data', (d: Buffer) => {
      log.write(d);
      buf += d.toString();
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        buf = '';
        resolve({ url: m[1]!, process: child, stop });
      }
    });
  });
}
