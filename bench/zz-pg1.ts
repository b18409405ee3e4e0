import pg from 'pg';
import { freshDatabase, startHarness, tesseraRun } from './zz-pgb.js';
const harness = await startHarness();
const rounds = Number(process.env.ROUNDS ?? 3);
const procs = Number(process.env.PROCS ?? 1);
const dbs = [];
try {
  for (let i = 0; i < rounds; i++) {
    const db = await freshDatabase();
    dbs.push(db);
    if (process.env.SQLITE) {
      const r = await tesseraRun(harness, `/tmp/pgx/zz-${Date.now()}.db`, 1, Number(process.env.N ?? 10_000));
      console.log(`sqlite ${Math.round(r.deliveriesPerSecond)}/s`);
    }
    const r = await tesseraRun(harness, db.url, procs, Number(process.env.N ?? 10_000));
    console.log(`pg ${Math.round(r.deliveriesPerSecond)}/s publish ${Math.round(r.publishPerSecond)}`);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    console.log(JSON.stringify((await c.query("SELECT relname, n_tup_upd, n_tup_hot_upd, pg_total_relation_size(relid) AS size FROM pg_stat_user_tables WHERE relname LIKE 'webhook_%' ORDER BY relname")).rows));
    await c.end();
  }
} finally {
  for (const d of dbs) await d.drop();
  harness.close();
}
