/**
 * The same e2e suite on desktop VS Code through @vscode/test-electron (downloads VS Code, so it needs
 * the internet; not run in CI here). Tests tagged @dom need the Playwright bridge and are not run.
 * Usage: npm run test:electron   (VSCODE_VERSION=1.100.3 by default)
 */
import { runTests } from '@vscode/test-electron';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './codeServer';
import { startE2eBackends } from './backends';

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'telemetry-lens-electron-'));
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(path.join(ROOT, 'test/workspaces/e2e-root'), workspace, { recursive: true });
  const backends = await startE2eBackends(tmp);
  const userData = path.join(tmp, 'user-data');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify(backends.userSettings, null, 2));
  try {
    await runTests({
      version: process.env.VSCODE_VERSION ?? '1.100.3',
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(ROOT, 'out/e2e/suite/index.js'),
      launchArgs: [
        path.join(workspace, 'e2e.code-workspace'),
        '--user-data-dir',
        userData,
        '--disable-extensions',
        '--disable-workspace-trust',
      ],
      extensionTestsEnv: { ...backends.env, E2E_NO_DOM: '1', E2E_RESULTS: path.join(ROOT, 'test-results/e2e-electron') },
    });
  } finally {
    await backends.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  const msg = e instanceof Error ? e.message : String(e);
  console.error(
    /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|download/i.test(msg)
      ? `Could not download VS Code (${msg}). This launcher needs the internet; offline, run: npm run test:e2e (code-server).`
      : msg,
  );
  process.exit(1);
});
