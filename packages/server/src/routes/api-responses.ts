/**
 * The zod schemas of what each route answers (its 2xx body): the OpenAPI document describes every
 * response from these, and the routes' handlers must return what they accept.
 */
import { z } from 'zod';

const isoTime = z.string().describe('An ISO 8601 time');

export const lastTest = z.object({ ok: z.boolean(), testedAt: isoTime, summary: z.string() }).strict().describe('The last test of the secret');

export const secretView = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.string(),
    description: z.string(),
    origin: z.enum(['manual', 'connector']),
    owner: z.string().nullable(),
    params: z.record(z.string(), z.unknown()).describe("The kind's fields, each sensitive one masked '••••'; for a kind not loaded, only those it stored in clear"),
    kindKnown: z.boolean().describe('False when no loaded module or plugin declares the kind: it can be listed, shown and deleted, not used'),
    revision: z.number().int(),
    createdAt: isoTime,
    updatedAt: isoTime,
    lastTest: lastTest.nullable(),
  })
  .strict()
  .describe('A secret as a masked view, with its last test');

export const secretKindView = z
  .object({
    id: z.string(),
    label: z.string(),
    description: z.string(),
    fields: z.array(z.record(z.string(), z.unknown())).describe('Field declarations: name, label, type, required, sensitive, destination, default, options, help'),
    defaults: z.object({ encoding: z.enum(['json', 'form']), scopeFormat: z.enum(['tuple', 'plain', 'space']) }).strict(),
  })
  .strict();

export const testReport = z
  .object({
    ok: z.boolean(),
    status: z.number().int().optional().describe("The HTTP status of the token endpoint's answer, when there was one"),
    durationMs: z.number(),
    token: z.object({ type: z.string(), expiresInSeconds: z.number(), preview: z.string() }).strict().optional().describe('A description of the token, never the token'),
    diagnostics: z.array(z.object({ level: z.enum(['info', 'warning', 'error']), code: z.string(), message: z.string(), hint: z.string().optional(), setting: z.enum(['encoding', 'scopeFormat', 'extraParams', 'responseFields', 'defaultLifetimeSeconds']).optional().describe("The secret's setting that fixes it"), field: z.string().optional().describe("The field of the secret's kind that fixes it") }).strict()),
  })
  .strict()
  .describe('What the token request did, in words an operator can act on');

export const pluginView = z
  .object({ name: z.string(), version: z.string(), specifier: z.string(), path: z.string(), secretKinds: z.array(z.string()) })
  .strict()
  .describe('A loaded plugin and the secret kinds it contributes');

const tokenCounts = {
  issued: z.number().int().describe('Tokens requested because none was cached'),
  refreshed: z.number().int().describe('Tokens requested early, before the cached one expired'),
  failed: z.number().int().describe('Token requests that failed'),
  cacheHits: z.number().int().describe('getToken calls answered from the cache'),
};

export const tokenActivity = z
  .object({
    secretId: z.string(),
    scope: z.literal('this-process').describe('What this server process did; each instance of a fleet requests and counts for itself'),
    from: isoTime,
    to: isoTime,
    hours: z.array(z.object({ start: isoTime, ...tokenCounts }).strict()).describe('One per hour, oldest first'),
    totals: z.object(tokenCounts).strict(),
    recent: z
      .array(
        z
          .object({
            at: isoTime,
            outcome: z.enum(['issued', 'refreshed', 'failed']),
            durationMs: z.number(),
            code: z.string().nullable().describe("A failure's stable code"),
            status: z.number().int().nullable().describe("The token endpoint's HTTP status, when a failure had one"),
            message: z.string().nullable().describe("A failure's message, credentials masked"),
          })
          .strict(),
      )
      .describe('The last token requests, newest first'),
  })
  .strict()
  .describe("A secret's recent token requests in this process");

export const storageView = z
  .object({
    storage: z.enum(['sqlite', 'postgres']),
    measuredAt: isoTime.describe('When the figures were measured: they are measured again once older than maxAgeSeconds'),
    maxAgeSeconds: z.number(),
    bytes: z.number().int().describe("The database's size: SQLite the file with its WAL; PostgreSQL the sum of pg_total_relation_size of Tessera's tables"),
    freeBytes: z.number().int().nullable().describe('SQLite: free pages in the file, reused before it grows; null on PostgreSQL'),
    tables: z
      .array(
        z
          .object({
            table: z.string(),
            owner: z.string().describe('The package (or plugin) that contributed the table'),
            rows: z.number().int(),
            exact: z.boolean().describe("False when rows is PostgreSQL's planner estimate (tables above 100,000 rows)"),
            bytes: z.number().int().nullable().describe('The table with its indexes; null where not measured (SQLite, where it would read every page)'),
            oldest: z.object({ at: isoTime, ageSeconds: z.number().int() }).strict().nullable().optional().describe('The oldest row kept (null when none), for tables that keep a history such as webhook_deliveries'),
          })
          .strict(),
      )
      .describe("Every package's tables, in the order contributed"),
  })
  .strict()
  .describe('What the database holds: rows per table, its size, the oldest delivery kept');
