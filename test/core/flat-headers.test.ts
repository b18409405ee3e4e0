/** Response headers reach every caller as one lower-case name to one string (`flatHeaders`, the one helper the HTTP client uses). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CORE, flatHeaders, type HttpClient } from '@tessera/core';
import { startTestTessera } from '../support/start-test-tessera.js';

describe('flatHeaders', () => {
  it('joins a repeated header, lower-cases names and leaves out empty values', () => {
    expect(flatHeaders({ 'Set-Cookie': ['a=1', 'b=2'], 'X-Mixed-Case': 'yes', 'content-length': 12, absent: undefined, gone: null })).toEqual({
      'set-cookie': 'a=1, b=2',
      'x-mixed-case': 'yes',
      'content-length': '12',
    });
  });

  it("is what the HTTP client answers with, for a real server's repeated headers", async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      res.setHeader('Set-Cookie', ['session=1; Path=/', 'theme=dark']);
      res.setHeader('WWW-Authenticate', 'Bearer realm="tessera"');
      res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"invalid_client"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const world = await startTestTessera();
    const client = world.container.get<HttpClient>(CORE.HttpClient);
    const answer = await client.post(`http://127.0.0.1:${(server.address() as AddressInfo).port}/token`, 'grant_type=client_credentials', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(answer.status).toBe(401);
    expect(answer.headers).toMatchObject({ 'set-cookie': 'session=1; Path=/, theme=dark', 'www-authenticate': 'Bearer realm="tessera"', 'content-type': 'application/json' });
    expect(Object.keys(answer.headers).every((name) => name === name.toLowerCase())).toBe(true);
  });
});
