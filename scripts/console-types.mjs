// Writes packages/server/console/api-types.d.ts: the TypeScript types of the OpenAPI document the server serves, for the console's @ts-check.
// Run after `npm run build` (it reads the built server). `--check` writes nothing and fails when the committed file differs;
// test/server/console-types.test.ts checks the same against the document of a test server.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import openapiTS, { astToString } from 'openapi-typescript';
import { buildServer, createTesseraContainer, resolveServerConfig } from '@tessera/server';

export const TYPES_FILE = join(import.meta.dirname, '..', 'packages', 'server', 'console', 'api-types.d.ts');

const HEADER = '// The types of the Tessera API, generated from GET /api/openapi.json by `npm run console:types` (openapi-typescript). Do not edit.\n\n';

/** The text of api-types.d.ts for an OpenAPI document. */
export async function typesFromDocument(document) {
  return HEADER + astToString(await openapiTS(document));
}

/** The OpenAPI document of a server with no plugin, in a temp data directory. */
async function serverDocument() {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-console-types-'));
  const adminToken = `tsa_types_${randomBytes(16).toString('hex')}`;
  const config = resolveServerConfig({ dataDir, port: 0 }, { TESSERA_ADMIN_TOKEN: adminToken, TESSERA_MASTER_KEY: randomBytes(32).toString('base64') });
  const container = createTesseraContainer(config, { plugins: [], logTransports: [] });
  try {
    const app = await buildServer(container, { adminToken });
    const response = await app.inject({ method: 'GET', url: '/api/openapi.json', headers: { authorization: `Bearer ${adminToken}` } });
    await app.close();
    if (response.statusCode !== 200) throw new Error(`GET /api/openapi.json answered ${response.statusCode}: ${response.body}`);
    return JSON.parse(response.body);
  } finally {
    await container.unbindAllAsync();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const text = await typesFromDocument(await serverDocument());
  if (process.argv.includes('--check')) {
    const committed = readFileSync(TYPES_FILE, 'utf8');
    if (committed !== text) {
      console.error(`${TYPES_FILE} differs from the OpenAPI document: run npm run console:types and commit it.`);
      process.exit(1);
    }
  } else {
    writeFileSync(TYPES_FILE, text);
    console.log(`Wrote ${TYPES_FILE}`);
  }
}
