/**
 * Serves the web console: every .js, .css and .html file of this package's console folder (listed once
 * at start, so no path from a request reaches the file system), no asset from the internet, a strict CSP.
 */
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** The files the console is made of, as `/console/…` URLs (index.html is `/`), read once. */
async function consoleFiles(dir: string): Promise<Array<{ url: string; type: string; body: Buffer }>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = [];
  for (const entry of entries) {
    const type = TYPES[extname(entry.name)];
    if (!entry.isFile() || type === undefined) continue;
    const path = join(entry.parentPath, entry.name);
    const name = relative(dir, path).split(sep).join('/');
    files.push({ url: name === 'index.html' ? '/' : `/console/${name}`, type, body: await readFile(path) });
  }
  return files;
}

export async function consoleRoutes(app: FastifyInstance): Promise<void> {
  // dist/http → the package's console/ folder (plain files, not compiled).
  const dir = join(import.meta.dirname, '..', '..', 'console');
  for (const { url, type, body } of await consoleFiles(dir)) {
    app.get(url, async (_request, reply) => reply.type(type).header('content-security-policy', CSP).header('x-frame-options', 'DENY').send(body));
  }
}
