/**
 * A loopback port whose accept queue is full, so new connections hang in the TCP handshake: the way
 * to exercise a connect timeout without sending traffic anywhere but 127.0.0.1. Node always accepts,
 * so the listener is a tiny python3 process that never calls accept().
 */
import { spawn } from 'node:child_process';
import net from 'node:net';

export async function startUnacceptingListener(): Promise<{ port: number; close(): void }> {
  const child = spawn('python3', ['-c', "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(120)"], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (data: Buffer) => resolve(Number(data.toString().trim())));
  });
  // One completed connection fills a backlog of 0; every later handshake is left unanswered.
  const filler = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    filler.once('connect', () => resolve());
    filler.once('error', reject);
  });
  return {
    port,
    close: () => {
      filler.destroy();
      child.kill();
    },
  };
}
