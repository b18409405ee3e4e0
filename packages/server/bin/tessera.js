#!/usr/bin/env node
// The `tessera` executable: present before the first build, so `npm ci` links it; it runs the built CLI.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli/tessera.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('tessera: the CLI is not built yet; run `npm run build` in the repository first.\n');
  process.exit(1);
}
await import(cli.href);
