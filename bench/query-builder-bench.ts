/**
 * `npm run bench`, the query-builder question of issue 12: what Kysely (0.28, the last line that runs on
 * Node 20) costs to build and compile the delivery log's list query, beside that query's round trip to
 * PostgreSQL with the SQL written by hand (as `PostgresDeliveryLog` sends it).
 */
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import pg from 'pg';

interface Database {
  webhook_deliveries: { id: string; endpoint_id: string; status: string; event_type: string; created_at: number };
}

export interface QueryBuilderFigures {
  compileMicros: number;
  roundTripMicros: number;
}

export async function runQueryBuilderBench(databaseUrl: string): Promise<QueryBuilderFigures> {
  const builder = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  const build = (endpointId: string) =>
    builder
      .selectFrom('webhook_deliveries as d')
      .select(['d.id', 'd.status', 'd.event_type', 'd.created_at'])
      .where('d.endpoint_id', '=', endpointId)
      .where('d.status', '=', 'failed')
      .where('d.created_at', '>=', 0)
      .orderBy('d.id', 'desc')
      .limit(50)
      .compile();
  for (let i = 0; i < 2_000; i++) build(`ep_${i}`);
  const rounds = 20_000;
  let started = performance.now();
  for (let i = 0; i < rounds; i++) build(`ep_${i}`);
  const compileMicros = ((performance.now() - started) * 1000) / rounds;

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('CREATE TEMP TABLE webhook_deliveries (id TEXT PRIMARY KEY, endpoint_id TEXT, status TEXT, event_type TEXT, created_at BIGINT)');
  await client.query(`INSERT INTO webhook_deliveries SELECT 'msg_' || g, 'ep_' || (g % 50), CASE WHEN g % 7 = 0 THEN 'failed' ELSE 'succeeded' END, 'a.b', g FROM generate_series(1, 20000) g`);
  await client.query('CREATE INDEX ON webhook_deliveries (endpoint_id, id)');
  const text = `SELECT d.id, d.status, d.event_type, d.created_at FROM webhook_deliveries d WHERE d.endpoint_id = $1 AND d.status = $2 AND d.created_at >= $3 ORDER BY d.id DESC LIMIT 50`;
  for (let i = 0; i < 200; i++) await client.query(text, [`ep_${i % 50}`, 'failed', 0]);
  const trips = 2_000;
  started = performance.now();
  for (let i = 0; i < trips; i++) await client.query(text, [`ep_${i % 50}`, 'failed', 0]);
  const roundTripMicros = ((performance.now() - started) * 1000) / trips;
  await client.end();
  await builder.destroy();
  return { compileMicros, roundTripMicros };
}
