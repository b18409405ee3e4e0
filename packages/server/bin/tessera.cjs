#!/usr/bin/env node
// The `tessera` executable: present before the first build, so `npm ci` links it; it runs the built CLI.
// CommonJS, so that a command run from the CLI's bundle starts without Node's ES module loader.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const cli = join(__dirname, '..', 'dist', 'cli');
if (!existsSync(join(cli, 'fast-start.cjs'))) {
  process.stderr.write('tessera: the CLI is not built yet; run `npm run build` in the repository first.\n');
  process.exit(1);
}
const argv = process.argv.slice(2);
require(join(cli, 'fast-start.cjs'))
  .fastStart(argv)
  .then(async (fast) => {
    if (fast !== undefined) return fast;
    const { runCli } = await import(pathToFileURL(join(cli, 'run-cli.js')).href);
    return runCli(argv);
  })
  .then(
    (code) => (process.exitCode = code),
    (error) => {
      process.stderr.write(`tessera: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
