/** A raw TCP client for HTTP tests that need what no HTTP client sends: trickled bytes, huge headers, garbage. */
import { connect, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';

export interface RawClient {
  socket: Socket;
  /** Everything received so far. */
  readonly received: string;
  /** True once the server has closed the connection (or it was reset). */
  readonly closed: boolean;
  /** Resolves when the connection is closed. */
  whenClosed: Promise<void>;
  write(text: string): void;
  /** Writes `text` one character every `intervalMs` until the connection closes or `stop()` is called. */
  trickle(text: string, intervalMs: number): void;
  stop(): void;
}

export function rawClient(port: number, host = '127.0.0.1'): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    let received = '';
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    const whenClosed = new Promise<void>((done) =>
      socket.on('close', () => {
        closed = true;
        clearInterval(timer);
        done();
      }),
    );
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    // A reset by the server is a way of closing too.
    socket.on('error', () => undefined);
    onTestFinished(() => {
      clearInterval(timer);
      socket.destroy();
    });
    const client: RawClient = {
      socket,
      get received() {
        return received;
      },
      get closed() {
        return closed;
      },
      whenClosed,
      write: (text) => {
        if (!closed && socket.writable) socket.write(text);
      },
      trickle: (text, intervalMs) => {
        let i = 0;
        timer = setInterval(() => {
          if (closed || !socket.writable) return clearInterval(timer);
          socket.write(text[i % text.length] as string);
          i++;
        }, intervalMs);
      },
      stop: () => clearInterval(timer),
    };
    socket.once('connect', () => resolve(client));
    socket.once('error', reject);
  });
}

/** The JSON body of a raw HTTP/1.1 answer. */
export function rawBody(answer: string): unknown {
  const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
  return JSON.parse(body);
}
