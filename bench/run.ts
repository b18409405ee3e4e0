/** `npm run bench`: prints one line per figure, with the issue's target next to it. */
import { runCliStartBench } from './cli-start-bench.js';
import { topSelfTime, type CpuProfile } from './cpu-profile.js';
import { runPostgresBench, type QueueRun } from './postgres-bench.js';
import { runQueryBuilderBench } from './query-builder-bench.js';
import { runRedactionBench, runRedactionScaleBench, runRegistrationBench, type RedactionScaleFigures } from './redaction-bench.js';
import { runRetentionBench } from './retention-bench.js';
import { runSecretScaleBench, type SecretScaleFigures } from './secret-scale-bench.js';
import { runTokenBench } from './token-bench.js';
import { runWebhookBench } from './webhook-bench.js';

/** `npm run bench -- --profile`: also a CPU profile summary of the delivery phase (top 10 functions by self time). */
const profile = process.argv.includes('--profile');
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

const registration = runRegistrationBench();
console.log(
  `registering a token once 20,000 are held (the oldest forgotten): ${registration.randomMicros.toFixed(1)} µs with random endings, ${registration.sharedEndingMicros.toFixed(1)} µs when all end in the same 40 characters (${(registration.sharedEndingMicros / registration.randomMicros).toFixed(1)}x; our own check, <= 3x) ${verdict(registration.sharedEndingMicros <= 3 * registration.randomMicros)}`,
);

const hooks = await runWebhookBench({ deliveries: 20_000, rssDeliveries: Number(process.env.RSS_DELIVERIES ?? 100_000), profile });
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
console.log(
  `peak RSS over ${format(hooks.peakDeliveries)} deliveries, a fresh process each time: ${hooks.peakRssMb.toFixed(0)} MB (median of ${hooks.peakRssMbs.map((mb) => mb.toFixed(0)).join(', ')}; target < 200 MB) ${verdict(hooks.peakRssMb < 200)}`,
);
console.log(
  `data directory after ${format(hooks.peakDeliveries)} delivered events (${hooks.payloadBytes}-byte payloads, nothing pruned): ${(hooks.bytesPerDelivery * hooks.peakDeliveries / 1e6).toFixed(1)} MB, ${format(hooks.bytesPerDelivery)} bytes per delivered event (target <= 800) ${verdict(hooks.bytesPerDelivery <= 800)}`,
);

// Steady state with a short retention (issue 15): the size levels off, and what pruning costs the dispatcher.
const retention = await runRetentionBench({ retentionMs: 10_000, periods: 4, rounds: 3 });
for (const [index, run] of retention.runs.entries()) {
  const beside = retention.runs[index - 1];
  console.log(
    `  retention ${retention.retentionMs / 1000} s, round ${Math.floor(index / 2) + 1}, ${run.pruning ? 'pruning' : 'no pruning'}: ${format(run.deliveriesPerSecond)} deliveries/s with a backlog waiting${run.pruning && beside ? ` (${percent(run.deliveriesPerSecond / beside.deliveriesPerSecond)} of the run beside it)` : ''}, data directory at each period ${run.sizes.map((size) => (size / 1e6).toFixed(1)).join(', ')} MB${run.pruning ? `, ${format(run.pruned)} deliveries pruned` : ''}`,
  );
}
console.log(
  `steady state over ${retention.periods} retention periods: largest size after the first period / size at its end = ${retention.growth.toFixed(2)} (median of the rounds' ${retention.growths.map((g) => g.toFixed(2)).join(', ')}; target <= 1.2) ${verdict(retention.growth <= 1.2)}; dispatcher rate while pruning = ${percent(retention.rateRatio)} of the rate without, side by side (median of the rounds' ratios; target >= 90 %) ${verdict(retention.rateRatio >= 0.9)}`,
);

// CLI start (issue 14): what a command costs before it does anything.
const cli = runCliStartBench();
const cliRatio = cli.listMs / cli.nodeMs;
console.log(
  `CLI start: tessera secrets list on an empty data directory ${cli.listMs.toFixed(0)} ms, tessera help ${cli.helpMs.toFixed(0)} ms, bare node -e 0 ${cli.nodeMs.toFixed(0)} ms: ${cliRatio.toFixed(1)}x (target <= 3x) ${verdict(cliRatio <= 3)}`,
);

