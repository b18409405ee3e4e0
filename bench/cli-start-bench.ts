/** `npm run bench`, CLI start (issue 14): `tessera secrets list` on an empty data directory against a bare `node -e 0`, each the median of several runs. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMasterKey } from '@tessera/core';

const RUNS = 11;
/** The `tessera` executable that npm links (`npx tessera`), from bench/dist, where the bench runs. */
const TESSERA = join(import.meta.dirname, '..', '..', 'packages', 'server', 'bin', 'tessera.cjs');

export interface CliStartFigures {
  nodeMs: number;
  listMs: number;
  helpMs: number;
}

function medianMs(args: string[], env: NodeJS.ProcessEnv): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const run = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    times.push(performance.now() - started);
    if (run.status !== 0) throw new Error(`${args.join(' ')} failed: ${run.stderr.toString('utf8')}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)] as number;
}

export function runCliStartBench(): CliStartFigures {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-cli-'));
  try {
    const env = { PATH: process.env.PATH, TESSERA_DATA_DIR: join(dir, 'data'), TESSERA_MASTER_KEY: generateMasterKey() };
    // The first run creates the database; the figure is an empty data directory's steady start.
    medianMs([TESSERA, 'secrets', 'list'], env);
    return { nodeMs: medianMs(['-e', '0'], env), listMs: medianMs([TESSERA, 'secrets', 'list'], env), helpMs: medianMs([TESSERA, 'help'], env) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
