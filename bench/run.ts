/** `npm run bench`: prints one line per figure, with the target next to it. */
import { runTokenBench } from './token-bench.js';

const format = (n: number) => Math.round(n).toLocaleString('en-US');

const core = await runTokenBench();
const ratio = core.baselineOpsPerSecond / core.cachedOpsPerSecond;
const lines = [
  `cached getToken: ${format(core.cachedOpsPerSecond)} ops/s (target >= 1,000,000) ${core.cachedOpsPerSecond >= 1_000_000 ? 'OK' : 'MISSED'}`,
  `baseline Map.get + Date.now(): ${format(core.baselineOpsPerSecond)} ops/s; getToken is ${ratio.toFixed(2)}x slower (target <= 5x) ${ratio <= 5 ? 'OK' : 'MISSED'}`,
  `cold herd of 10,000 getToken callers: ${core.herdRequests} token request(s) (target 1) ${core.herdRequests === 1 ? 'OK' : 'MISSED'}, all resolved in ${core.herdMs.toFixed(1)} ms`,
];
for (const line of lines) console.log(line);
