/**
 * Packages the extension (`npm run package` → dist/telemetry-lens.vsix) and installs it into a fresh
 * code-server with `--install-extension`, then checks that the installed copy has what it runs on.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CODE_SERVER_DIR, checkPrerequisites, ROOT } from './codeServer';

const missing = checkPrerequisites();
if (missing) {
  console.error(missing);
  process.exit(1);
}
const vsix = path.join(ROOT, 'dist/telemetry-lens.vsix');
execFileSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: 'inherit' });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'telemetry-lens-vsix-'));
try {
  const out = execFileSync(
    process.execPath,
    [
      path.join(CODE_SERVER_DIR, 'out/node/entry.js'),
      '--user-data-dir',
      path.join(tmp, 'user-data'),
      '--extensions-dir',
      path.join(tmp, 'extensions'),
      '--config',
      path.join(tmp, 'config.yaml'),
      '--install-extension',
      vsix,
    ],
    { encoding: 'utf8', env: { ...process.env, EXTENSIONS_GALLERY: '{}', VSCODE_IPC_HOOK_CLI: '' } },
  );
  console.log(out.trim());
  const dirs = fs.readdirSync(path.join(tmp, 'extensions')).filter((d) => d.startsWith('telemetry-lens.telemetry-lens-'));
  if (dirs.length !== 1) throw new Error(`expected one installed telemetry-lens extension, found: ${dirs.join(', ') || 'none'}`);
  const installed = path.join(tmp, 'extensions', dirs[0]!);
  const required = ['package.json', 'dist/extension.js', 'dist/cli.js', 'dist/wasm/tree-sitter.wasm', 'dist/wasm/tree-sitter-python.wasm'];
  const absent = required.filter((f) => !fs.existsSync(path.join(installed, f)));
  if (absent.length) throw new Error(`installed extension lacks ${absent.join(', ')}`);
  const size = fs.statSync(vsix).size;
  console.log(`vsix ${(size / 1024).toFixed(0)} KiB installed into code-server as ${dirs[0]}`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
