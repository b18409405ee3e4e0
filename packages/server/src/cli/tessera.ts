#!/usr/bin/env node
/** The `tessera` executable: from the CLI's bundle when the command loads nothing from outside Tessera, else from its modules. */
import { fastStart } from './fast-start.js';

const argv = process.argv.slice(2);
const fast = await fastStart(argv);
if (fast !== undefined) process.exitCode = fast;
else {
  const { runCli } = await import('./run-cli.js');
  process.exitCode = await runCli(argv);
}
