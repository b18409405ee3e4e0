/**
 * The console's files: every ES module the console imports (from app.js, followed through each import)
 * is served as JavaScript with the strict CSP; a path that is not a console file, or that tries to
 * climb out of the console folder, answers 404.
 */
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../support/start-test-server.js';

/** The relative specifiers a module imports (`import … from './lib/api.js'`). */
function importsOf(source: string): string[] {
  return [...source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'/gm), ...source.matchAll(/^\s*import\s+'(\.{1,2}\/[^']+)'/gm)].map((match) => match[1]!);
}

describe('console files', () => {
  it('serves every module the console imports with the JavaScript content type and the CSP', async () => {
    const server = await startTestServer();
    const page = await server.app.inject({ method: 'GET', url: '/' });
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const entry = /<script type="module" src="([^"]+)">/.exec(page.body)?.[1];
    expect(entry).toBe('/console/app.js');
    const seen = new Set<string>();
    const queue = [entry!];
    while (queue.length > 0) {
      const url = queue.shift()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const response = await server.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type'], url).toBe('text/javascript; charset=utf-8');
      expect(response.headers['content-security-policy'], url).toContain("script-src 'self'");
      expect(response.headers['x-frame-options'], url).toBe('DENY');
      for (const specifier of importsOf(response.body)) queue.push(new URL(specifier, `http://console${url}`).pathname);
    }
    // The entry, the shared modules and the views.
    expect([...seen]).toEqual(expect.arrayContaining(['/console/app.js', '/console/lib/api.js', '/console/lib/dom.js', '/console/lib/router.js', '/console/lib/messages.js', '/console/views/secret-form.js']));
    expect(seen.size).toBeGreaterThan(10);
    const css = await server.app.inject({ method: 'GET', url: '/console/app.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers 404 for a path that is not a console file, and for one that climbs out of the folder', async () => {
    const server = await startTestServer();
    for (const url of [
      '/console/nothing.js',
      '/console/tsconfig.json',
      '/console/api-types.d.ts',
      '/console/../package.json',
      '/console/%2e%2e/package.json',
      '/console/lib/%2e%2e/%2e%2e/package.json',
      '/console/..%2fpackage.json',
      '/console/lib/..%2f..%2fsrc%2findex.ts',
      '/console/%2e%2e%2f%2e%2e%2fpackage.json',
    ]) {
      const response = await server.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.body, url).not.toContain('"name": "@tessera/server"');
    }
  });
});