// PostgreSQL (issue 12): the same job on PostgreSQL, beside SQLite and pg-boss 10, in this run.
const pgTotal = Number(process.env.PG_DELIVERIES ?? 10_000);
const pgFigures = await runPostgresBench(pgTotal, { profile });
const vsBoss = pgFigures.postgres1.deliveriesPerSecond / pgFigures.pgBoss1.deliveriesPerSecond;
const vsSqlite = pgFigures.postgresShareOfSqlite;
const cpu = (run: QueueRun) => `${format(run.processCpuMicros)} µs${run.serverCpuMicros === undefined ? '' : ` + PostgreSQL server ${format(run.serverCpuMicros)} µs`} CPU per delivery`;
console.log(`${format(pgTotal)} deliveries to one endpoint, each run's dispatchers in processes of their own, the plain undici loop above at ${format(hooks.undici)} req/s:`);
console.log(`  Tessera on SQLite, 1 dispatcher: ${format(pgFigures.sqlite1.deliveriesPerSecond)} deliveries/s (${cpu(pgFigures.sqlite1)}); publish ${format(pgFigures.sqlite1.publishPerSecond)} events/s`);
console.log(
  `  Tessera on PostgreSQL, 1 dispatcher: ${format(pgFigures.postgres1.deliveriesPerSecond)} deliveries/s (${cpu(pgFigures.postgres1)}) = ${vsBoss.toFixed(2)}x pg-boss (target >= 1.0x) ${verdict(vsBoss >= 1)}, ${percent(vsSqlite)} of SQLite (median of the rounds' ratios; target >= 70 %) ${verdict(vsSqlite >= 0.7)}; publish ${format(pgFigures.postgres1.publishPerSecond)} events/s`,
);
for (const [index, round] of pgFigures.rounds.entries()) {
  console.log(`    round ${index + 1}: SQLite ${format(round.sqlite.deliveriesPerSecond)}/s, PostgreSQL ${format(round.postgres.deliveriesPerSecond)}/s (${percent(round.postgres.deliveriesPerSecond / round.sqlite.deliveriesPerSecond)})`);
}
console.log(`  Tessera on PostgreSQL, 2 dispatcher processes: ${format(pgFigures.postgres2.deliveriesPerSecond)} deliveries/s (${cpu(pgFigures.postgres2)}); publish ${format(pgFigures.postgres2.publishPerSecond)} events/s`);
console.log(
  `  pg-boss 10 on the same PostgreSQL, 1 worker (cached token, signing, undici POST): ${format(pgFigures.pgBoss1.deliveriesPerSecond)} deliveries/s (${cpu(pgFigures.pgBoss1)}); send ${format(pgFigures.pgBoss1.publishPerSecond)} jobs/s`,
);
const publishVsSend = pgFigures.postgres1.publishPerSecond / pgFigures.pgBoss1.publishPerSecond;
console.log(
  `  publish on PostgreSQL, 32 concurrent callers: ${format(pgFigures.postgres1.publishPerSecond)} events/s = ${publishVsSend.toFixed(2)}x pg-boss's send (issue 16's target >= 3x) ${verdict(publishVsSend >= 3)}`,
);
const work = (run: QueueRun) =>
  run.server === undefined ? 'not measured (pg_stat_statements not loaded)' : `${run.server.roundTrips.toFixed(2)} round trips, ${run.server.statements.toFixed(2)} statements, ${format(run.server.walBytes)} bytes of WAL`;
const tesseraWork = pgFigures.postgres1.server;
console.log(
  `  per delivery on the PostgreSQL server (pg_stat_statements, WAL position; full_page_writes off): Tessera ${work(pgFigures.postgres1)} (targets <= 1 round trip ${verdict(tesseraWork !== undefined && tesseraWork.roundTrips <= 1)}, <= 1,536 bytes of WAL ${verdict(tesseraWork !== undefined && tesseraWork.walBytes <= 1536)}); with 2 processes ${work(pgFigures.postgres2)}; pg-boss ${work(pgFigures.pgBoss1)}`,
);
const cpuShare = (run: QueueRun) => run.processCpuMicros + (run.serverCpuMicros ?? 0);
const cpuRatio = cpuShare(pgFigures.postgres1) / cpuShare(pgFigures.pgBoss1);
console.log(
  `  CPU per delivery, process + PostgreSQL server: Tessera ${format(cpuShare(pgFigures.postgres1))} µs, pg-boss ${format(cpuShare(pgFigures.pgBoss1))} µs = ${cpuRatio.toFixed(2)}x (target <= 0.6x) ${verdict(cpuRatio <= 0.6)}; deliveries/s ${vsBoss.toFixed(2)}x pg-boss (issue 16's target >= 1.5x) ${verdict(vsBoss >= 1.5)}`,
);
const fleetTokens = pgFigures.postgres2.tokenRequests;
console.log(`  token requests for the secret by 2 dispatcher processes sharing PostgreSQL: ${fleetTokens} per lifetime (target 1) ${verdict(fleetTokens === 1)}`);

