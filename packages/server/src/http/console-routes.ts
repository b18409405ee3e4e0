/** Serves the web console: three static files from this package, no asset from the internet, a strict CSP. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

const FILES = [
  { url: '/', file: 'index.html', type: 'text/html; charset=utf-8' },
  { url: '/console/app.js', file: 'app.js', type: 'text/javascript; charset=utf-8' },
  { url: '/console/app.css', file: 'app.css', type: 'text/css; charset=utf-8' },
] as const;

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export async function consoleRoutes(app: FastifyInstance): Promise<void> {
  // dist/http → the package's console/ folder (plain files, not compiled).
  const dir = join(import.meta.dirname, '..', '..', 'console');
  for (const { url, file, type } of FILES) {
    const body = await readFile(join(dir, file));
    app.get(url, async (_request, reply) => reply.type(type).header('content-security-policy', CSP).header('x-frame-options', 'DENY').send(body));
  }
}
