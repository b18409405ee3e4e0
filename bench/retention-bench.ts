/**
 * `npm run bench`, issue 15's steady state: with a retention of a few seconds, the dispatcher delivers
 * with a backlog always waiting (so its rate is what it can do) for several retention periods, with and
 * without the pruner; the data directory's size after the first period, then at each later one, and
 * the delivery rate of both runs over the same stretch. The two runs of a round go side by side, each in
 * a process of its own (`retention-run.ts`) with its own receiver: whatever else loads the machine then
 * loads both alike, where runs one after the other differed by a quarter from one to the next. Both
 * figures are medians over the rounds: a round's sizes follow its own rate, which on a shared machine
 * moves by a tenth from one period to the next, and the database file keeps the largest size it reached.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { RetentionRun } from './retention-run.js';
import { median } from './median.js';

export type { RetentionRun } from './retention-run.js';

export interface RetentionBenchFigures {
  retentionMs: number;
  periods: number;
  runs: RetentionRun[];
  /** Each round's largest size after the first period, over the size at its end (pruning runs). */
  growths: number[];
  /** Their median (target <= 1.2), the way the rate's rounds are summed up. */
  growth: number;
  /** The median over the rounds of the rate with pruning over the rate without, side by side (target >= 0.9). */
  rateRatio: number;
}

export async function runRetentionBench(options: { retentionMs: number; periods: number; rounds: number }): Promise<RetentionBenchFigures> {
  const runs: RetentionRun[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const [plain, pruning] = await sideBySide(options);
    runs.push(plain, pruning);
    ratios.push(pruning.deliveriesPerSecond / plain.deliveriesPerSecond);
  }
  const growths = runs.filter((run) => run.pruning).map((run) => Math.max(...run.sizes.slice(1)) / (run.sizes[0] as number));
  return { retentionMs: options.retentionMs, periods: options.periods, runs, growths, growth: median(growths), rateRatio: median(ratios) };
}

/** A run without pruning and one with, started together once both are set up. */
async function sideBySide(options: { retentionMs: number; periods: number }): Promise<[RetentionRun, RetentionRun]> {
  const children = [false, true].map((pruning) => fork(join(import.meta.dirname, 'retention-run.js'), [JSON.stringify({ ...options, pruning })], { stdio: 'inherit' }));
  const message = (child: (typeof children)[number], key: 'ready' | 'run') =>
    new Promise<{ ready?: true; run?: RetentionRun }>((resolve, reject) => {
      const onMessage = (m: { ready?: true; run?: RetentionRun }) => {
        if (!(key in m)) return;
        child.off('message', onMessage);
        resolve(m);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`a retention bench run exited (${code}) before it sent its ${key === 'ready' ? 'readiness' : 'figures'}`)));
    });
  await Promise.all(children.map((child) => message(child, 'ready')));
  const results = children.map((child) => message(child, 'run'));
  for (const child of children) child.send('go');
  const [plain, pruning] = await Promise.all(results);
  return [plain?.run as RetentionRun, pruning?.run as RetentionRun];
}
