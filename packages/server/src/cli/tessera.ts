#!/usr/bin/env node
/** The `tessera` executable as an ES module: from the CLI's bundle when the command loads nothing from outside Tessera, else from its modules (`bin/tessera.cjs` does the same without the ES module loader). */
import fastStartModule from './fast-start.cjs';

const argv = process.argv.slice(2);
const fast = await fastStartModule.fastStart(argv);
if (fast !== undefined) process.exitCode = fast;
else {
  const { runCli } = await import('./run-cli.js');
  process.exitCode = await runCli(argv);
}
