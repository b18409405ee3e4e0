/** `npm run bench`: prints one line per figure, with the target next to it. */
import { runRedactionBench } from './redaction-bench.js';
import { runTokenBench } from './token-bench.js';
import { runWebhookBench } from './webhook-bench.js';

const format = (n: number) => Math.round(n).toLocaleString('en-US');
const verdict = (ok: boolean) => (ok ? 'OK' : 'MISSED');

const core = await runTokenBench();
const ratio = core.baselineOpsPerSecond / core.cachedOpsPerSecond;
console.log(`cached getToken: ${format(core.cachedOpsPerSecond)} ops/s (target >= 1,000,000) ${verdict(core.cachedOpsPerSecond >= 1_000_000)}`);
console.log(`baseline Map.get + Date.now(): ${format(core.baselineOpsPerSecond)} ops/s; getToken is ${ratio.toFixed(2)}x slower (target <= 5x) ${verdict(ratio <= 5)}`);
console.log(`cold herd of 10,000 getToken callers: ${core.herdRequests} token request(s) (target 1) ${verdict(core.herdRequests === 1)}, all resolved in ${core.herdMs.toFixed(1)} ms`);

const redaction = runRedactionBench();
console.log(
  `redacting a 150-character log line with ${format(redaction.registered)} values registered: ${redaction.redactMicros.toFixed(1)} µs; JSON.stringify of it ${redaction.baselineMicros.toFixed(1)} µs (${(redaction.redactMicros / redaction.baselineMicros).toFixed(1)}x)`,
);

const hooks = await runWebhookBench({ deliveries: 20_000, rssDeliveries: Number(process.env.RSS_DELIVERIES ?? 100_000) });
const percent = (ratio: number) => `${(ratio * 100).toFixed(0)} %`;
console.log(`plain POST loop, undici Pool.request, concurrency 32: ${format(hooks.undici)} req/s`);
console.log(`plain POST loop, axios keep-alive, concurrency 32: ${format(hooks.axios)} req/s`);
console.log(
  `dispatcher, 1 endpoint (queue + bearer + signing): ${format(hooks.dispatcher1)} deliveries/s = ${percent(hooks.ratio1)} of undici (target >= 50 %) ${verdict(hooks.ratio1 >= 0.5)}, ${(hooks.dispatcher1 / hooks.axios).toFixed(2)}x axios`,
);
console.log(`dispatcher, 50 endpoints: ${format(hooks.dispatcher50)} deliveries/s = ${percent(hooks.ratio50)} of undici ${verdict(hooks.ratio50 >= 0.5)}, ${(hooks.dispatcher50 / hooks.axios).toFixed(2)}x axios`);
for (const [index, r] of hooks.rounds.entries()) {
  console.log(
    `  round ${index + 1}: undici ${format(r.undici)} req/s; dispatcher ${format(r.dispatcher1)}/s (${percent(r.dispatcher1 / r.undici)}), with 50 endpoints ${format(r.dispatcher50)}/s (${percent(r.dispatcher50 / r.undici)})`,
  );
}
console.log(
  `process CPU: undici loop ${hooks.undiciCpuMicros.toFixed(0)} µs per request, dispatcher ${hooks.dispatcher1CpuMicros.toFixed(0)} µs per delivery (1 endpoint); loop / dispatcher = ${percent(hooks.undiciCpuMicros / hooks.dispatcher1CpuMicros)}`,
);
console.log(`publish, 32 concurrent callers: ${format(hooks.publishPerSecond)} events/s into the queue (target >= 10,000) ${verdict(hooks.publishPerSecond >= 10_000)}`);
console.log(`publish, one caller awaiting each event: ${format(hooks.sequentialPublishPerSecond)} events/s (one commit per event)`);
console.log(`peak RSS over ${format(hooks.peakDeliveries)} deliveries: ${hooks.peakRssMb.toFixed(0)} MB (target < 300 MB) ${verdict(hooks.peakRssMb < 300)}`);
