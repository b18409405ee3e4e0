/**
 * The library on its own (`npm run build && node examples/dist/quick-start.js`): Tessera core on SQLite
 * in ./data (a dev key file created once), against a demo token endpoint it starts on 127.0.0.1,
 * showing a secret being created, tested and used for tokens.
 */
import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Container } from 'inversify';
import { CORE, coreModule, type SecretStore, type SecretTester, type TokenProvider } from '@tessera/core';

const dataDir = process.env.TESSERA_DATA_DIR ?? join(process.cwd(), 'data');

// A stand-in for a real token endpoint, so the demo runs on a machine with no network.
const endpoint = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ access_token: randomBytes(24).toString('base64url'), token_type: 'Bearer', expires_in: 3600 }));
  });
});
await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/oauth/token`;

const container = new Container();
container.load(coreModule({ database: join(dataDir, 'tessera.db'), network: { allow: ['127.0.0.1'] } }));
const secrets = container.get<SecretStore>(CORE.SecretStore);

const existing = (await secrets.list()).find((s) => s.name === 'demo-general');
const secret = existing
  ? await secrets.update(existing.id, { params: { url } })
  : await secrets.create({ name: 'demo-general', kind: 'general', params: { url, scope: 'read,write', username: 'demo', password: randomBytes(12).toString('hex') } });
console.log(`Secret ${secret.id} (${secret.kind}, revision ${secret.revision}) stored in ${join(dataDir, 'tessera.db')}:`);
console.log(JSON.stringify(secret.params, null, 2));

const report = await container.get<SecretTester>(CORE.SecretTester).test(secret.id);
console.log(`Test: ${report.ok ? 'OK' : 'FAILED'} in ${report.durationMs} ms — ${report.diagnostics.map((d) => d.message).join(' ')}`);

const tokens = container.get<TokenProvider>(CORE.TokenProvider);
const first = await tokens.getToken(secret.id);
const second = await tokens.getToken(secret.id);
console.log(`Token valid until ${first.expiresAt.toISOString()}; reused on the second call: ${first.accessToken === second.accessToken}.`);

await container.unbindAllAsync();
endpoint.close();
