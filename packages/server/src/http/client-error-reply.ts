/**
 * What a client gets when its request never became one (fastify's `clientErrorHandler`): a request that
 * did not arrive in time (408), headers too large (431) or bytes that are not HTTP (400), in DESIGN §3's
 * error shape, never echoing what was sent, and the connection closed.
 */
import type { Socket } from 'node:net';
import type { ErrorBody } from './error-reply.js';

export function clientErrorReply(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, body]: [number, string, ErrorBody] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', { error: { code: 'request-timeout', message: 'The request did not arrive in time (--request-timeout). Send it whole, without pauses.' } }]
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', { error: { code: 'headers-too-large', message: 'The request line and headers are larger than 16 KB. Send fewer or shorter headers, or a shorter URL.' } }]
        : [400, 'Bad Request', { error: { code: 'bad-request', message: 'The request is not valid HTTP/1.1.' } }];
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
  }
  socket.destroy();
}
