/**
 * The console's API types cannot drift: packages/server/console/api-types.d.ts is exactly what
 * `npm run console:types` generates now from the OpenAPI document the server serves.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TYPES_FILE, typesFromDocument } from '../../scripts/console-types.mjs';
import { startTestServer } from '../support/start-test-server.js';

describe('console API types', () => {
  it('are the committed file, generated from the current OpenAPI document (else run npm run console:types)', async () => {
    const server = await startTestServer();
    const document = (await server.api('GET', '/api/openapi.json')).json<Record<string, unknown>>();
    expect(readFileSync(TYPES_FILE, 'utf8')).toBe(await typesFromDocument(document));
  });
});
