/**
 * Runs the e2e suite (out/e2e/suite/index.js) inside code-server's real extension host, driven by Debian's
 * Chromium through playwright-core — the contract VS Code's own browser integration tests use: the
 * workbench URL carries `payload=[["extensionDevelopmentPath",…],["extensionTestsPath",…]]`, the
 * workbench reports extension-host output through `codeAutomationLog` and the result through
 * `codeAutomationExit`.
 *
 * Usage: node --import tsx test/e2e/launcher/run-code-server.ts [--restricted] [--timeout <ms>]
 * --restricted: open the hostile single-folder workspace (test/workspaces/malicious, its settings point
 * Prometheus at a loopback recorder) with workspace trust ON, untrusted, and run the *.rtest.js files.
 * Env: E2E_KEEP=1 keeps the temp dir, E2E_VERBOSE=1 prints browser console, E2E_FAIL=1 runs the
 * deliberately failing test. Exit code: 0 only when the suite reported results and none failed.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import { startBridge } from './bridge';
import { CHROMIUM, checkPrerequisites, ROOT, startCodeServer, type CodeServer } from './codeServer';
import { startE2eBackends, startRequestRecorder, type E2eBackends, type RequestRecorder } from './backends';

const arg = (k: string, d?: string): string | undefined => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? process.argv[i + 1] : d;
};
const timeoutMs = Number(arg('timeout', '300000'));
const restricted = process.argv.includes('--restricted');
// Each kind of run keeps its own results: the deliberate-failure proof must not wipe the suite's screenshots.
const outDir = path.join(ROOT, 'test-results', restricted ? 'e2e-restricted' : process.env.E2E_FAIL ? 'e2e-deliberate-failure' : 'e2e');
const suiteIndex = path.join(ROOT, 'out/e2e/suite/index.js');
const t0 = Date.now();
/** A secret the suite stores as Prometheus credentials; no log of the run may contain it. */
const SECRET = `tl-e2e-secret-${process.pid}-${Date.now().toString(36)}`;
const say = (m: string): void => void process.stderr.write(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}\n`);

let server: CodeServer | undefined;
let browser: Browser | undefined;
let page: Page | undefined;
let bridge: http.Server | undefined;
let backends: E2eBackends | undefined;
let recorder: RequestRecorder | undefined;
let tmp: string | undefined;
let result: { passed: number; failed: number; skipped?: number } | undefined;
let finishing = false;

function filesContaining(dir: string, needle: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => fs.readFileSync(f).includes(needle));
}

/**
 * What the extension host said about us: errors (an unhandled rejection is logged as one, with our
 * bundle in its stack) and API-misuse warnings tagged with our extension id.
 */
function extensionHostComplaints(logs: string): string[] {
  if (!fs.existsSync(logs)) return [];
  const files = (fs.readdirSync(logs, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile() && e.name === 'remoteexthost.log')
    .map((e) => path.join(e.parentPath, e.name));
  const out: string[] = [];
  for (const f of files) {
    const lines = fs.readFileSync(f, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const ours = /telemetry-lens/.test(line) || /dist\/extension\.js/.test(lines.slice(i, i + 12).join('\n'));
      if ((/\[error\]/.test(line) || (/\[warning\]/.test(line) && /\[telemetry-lens\.telemetry-lens\]/.test(line))) && ours) out.push(line);
    });
  }
  return out;
}

async function finish(code: number, why?: string): Promise<void> {
  if (finishing) return;
  finishing = true;
  if (why) say(why);
  if (code === 0 && !result) {
    code = 6;
    say('the suite exited without reporting results (missing E2E_RESULT line)');
  }
  try {
    if (page && code !== 0) await page.screenshot({ path: path.join(outDir, 'failure.png') });
  } catch {
    /* page gone */
  }
  await browser?.close().catch(() => undefined);
  server?.stop();
  bridge?.close();
  await backends?.stop().catch(() => undefined);
  recorder?.close();
  if (server?.process.exitCode === null) {
    await new Promise((r) => server!.process.once('exit', r).once('error', r));
  }
  if (tmp) {
    const leaks = filesContaining(path.join(tmp, 'user-data', 'logs'), SECRET).concat(filesContaining(outDir, SECRET));
    if (leaks.length) {
      code = code || 7;
      say(`the test secret leaked into: ${leaks.join(', ')}`);
    }
    const complaints = extensionHostComplaints(path.join(tmp, 'user-data', 'logs'));
    if (complaints.length) {
      code = code || 8;
      say(`the extension host logged errors or warnings about Telemetry Lens:\n${complaints.join('\n')}`);
    }
    if (!process.env.E2E_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (result)
    console.log(
      `e2e (code-server${restricted ? ', restricted' : ''}): ${result.passed} passed, ${result.failed} failed${result.skipped ? `, ${result.skipped} skipped` : ''}`,
    );
  say(`exit code ${code}`);
  process.exit(code);
}

async function main(): Promise<void> {
  const missing = checkPrerequisites();
  if (missing) return finish(1, missing);
  if (!fs.existsSync(suiteIndex)) return finish(1, `${suiteIndex} is missing: run npm run build first`);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  setTimeout(() => void finish(2, `timeout after ${timeoutMs} ms`), timeoutMs).unref();

  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'telemetry-lens-e2e-'));
  // The suite edits files: it gets a copy of the fixture workspace, never the repo's.
  // A multi-root workspace: two services, each folder with its own service selector.
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(path.join(ROOT, restricted ? 'test/workspaces/malicious' : 'test/workspaces/e2e-root'), workspace, { recursive: true });
  if (restricted) {
    recorder = await startRequestRecorder();
    const settings = path.join(workspace, '.vscode', 'settings.json');
    fs.writeFileSync(settings, fs.readFileSync(settings, 'utf8').replaceAll('https://evil.example', recorder.url));
  }
  backends = await startE2eBackends(tmp);
  say(`backends: ${JSON.stringify(backends.describe)}`);

  bridge = await startBridge(() => page, outDir);
  const bridgeUrl = `http://127.0.0.1:${(bridge.address() as { port: number }).port}`;
  server = await startCodeServer({
    tmp,
    logFile: path.join(outDir, 'code-server.log'),
    env: {
      E2E_BRIDGE: bridgeUrl,
      E2E_RESULTS: outDir,
      E2E_SECRET: SECRET,
      ...(recorder ? { E2E_RESTRICTED: '1', E2E_RECORDER: recorder.url } : {}),
      ...(process.env.E2E_GREP ? { E2E_GREP: process.env.E2E_GREP } : {}),
      ...backends.env,
    },
    userSettings: backends.userSettings,
    workspaceTrust: restricted,
    onExit: (c) => void finish(3, `code-server exited (${c}); see ${outDir}/code-server.log`),
  });
  say(`code-server at ${server.url}`);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // Offline guard: any browser request that is not to loopback is aborted and reported.
  await context.route(
    (u) => /^(https?|wss?):$/.test(u.protocol) && !/^(127\.0\.0\.1|localhost|\[::1\])$/.test(u.hostname),
    (r) => {
      say(`blocked non-loopback request ${r.request().url()}`);
      return r.abort();
    },
  );
  // Extension-host output (mocha's spec reporter among it) goes to the console; workbench chatter only
  // to workbench.log unless E2E_VERBOSE is set.
  const workbenchLog = fs.createWriteStream(path.join(outDir, 'workbench.log'));
  let suiteStarted = false;
  await context.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
    const line = util.format(...args);
    workbenchLog.write(`${type}: ${line}\n`);
    const m = /^E2E_RESULT (\{.*\})$/.exec(line.trim());
    if (m) result = JSON.parse(m[1]!) as typeof result;
    suiteStarted ||= /^\s*$/.test(line) || /^\s+\S/.test(line);
    if (!suiteStarted && !process.env.E2E_VERBOSE && type !== 'error') return;
    (type === 'warn' || type === 'error' ? console.error : console.log)(line);
  });
  await context.exposeFunction('codeAutomationExit', (code: number) => void finish(code));
  page = await context.newPage();
  page.on('pageerror', (e) => say(`[page error] ${e.message}`));
  page.on('crash', () => void finish(4, 'page crashed'));
  if (process.env.E2E_VERBOSE) page.on('console', (m) => say(`[browser ${m.type()}] ${m.text()}`));

  const remote = (p: string): string => `vscode-remote://${new URL(server!.url).host}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(ROOT)],
    ['extensionTestsPath', remote(suiteIndex)],
    ['skipWelcome', 'true'],
    ['skipReleaseNotes', 'true'],
  ];
  const target: Record<string, string> = restricted ? { folder: workspace } : { workspace: path.join(workspace, 'e2e.code-workspace') };
  await page.goto(`${server.url}/?${new URLSearchParams({ ...target, payload: JSON.stringify(payload) })}`);
  say('workbench opened; suite running');
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void finish(130, `${sig}: stopping`));
main().catch((e: unknown) => finish(5, e instanceof Error ? (e.stack ?? e.message) : String(e)));
