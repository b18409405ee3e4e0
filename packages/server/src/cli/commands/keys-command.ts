/**
 * `tessera keys rotate`: a new master key, every secret re-encrypted under it with a progress bar, then
 * whatever else the packages and plugins sealed (each `CORE.SealedData`: the webhooks package's signing
 * secrets and header values), and the old key dropped once nothing uses it. Crash-safe: each key file is written
 * whole (temp file, fsync, rename) before anything is re-encrypted, and a rerun finishes an interrupted
 * rotation with the keys already on disk.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CORE, KeyRing, generateMasterKey, parseFlags, CommandFailed, UsageError, printJson, progressBar, type SealedData, type SecretStore } from '@tessera/core';
import { masterKeyFile, previousKeyFile } from '../../config/server-keys.js';
import { acquire, holderPid, pidFile, rotationLockFile } from '../../config/server-pid.js';
import type { CliContext } from '../cli-context.js';

export const KEYS_USAGE = ['tessera keys rotate [--json]   (stop `tessera serve` first; with TESSERA_MASTER_KEY, set the new key there and the old one in TESSERA_PREVIOUS_MASTER_KEYS)'];

export async function keysCommand(action: string | undefined, args: string[], cli: CliContext): Promise<void> {
  if (action !== 'rotate') throw new UsageError(`Unknown keys command '${action ?? ''}'. Usage:\n  ${KEYS_USAGE.join('\n  ')}`);
  const parsed = parseFlags(args, { json: { type: 'boolean' } }, KEYS_USAGE[0] as string);
  const fromEnvironment = cli.config.masterKey !== undefined;
  if (fromEnvironment && cli.config.previousKeys.length === 0) {
    throw new UsageError('With TESSERA_MASTER_KEY, put the new key in TESSERA_MASTER_KEY and the old one in TESSERA_PREVIOUS_MASTER_KEYS, then run keys rotate.');
  }
  // The lock first, then the server check: a server starting now sees the lock and waits for us.
  const release = acquire(rotationLockFile(cli.config), cli.config.dataDir, (pid) => `Another key rotation (pid ${pid}) is running on ${cli.config.dataDir}.`);
  try {
    const server = holderPid(pidFile(cli.config));
    if (server !== undefined) {
      throw new CommandFailed(`A Tessera server (pid ${server}) is running on ${cli.config.dataDir}; stop it first (kill -TERM ${server}), rotate, then start it again.`);
    }
    if (!fromEnvironment) prepareDevKeyFiles(cli);

    const secrets = cli.get<SecretStore>(CORE.SecretStore);
    const sealed = cli.container.getAll<SealedData>(CORE.SealedData, { optional: true });
    const keyId = cli.get<KeyRing>(CORE.KeyRing).primaryId;
    const bar = parsed.values.json ? () => undefined : progressBar(cli.output, 'secrets');
    const { reencrypted, total } = await secrets.rotateKeys(({ done, total: count }) => bar(done, count));
    const resealed: Record<string, number> = {};
    for (const data of sealed) resealed[data.name] = (resealed[data.name] ?? 0) + (await data.reseal());
    // Nothing may still need the old key before it goes: a second pass must find nothing to do.
    let left = (await secrets.rotateKeys()).reencrypted;
    for (const data of sealed) left += await data.reseal();
    if (left > 0) throw new CommandFailed(`${left} values were still sealed with an old key after the rotation; the old key was kept. Run keys rotate again.`);
    await cli.close();
    if (!fromEnvironment) rmSync(previousKeyFile(cli.config), { force: true });

    const signing = resealed.webhooks ?? 0;
    const result = { keyId, secretsReencrypted: reencrypted, secrets: total, webhooksReencrypted: signing, resealed };
    if (parsed.values.json) return printJson(cli.output, result);
    cli.output.out(`Re-encrypted ${reencrypted} of ${total} secrets and the signing secrets and header values of ${signing} webhooks under key ${keyId}.`);
    const others = Object.entries(resealed).filter(([name]) => name !== 'webhooks');
    if (others.length > 0) cli.output.out(`Also re-encrypted: ${others.map(([name, count]) => `${count} records of ${name}`).join(', ')}.`);
    cli.output.out(
      fromEnvironment
        ? 'The old key is no longer needed: remove TESSERA_PREVIOUS_MASTER_KEYS.'
        : `The old key is no longer needed and was removed; ${masterKeyFile(cli.config)} holds the new one (back it up).`,
    );
  } finally {
    release();
  }
}

/**
 * Dev key files, each step durable before the next: (1) the current key is kept as `master.key.previous`;
 * (2) a new key replaces `master.key`. A rerun resumes at whichever step did not finish.
 */
function prepareDevKeyFiles(cli: CliContext): void {
  const current = masterKeyFile(cli.config);
  const previous = previousKeyFile(cli.config);
  if (!existsSync(current)) throw new CommandFailed(`There is no key file at ${current}: nothing was ever encrypted here, so there is nothing to rotate.`);
  const read = (file: string) => {
    const text = readFileSync(file, 'utf8').trim();
    try {
      KeyRing.fromMasterKey(text);
    } catch {
      throw new CommandFailed(`${file} does not hold a key (base64 of 32 bytes); restore it from your backup before rotating.`);
    }
    return text;
  };
  if (existsSync(previous)) {
    read(previous);
    cli.output.err('An interrupted rotation was found: finishing it with the keys already on disk.');
  } else {
    writeDurably(previous, read(current));
  }
  if (read(previous) === read(current)) {
    // Step 2 (again, if a crash came between the two steps): a new key, kept in `.next` until it is in place.
    const next = current + '.next';
    let key: string | undefined;
    if (existsSync(next)) {
      try {
        key = read(next);
      } catch {
        key = undefined;
      }
    }
    key ??= generateMasterKey();
    writeDurably(next, key);
    renameSync(next, current);
    syncDirectory(dirname(current));
  }
}

/** Writes a whole file or nothing: a temp file, fsync, rename, fsync of the directory. */
function writeDurably(file: string, text: string): void {
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, text + '\n', { mode: 0o600 });
  const fd = openSync(temp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  syncDirectory(dirname(file));
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
