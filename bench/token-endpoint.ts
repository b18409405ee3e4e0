/** The benchmark's token endpoint, run as its own process: a keep-alive HTTP server that answers every POST with a new token at once. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

let issued = 0;
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    issued++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: `bench-token-${process.pid}-${issued}-${'t'.repeat(40)}`, token_type: 'Bearer', expires_in: 3600 }));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('message', (message) => {
  if (message === 'stop') server.close(() => process.exit(0));
});
