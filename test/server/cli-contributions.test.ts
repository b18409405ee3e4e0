/**
 * The CLI assembles what packages and plugins contribute (`CORE.CommandGroup`): the webhooks package
 * contributes `webhooks` and `deliveries`, a plugin's `commands` add a group that its help lists (without
 * opening the data directory) and that runs on the data directory's services; a group whose name is
 * taken stops the command, naming the plugin; what a plugin sealed with the key ring (`CORE.SealedData`)
 * is re-encrypted by `tessera keys rotate` with Tessera's own secrets.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Container } from 'inversify';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CORE, KeyRing, generateMasterKey, type CommandGroup } from '@tessera/core';
import { webhookCommandsModule } from '@tessera/webhooks';
import { runTessera } from '../support/cli-process.js';
import { rememberSecret } from '../support/leak-audit.js';

const REPO = join(import.meta.dirname, '..', '..');

function dataDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-contributions-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'data');
}

describe('CLI contributions', () => {
  it('takes the webhooks and deliveries commands from the webhooks package', () => {
    const container = new Container();
    container.load(webhookCommandsModule());
    const groups = container.getAll<CommandGroup>(CORE.CommandGroup);
    expect(groups.map((group) => group.name)).toEqual(['webhooks', 'deliveries']);
    expect(groups[0]!.usage).toContain('tessera webhooks list [--json]');
  });

  it("lists a plugin's command group in the help without touching the data directory, and runs it on the data directory's services", { timeout: 120_000 }, async () => {
    const dataDir = dataDirectory();
    const env = { TESSERA_DATA_DIR: dataDir, TESSERA_PLUGINS: './test/fixtures/contributing-plugin.mjs', TESSERA_MASTER_KEY: rememberSecret(generateMasterKey()) };

    const help = await runTessera(['help'], env, { cwd: REPO });
    expect(help.code).toBe(0);
    for (const line of ['tessera serve', 'tessera secrets list', 'tessera webhooks list [--json]', 'tessera deliveries list', 'tessera keys rotate', 'tessera acme status [--json]']) {
      expect(help.stdout).toContain(line);
    }
    expect(existsSync(dataDir)).toBe(false);
    const groupHelp = await runTessera(['acme', '--help'], env, { cwd: REPO });
    expect(groupHelp).toMatchObject({ code: 0, stdout: 'Usage: tessera acme status [--json]\n' });
    expect(existsSync(dataDir)).toBe(false);

    const status = await runTessera(['acme', 'status', '--json'], env, { cwd: REPO });
    expect(status.stderr).toBe('');
    expect(JSON.parse(status.stdout)).toEqual({ secrets: 0, synced: 3 });
    const wrong = await runTessera(['acme', 'sync'], env, { cwd: REPO });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe("tessera: Unknown acme command 'sync'. Usage: tessera acme status [--json]\n");
    // Without the plugin, the group is unknown.
    const without = await runTessera(['acme', 'status'], { ...env, TESSERA_PLUGINS: '' }, { cwd: REPO });
    expect(without.code).toBe(2);
    expect(without.stderr).toContain("Unknown command 'acme'");
  });

  it("stops at a plugin's group whose name Tessera already has, naming the plugin; the help still lists Tessera's own", { timeout: 120_000 }, async () => {
    const env = { TESSERA_DATA_DIR: dataDirectory(), TESSERA_PLUGINS: './test/fixtures/clashing-commands-plugin.mjs', TESSERA_MASTER_KEY: rememberSecret(generateMasterKey()) };
    const run = await runTessera(['secrets', 'list'], env, { cwd: REPO });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("tessera: The plugin 'acme-clash' contributes the command group 'secrets', which Tessera already has: one name, one group.\n");
    const help = await runTessera(['help'], env, { cwd: REPO });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('tessera secrets list');
    expect(help.stdout).not.toContain('tessera secrets wipe');
    expect(help.stdout).toContain("(Only Tessera's own commands are listed: The plugin 'acme-clash' contributes the command group 'secrets'");
  });

  it('re-encrypts what a plugin sealed with the key ring when the keys rotate', { timeout: 120_000 }, async () => {
    const dataDir = dataDirectory();
    const [oldKey, newKey] = [rememberSecret(generateMasterKey()), rememberSecret(generateMasterKey())];
    const sealedFile = join(dataDir, '..', 'acme.sealed');
    const before = KeyRing.fromMasterKey(oldKey).encrypt('acme-api-key-42', 'acme');
    writeFileSync(sealedFile, before);
    const env = { TESSERA_DATA_DIR: dataDir, TESSERA_PLUGINS: './test/fixtures/contributing-plugin.mjs', ACME_SEALED_FILE: sealedFile };

    const rotated = await runTessera(['keys', 'rotate'], { ...env, TESSERA_MASTER_KEY: newKey, TESSERA_PREVIOUS_MASTER_KEYS: oldKey }, { cwd: REPO });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain('Also re-encrypted: 1 records of acme.');
    const after = readFileSync(sealedFile, 'utf8');
    expect(after).not.toBe(before);
    // The new key alone opens it; the old one no longer does.
    expect(KeyRing.fromMasterKey(newKey).decrypt(after, 'acme')).toBe('acme-api-key-42');
    expect(() => KeyRing.fromMasterKey(oldKey).decrypt(after, 'acme')).toThrow();

    // Run again: nothing is left under an old key, and --json says what each contribution re-encrypted.
    const again = await runTessera(['keys', 'rotate', '--json'], { ...env, TESSERA_MASTER_KEY: newKey, TESSERA_PREVIOUS_MASTER_KEYS: oldKey }, { cwd: REPO });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ secretsReencrypted: 0, webhooksReencrypted: 0, resealed: { webhooks: 0, acme: 0 } });
  });
});
