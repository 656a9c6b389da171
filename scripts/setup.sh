#!/usr/bin/env bash
# One-time (idempotent) set-up of a fresh Debian 12 / Ubuntu machine with Node 20: Debian packages,
# npm dependencies, and code-server for the real-VS-Code tests and the demo. Fast when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
APT_PACKAGES=(chromium ripgrep build-essential python3 pkg-config libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev
  prometheus python3-fastapi python3-uvicorn python3-prometheus-client python3-flask python3-flask-restful python3-structlog)

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" != 20 ]; then
  echo "setup: Node 20 is required (found $(node --version 2>/dev/null || echo none)); code-server 4.100 runs on Node 20." >&2
  exit 1
fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    echo "setup: these Debian packages are missing. Run:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi
# Debian's prometheus package may start its system service; ours never uses it, but it holds port 9090.
if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
  echo "setup: note: the system prometheus service is running (port 9090); the tests and demo start their own."
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi
bash scripts/install-code-server.sh
