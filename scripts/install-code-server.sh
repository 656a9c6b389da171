#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3, the last line for Node 20) into .cache/code-server without
# any download besides the npm registry: postinstall scripts are skipped (ripgrep's fetches a GitHub binary),
# Debian's /usr/bin/rg stands in for @vscode/ripgrep, and the native modules are rebuilt against Node's
# own headers (/usr/include/node). Idempotent: a finished install is recognised by its stamp file.
set -euo pipefail
VERSION=4.100.3
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${CODE_SERVER_HOME:-$ROOT/.cache/code-server}
CS=$DIR/node_modules/code-server
STAMP=$DIR/.installed-$VERSION
if [ -f "$STAMP" ] && [ -f "$CS/out/node/entry.js" ]; then
  echo "code-server $VERSION already installed in $DIR"
  exit 0
fi
for tool in rg make g++ pkg-config; do
  command -v "$tool" >/dev/null || { echo "install-code-server: '$tool' is missing. Run: bash scripts/setup.sh (or apt-get install -y ripgrep build-essential pkg-config libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev)" >&2; exit 1; }
done
[ -f /usr/include/node/node.h ] || { echo "install-code-server: Node headers missing at /usr/include/node (node-gyp cannot download them here)." >&2; exit 1; }
export npm_config_nodedir=${npm_config_nodedir:-/usr}
export npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
CACHE=${NPM_CACHE:-$DIR/.npm-cache}
fail() { echo "install-code-server: $1 failed. See the output above; remove $DIR and run again." >&2; exit 1; }
t0=$(date +%s)
mkdir -p "$DIR" && cd "$DIR"
[ -f package.json ] || echo '{"private":true}' > package.json
npm install --cache "$CACHE" --no-save --ignore-scripts "code-server@$VERSION" || fail "npm install code-server"
cd "$CS/lib/vscode"
npm install --cache "$CACHE" --omit=dev --ignore-scripts || fail "npm install in lib/vscode"
mkdir -p node_modules/@vscode/ripgrep/bin && ln -sf /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
npm rebuild --cache "$CACHE" @parcel/watcher @vscode/deviceid @vscode/spdlog native-watchdog node-pty || fail "native rebuild"
npm_config_build_from_source=true npm rebuild --cache "$CACHE" kerberos || fail "kerberos rebuild"
ln -sfn node_modules node_modules.asar
(cd extensions && npm install --cache "$CACHE" --omit=dev) || fail "npm install of built-in extensions"
cd "$DIR" && npm_config_build_from_source=true npm rebuild --cache "$CACHE" argon2 || fail "argon2 rebuild"
rm -rf "$CACHE"
touch "$STAMP"
echo "code-server $VERSION installed in $DIR in $(( $(date +%s) - t0 ))s"
