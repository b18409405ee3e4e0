/** Runs a test fixture as a separate OS process that answers one JSON line per command line (test/fixtures/*.mjs). */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { onTestFinished } from 'vitest';

export interface InstanceProcess {
  child: ChildProcess;
  /** Sends one command line and resolves with the JSON line it answers. */
  send<T = Record<string, unknown>>(command: string): Promise<T>;
  /** Closes stdin and waits for the process to exit. */
  end(): Promise<number | null>;
}

export async function startInstanceProcess(fixture: string, env: Record<string, string>): Promise<InstanceProcess> {
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'fixtures', fixture)], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async <T>(): Promise<T> => {
    const line = await Promise.race([lines.next(), exited.then(() => ({ done: true as const, value: undefined }))]);
    if (line.done) throw new Error(`${fixture} exited before answering (exit code ${child.exitCode})`);
    return JSON.parse(String(line.value)) as T;
  };
  await next();
  return {
    child,
    send: <T>(command: string) => {
      child.stdin.write(command + '\n');
      return next<T>();
    },
    end: () => {
      child.stdin.end();
      return exited;
    },
  };
}
