/**
 * Reads sensitive values without putting them on the command line: one line each from stdin when it
 * is piped, or a prompt with the echo off on a terminal.
 */
// node:readline when a value is read, not on import (most commands read none).
import { UsageError } from '@tessera/core';

export async function readSensitive(labels: readonly string[], input: NodeJS.ReadStream = process.stdin): Promise<string[]> {
  if (labels.length === 0) return [];
  if (input.isTTY) {
    const values: string[] = [];
    for (const label of labels) values.push(await prompt(`${label}: `, input));
    return values;
  }
  const lines = await readLines(input, labels.length);
  if (lines.length < labels.length) {
    throw new UsageError(`Expected ${labels.length} line(s) on stdin, one for each of: ${labels.join(', ')}; got ${lines.length}.`);
  }
  return lines;
}

function readLines(input: NodeJS.ReadableStream, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    const reader = process.getBuiltinModule('node:readline').createInterface({ input, crlfDelay: Infinity });
    reader.on('line', (line) => {
      if (lines.length < count) lines.push(line);
      if (lines.length === count) reader.close();
    });
    reader.on('close', () => resolve(lines));
    reader.on('error', reject);
  });
}

function prompt(question: string, input: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve) => {
    process.stderr.write(question);
    input.setRawMode(true);
    input.resume();
    let value = '';
    const finish = () => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        // Enter, or Ctrl-D: the value ends here.
        if (char === '\r' || char === '\n' || char === '\u0004') return finish();
        if (char === '\u0003') process.exit(130);
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    input.on('data', onData);
  });
}
