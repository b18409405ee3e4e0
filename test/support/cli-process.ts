/** The `tessera` CLI as a real OS process: arguments, the environment a test gives it, stdin; what it printed goes through the leak audit. */
import { spawn } from 'node:child_process';
import { recordLogLine } from './leak-audit.js';
import { TESSERA_BIN } from './serve-process.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tessera <args>` with only PATH and `env` set (in `cwd` if given), `input` on stdin; `bin`: another executable of it. */
export function runTessera(args: string[], env: Record<string, string>, options: { cwd?: string; input?: string; bin?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.bin ?? TESSERA_BIN, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['pipe', 'pipe', 'pipe'], ...(options.cwd && { cwd: options.cwd }) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      for (const line of `${stdout}\n${stderr}`.split('\n')) if (line.trim()) recordLogLine(JSON.stringify({ cli: line }));
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
