/** A line below every transport's level is never built (its fields are not even read); a level that some transport or a later change takes still comes out. */
import type winston from 'winston';
import { describe, expect, it } from 'vitest';
import { createLogger, Redactor } from '@tessera/core';
import { captureTransport } from '../support/start-test-tessera.js';

function logger(level: string, transports: (sink: (line: Record<string, unknown>) => void) => winston.transport[]) {
  const lines: Array<Record<string, unknown>> = [];
  return { log: createLogger(new Redactor(), { level, transports: transports((line) => lines.push(line)) }), lines };
}

describe('log levels', () => {
  it('skips a debug line at level info before anything reads it, and still writes and redacts the info line', () => {
    const { log, lines } = logger('info', (sink) => [captureTransport(sink)]);
    let reads = 0;
    const meta = {
      get secretId() {
        reads++;
        return 'sec_1';
      },
    };
    log.debug('token issued', meta);
    log.log('debug', 'token issued', { secretId: 'sec_2' });
    expect(reads).toBe(0);
    expect(lines).toEqual([]);
    log.info('token issued', { password: 'hunter2-but-longer', secretId: 'sec_3' });
    expect(lines).toEqual([expect.objectContaining({ level: 'info', message: 'token issued', password: '[REDACTED]', secretId: 'sec_3' })]);
  });

  it('writes debug lines when a transport takes them, or once the level is lowered', () => {
    const verbose = logger('info', (sink) => [captureTransport(() => undefined), Object.assign(captureTransport(sink), { level: 'debug' })]);
    verbose.log.debug('seen by the debug transport', { secretId: 'sec_4' });
    expect(verbose.lines).toEqual([expect.objectContaining({ level: 'debug', secretId: 'sec_4' })]);

    const changed = logger('info', (sink) => [captureTransport(sink)]);
    changed.log.debug('before');
    changed.log.level = 'debug';
    changed.log.debug('after', { n: 1 });
    expect(changed.lines.map((line) => line.message)).toEqual(['after']);
  });
});
