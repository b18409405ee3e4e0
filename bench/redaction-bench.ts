/**
 * `npm run bench`, log redaction: masking a log line by value while 20,000 tokens (sharing a JWT's
 * beginning, which the line quotes) and the credentials of 1,000 secrets are registered, against the
 * same line through `JSON.stringify` alone, the work every log line costs anyway.
 */
import { randomBytes } from 'node:crypto';
import { Redactor } from '@tessera/core';

const ROUNDS = 20_000;

export interface RedactionBenchFigures {
  registered: number;
  redactMicros: number;
  baselineMicros: number;
}

export function runRedactionBench(): RedactionBenchFigures {
  const redactor = new Redactor();
  for (let i = 0; i < 1_000; i++) redactor.registerCredentials(`sec_${i}`, [randomBytes(12).toString('base64url'), `user-${i}-${randomBytes(4).toString('hex')}`]);
  // Tokens of one issuer share a long beginning, as JWTs do (their header), and an error text may quote it.
  const jwtHeader = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.';
  for (let i = 0; i < 20_000; i++) redactor.register(`${jwtHeader}${randomBytes(24).toString('base64url')}`);
  const line = `token request failed: the endpoint answered HTTP 401 (${jwtHeader.repeat(2)}) after ${randomBytes(8).toString('hex')} ms; retrying in 5 minutes`;
  const time = (work: () => unknown) => {
    for (let i = 0; i < 1_000; i++) work();
    const started = performance.now();
    for (let i = 0; i < ROUNDS; i++) work();
    return ((performance.now() - started) * 1_000) / ROUNDS;
  };
  const baselineMicros = time(() => JSON.stringify({ message: line }));
  const redactMicros = time(() => redactor.redactText(line));
  return { registered: 1_000 * 2 + 20_000, redactMicros, baselineMicros };
}
