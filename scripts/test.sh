#!/usr/bin/env bash
# `npm test`: installs what the tests need when it is missing, then builds, lints and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the tests use: openssl makes a self-signed certificate for the TLS diagnostic test,
# python3 holds a loopback port that never accepts, for the connect-timeout test, and Debian's
# Chromium runs the web console's end-to-end test (driven by playwright-core; no browser download).
# PostgreSQL (the second storage every storage test runs on) is installed and started by
# scripts/with-postgres.sh, as a throwaway cluster for this run.
missing=()
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} for the tests (apt-get)…"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi

[ -d node_modules ] || npm ci
npm run build --silent
npm run lint
bash scripts/with-postgres.sh npx vitest run
