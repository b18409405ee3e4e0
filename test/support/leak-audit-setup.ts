/**
 * Vitest global setup: starts the leak audit empty and, after the whole suite, fails the run if any
 * log line holds a credential or token. (Vitest reports a teardown error but keeps exit code 0, so
 * the failure also sets the process exit code.)
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_DIR } from './leak-audit.js';

export function setup(): void {
  rmSync(AUDIT_DIR, { recursive: true, force: true });
}

export function teardown(): void {
  if (!existsSync(AUDIT_DIR)) return fail('Leak audit: no secrets or logs were recorded; the audit would prove nothing.');
  const files = readdirSync(AUDIT_DIR);
  const read = (prefix: string) =>
    files
      .filter((f) => f.startsWith(prefix))
      .flatMap((f) => readFileSync(join(AUDIT_DIR, f), 'utf8').split('\n'))
      .filter(Boolean);
  const secrets = new Set(read('secrets-').filter((s) => s.length >= 6));
  const lines = read('logs-');
  if (secrets.size === 0 || lines.length === 0) return fail(`Leak audit: ${secrets.size} secrets and ${lines.length} log lines recorded; expected both.`);
  const leaks: string[] = [];
  for (const line of lines) {
    for (const secret of secrets) if (line.includes(secret) || line.includes(encodeURIComponent(secret))) leaks.push(`${secret.slice(0, 3)}… in: ${line.slice(0, 200)}`);
  }
  if (leaks.length > 0) return fail(`Leak audit: ${leaks.length} log lines hold a credential or token:\n${leaks.slice(0, 10).join('\n')}`);
  console.log(`Leak audit: ${lines.length} log lines checked against ${secrets.size} credentials and tokens; none leaked.`);
}

function fail(message: string): never {
  process.exitCode = 1;
  throw new Error(message);
}
