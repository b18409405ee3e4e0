/**
 * `npm run bench`, log redaction: masking a log line by value while 20,000 tokens (sharing a JWT's
 * beginning, which the line quotes) and the credentials of 1,000 secrets are registered, against the
 * same line through `JSON.stringify` alone, the work every log line costs anyway; and (issue 16) a
 * 300-character line with the credentials of 1,000, 10,000 and 100,000 secrets registered, whose cost
 * must not grow with their number; and registering tokens past the pool's limit (each one in pushes the
 * oldest out), tokens with random endings against tokens that all end alike.
 */
import { randomBytes } from 'node:crypto';
import { Redactor } from '@tessera/core';
import { median } from './median.js';

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

export interface RedactionScaleFigures {
  secrets: number;
  /** Values registered (every encoded form of each credential counts once). */
  registered: number;
  /** A 300-character line holding no credential, and one quoting one of them. */
  cleanMicros: number;
  quotingMicros: number;
}

/**
 * The cost of one log line against the number of secrets registered: every size set up first, then
 * three rounds over them (the median of each), so the machine's load at one moment does not fall on one size.
 */
export function runRedactionScaleBench(sizes: readonly number[] = [1_000, 10_000, 100_000]): RedactionScaleFigures[] {
  const filler = 'connector salesforce-prod: token request to https://login.example.com/services/oauth2/token answered 200 in 183 ms; ';
  const clean = (filler + filler + filler).slice(0, 300);
  const setups = sizes.map((secrets) => {
    const redactor = new Redactor();
    let quoted = '';
    for (let i = 0; i < secrets; i++) {
      const clientSecret = randomBytes(24).toString('base64url');
      if (i === Math.floor(secrets / 2)) quoted = clientSecret;
      redactor.registerCredentials(`sec_${i}`, [clientSecret, `svc-user-${i}@example.com`]);
    }
    const quoting = (filler.slice(0, 150) + ` client_secret=${quoted} ` + filler).slice(0, 300);
    if (redactor.redactText(quoting).includes(quoted)) throw new Error('the redaction bench line kept the credential it quotes');
    return { secrets, redactor, quoting, clean: [] as number[], quotingTimes: [] as number[] };
  });
  const time = (redactor: Redactor, line: string) => {
    for (let i = 0; i < 2_000; i++) redactor.redactText(line);
    const rounds = 20_000;
    const started = performance.now();
    for (let i = 0; i < rounds; i++) redactor.redactText(line);
    return ((performance.now() - started) * 1_000) / rounds;
  };
  for (let round = 0; round < 3; round++) {
    for (const setup of setups) {
      setup.clean.push(time(setup.redactor, clean));
      setup.quotingTimes.push(time(setup.redactor, setup.quoting));
    }
  }
  return setups.map((setup) => ({ secrets: setup.secrets, registered: setup.secrets * 2, cleanMicros: median(setup.clean), quotingMicros: median(setup.quotingTimes) }));
}

export interface RegistrationFigures {
  /** Per token registered once the pool is full, µs: random endings, then every token ending in the same 40 characters. */
  randomMicros: number;
  sharedEndingMicros: number;
}

/** Tokens registered past the pool's 20,000, so that every one registered forgets the oldest. */
export function runRegistrationBench(): RegistrationFigures {
  const time = (token: (i: number) => string) => {
    const redactor = new Redactor();
    for (let i = 0; i < 25_000; i++) redactor.register(token(i));
    const started = performance.now();
    for (let i = 25_000; i < 35_000; i++) redactor.register(token(i));
    return ((performance.now() - started) * 1_000) / 10_000;
  };
  const random = randomBytes(35_000 * 24).toString('base64url');
  return {
    randomMicros: time((i) => `at-${random.slice(i * 32, i * 32 + 32)}`),
    // As a token endpoint that pads its tokens may issue them (the bench's own does).
    sharedEndingMicros: time((i) => `at-${i}-${'t'.repeat(40)}`),
  };
}
