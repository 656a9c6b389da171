// Builds everything with esbuild:
//   extension  src/extension.ts   -> dist/extension.js   (node, cjs, `vscode` external)
//   cli        src/cli/main.ts    -> dist/cli.js         (node, cjs, executable)
//   webview    src/webview/app/*  -> dist/webview/*.js   (browser, esm)
//   e2e suite  test/e2e/suite/*   -> out/e2e/suite/*.js  (node, cjs; runs inside the extension host)
// plus the tree-sitter wasm files into dist/wasm. Type-checking is `npm run typecheck` (tsc --noEmit).
// Flags: --watch, --production (minify, no sourcemaps), --only=<name,...>
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const watch = args.includes('--watch');
const production = args.includes('--production');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const common = {
  bundle: true,
  // grpc-js loads @grpc/proto-loader (and a second protobufjs) only to serve channelz/ORCA, which the OTLP
  // receiver never enables: left out of the bundles.
  external: ['@grpc/proto-loader'],
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  define: { __VERSION__: JSON.stringify(pkg.version) },
};

const tests = (dir) =>
  existsSync(join(root, dir))
    ? readdirSync(join(root, dir))
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(dir, f))
    : [];

const webviewEntries = tests('src/webview/app').filter((f) => !f.endsWith('.d.ts'));

const contexts = {
  extension: {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: [...common.external, 'vscode'],
  },
  cli: {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  webview: webviewEntries.length && {
    ...common,
    entryPoints: webviewEntries,
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
  },
  e2e: {
    ...common,
    entryPoints: tests('test/e2e/suite'),
    outdir: 'out/e2e/suite',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: [...common.external, 'vscode', 'mocha'],
  },
};

function copyWasm() {
  const src = join(root, 'node_modules/@vscode/tree-sitter-wasm/wasm');
  const dst = join(root, 'dist/wasm');
  mkdirSync(dst, { recursive: true });
  for (const f of [
    'tree-sitter.wasm',
    'tree-sitter-python.wasm',
    'tree-sitter-typescript.wasm',
    'tree-sitter-tsx.wasm',
    'tree-sitter-javascript.wasm',
  ]) {
    cpSync(join(src, f), join(dst, f));
  }
}

if (!watch && !only) rmSync(join(root, 'dist'), { recursive: true, force: true });
copyWasm();
const selected = Object.entries(contexts).filter(([name, c]) => c && (!only || only.includes(name)));
if (watch) {
  for (const [, c] of selected) await (await esbuild.context(c)).watch();
  console.log(`watching ${selected.map(([n]) => n).join(', ')}`);
} else {
  await Promise.all(selected.map(([, c]) => esbuild.build(c)));
}
