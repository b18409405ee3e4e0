/** `tessera serve` as a real OS process on port 0, with the environment a test gives it; resolves once it listens. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { recordLogLine } from './leak-audit.js';
import { waitFor } from './wait-for.js';

export const TESSERA_BIN = join(import.meta.dirname, '..', '..', 'packages', 'server', 'dist', 'cli', 'tessera.js');

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
  /** An API call with the admin token; resolves with the status and the parsed body. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/** `cwd`: the directory it runs in (plugins resolve from there); `args`: more flags after `serve --port 0`. */
export async function startServeProcess(env: Record<string, string>, adminToken: string, options: { cwd?: string; args?: string[] } = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [TESSERA_BIN, 'serve', '--port', '0', ...(options.args ?? [])], { env: { PATH: process.env.PATH ?? '', ...env }, ...(options.cwd && { cwd: options.cwd }) });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    // What the process printed and logged goes through the leak audit too.
    for (const line of output.split('\n')) if (line.trim() !== '') recordLogLine(line);
  });
  // The banner's last line: everything before it has been printed.
  await waitFor(() => /running at (http:\S+)/.test(output) && /\n {2}data: /.test(output), 30_000).catch(() => {
    throw new Error(`tessera serve did not start:\n${output}`);
  });
  const url = /running at (http:\S+)/.exec(output)![1]!;
  return {
    child,
    url,
    output: () => output,
    exited,
    api: async <T>(method: string, path: string, body?: unknown) => {
      const response = await fetch(new URL(path, url), {
        method,
        headers: { authorization: `Bearer ${adminToken}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
    },
  };
}
