/** How commands print: aligned tables for people, `--json` for scripts, and a progress bar on stderr. */
import { maskControls } from '../input/without-controls.js';
import type { CommandOutput } from './command-group.js';

/** This process's stdout and stderr. */
export const processOutput: CommandOutput = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  interactive: process.stderr.isTTY === true,
};

/** What JSON.stringify leaves raw but a terminal may act on: DEL and the C1 controls. */
const RAW_IN_JSON = /[\u007f-\u009f]/g;

/** `text` with every control character a terminal would act on shown as U+FFFD instead (line ends and tabs kept): stored text (a receiver's answer, a name) must not drive the operator's terminal. */
export function terminalText(text: string): string {
  return maskControls(text, { lines: true });
}

/** `output` printing `terminalText` of every line. */
export function terminalSafe(output: CommandOutput): CommandOutput {
  return { out: (line) => output.out(terminalText(line)), err: (line) => output.err(terminalText(line)), interactive: output.interactive };
}

/** As JSON, with DEL and C1 controls escaped too (`\u009b`): the same values, nothing a terminal acts on. */
export function printJson(output: CommandOutput, value: unknown): void {
  output.out(JSON.stringify(value, null, 2).replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** Columns padded to their widest cell; an empty list says so instead of printing a bare header. */
export function printTable(output: CommandOutput, headers: readonly string[], rows: ReadonlyArray<readonly string[]>, empty: string): void {
  if (rows.length === 0) {
    output.out(empty);
    return;
  }
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  output.out(line(headers));
  for (const row of rows) output.out(line(row));
}

/** `[██████░░░░░░] 50% 5/10 secrets`: redrawn in place on a terminal, printed at each quarter otherwise. */
export function progressBar(output: CommandOutput, label: string): (done: number, total: number) => void {
  let lastQuarter = -1;
  return (done, total) => {
    const ratio = total === 0 ? 1 : done / total;
    const width = 24;
    const filled = Math.round(ratio * width);
    const bar = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}% ${done}/${total} ${label}`;
    if (output.interactive) {
      process.stderr.write(`\r${bar}${done === total ? '\n' : ''}`);
      return;
    }
    const quarter = Math.floor(ratio * 4);
    if (quarter !== lastQuarter) {
      lastQuarter = quarter;
      output.err(bar);
    }
  };
}
