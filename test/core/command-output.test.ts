/** What the CLI prints cannot drive the operator's terminal, whatever stored text it repeats. */
import { describe, expect, it } from 'vitest';
import { printJson, printTable, terminalSafe, terminalText, type CommandOutput } from '@tessera/core';

function capture(): { output: CommandOutput; lines: string[] } {
  const lines: string[] = [];
  return { output: { out: (line) => lines.push(`out:${line}`), err: (line) => lines.push(`err:${line}`), interactive: false }, lines };
}

describe('terminal-safe output', () => {
  it('shows every control character a terminal acts on as U+FFFD, keeping newlines and tabs', () => {
    const hostile = 'title \u001b]0;pwned\u0007, CSI \u009b2J, bell \u0007, back\rspace\b, del \u007f';
    expect(terminalText(hostile)).toBe('title \uFFFD]0;pwned\uFFFD, CSI \uFFFD2J, bell \uFFFD, back\uFFFDspace\uFFFD, del \uFFFD');
    expect(terminalText('two\nlines\twith a tab, é and 日本')).toBe('two\nlines\twith a tab, é and 日本');
    const { output, lines } = capture();
    const safe = terminalSafe(output);
    safe.out('a \u001b[31mred\u001b[0m name');
    safe.err('tessera: \u009b1m');
    printTable(safe, ['NAME', 'URL'], [['x\u001b[2J', 'http://h/\u0007']], 'none');
    expect(lines).toEqual(['out:a \uFFFD[31mred\uFFFD[0m name', 'err:tessera: \uFFFD1m', 'out:NAME   URL', 'out:x\uFFFD[2J  http://h/\uFFFD']);
  });

  it('prints JSON with DEL and the C1 controls escaped too: the same values, nothing raw', () => {
    const { output, lines } = capture();
    const value = { body: 'esc \u001b, csi \u009b, del \u007f, ok é' };
    printJson(terminalSafe(output), value);
    const printed = lines[0]!.slice('out:'.length);
    expect(printed).not.toMatch(/(?!\n)\p{Cc}|\uFFFD/u);
    expect(JSON.parse(printed)).toEqual(value);
  });
});