// Issue 12's query-builder question, measured: off the hot path, what a builder would add to a query.
const builder = await runQueryBuilderBench(process.env.TESSERA_TEST_DATABASE_URL as string);
console.log(
  `query builder off the hot path: Kysely 0.28 builds and compiles the delivery log's list query in ${builder.compileMicros.toFixed(1)} µs; the query's round trip to PostgreSQL takes ${builder.roundTripMicros.toFixed(0)} µs (${percent(builder.compileMicros / builder.roundTripMicros)} more)`,
);

function printProfile(title: string, cpuProfile: CpuProfile | undefined): void {
  if (cpuProfile === undefined) return;
  console.log(`CPU profile, ${title}: top 10 functions by self time (share of the busy samples)`);
  for (const entry of topSelfTime([cpuProfile], 10)) console.log(`  ${(entry.share * 100).toFixed(1).padStart(5)} %  ${entry.ms.toFixed(0).padStart(6)} ms  ${entry.fn}`);
}
printProfile('delivery phase of the dispatcher on SQLite (1 endpoint, 20,000 deliveries, in the bench process)', hooks.deliveryProfile);
printProfile(`delivery phase of the dispatcher on PostgreSQL (1 endpoint, ${format(pgTotal)} deliveries, its own process)`, pgFigures.deliveryProfile);

// Redaction at many secrets (issue 16), last: its 111,000 secrets would stay in the RSS figure above.
const scale = runRedactionScaleBench();
for (const size of scale) {
  console.log(
    `redacting a 300-character log line with the credentials of ${format(size.secrets)} secrets registered: ${size.cleanMicros.toFixed(2)} µs (target <= 5 µs) ${verdict(size.cleanMicros <= 5)}; quoting one of them ${size.quotingMicros.toFixed(2)} µs`,
  );
}
const [fewest, most] = [scale[0] as RedactionScaleFigures, scale.at(-1) as RedactionScaleFigures];
console.log(`redaction cost at ${format(most.secrets)} secrets against ${format(fewest.secrets)}: ${(most.cleanMicros / fewest.cleanMicros).toFixed(2)}x (flat: target <= 1.5x) ${verdict(most.cleanMicros / fewest.cleanMicros <= 1.5)}`);

// Costs as the number of secrets grows (issue 16), after everything else: its 100,000 secrets stay in this process.
const secretScale = await runSecretScaleBench();
for (const size of secretScale.sizes) {
  const share = size.coldShare;
  console.log(
    `${format(size.secrets)} secrets: cold token requests ${format(size.coldPerSecond)}/s against a plain axios loop ${format(size.axiosPerSecond)}/s = ${percent(share)} (target >= 80 %) ${verdict(share >= 0.8)}; per secret: create ${size.createMicros.toFixed(0)} µs, list (pages of 100) ${size.listMicros.toFixed(1)} µs, rotate keys ${size.rotateMicros.toFixed(1)} µs`,
  );
}
console.log(
  `memory per secret with a cached token (${format(secretScale.memorySecrets)} secrets, heap and external after a full collection): ${format(secretScale.bytesPerCachedSecret)} bytes (target <= 2,048) ${verdict(secretScale.bytesPerCachedSecret <= 2048)}`,
);
const [smallest, largest] = [secretScale.sizes[0] as SecretScaleFigures, secretScale.sizes.at(-1) as SecretScaleFigures];
const growth = (pick: (size: SecretScaleFigures) => number) => {
  const ratio = pick(largest) / pick(smallest);
  return `${ratio.toFixed(2)}x ${verdict(ratio <= 1.5)}`;
};
console.log(
  `time per secret at ${format(largest.secrets)} secrets against ${format(smallest.secrets)} (flat: target <= 1.5x): create ${growth((s) => s.createMicros)}, list in pages of 100 ${growth((s) => s.listMicros)}, rotate keys ${growth((s) => s.rotateMicros)}`,
);
