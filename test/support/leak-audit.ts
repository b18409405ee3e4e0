/**
 * Collects, across the whole suite, every credential and token the tests create and every log line
 * Tessera writes, so the global teardown can prove no log line holds a secret.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const AUDIT_DIR = join(process.cwd(), 'test-results', 'leak-audit');

/** Remembers a value that must never appear in any log line of the suite. */
export function rememberSecret(value: string): string {
  mkdirSync(AUDIT_DIR, { recursive: true });
  appendFileSync(join(AUDIT_DIR, `secrets-${process.pid}.txt`), value + '\n');
  return value;
}

export function recordLogLine(line: string): void {
  mkdirSync(AUDIT_DIR, { recursive: true });
  appendFileSync(join(AUDIT_DIR, `logs-${process.pid}.jsonl`), line.endsWith('\n') ? line : line + '\n');
}
