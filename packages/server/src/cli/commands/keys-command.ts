/**
 * `tessera keys rotate`: a new master key, every secret and signing secret re-encrypted under it with
 * a progress bar, and the old key dropped. Crash-safe: the old key stays on disk until the end.
 */
import { copyFileSync, existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { KeyRing} from '@tessera/core';
import { CORE, generateMasterKey, type SecretStore } from '@tessera/core';
import { WEBHOOKS, type EndpointStore } from '@tessera/webhooks';
import { masterKeyFile, previousKeyFile } from '../../config/server-keys.js';
import { runningServerPid } from '../../config/server-pid.js';
import { parseFlags } from '../cli-args.js';
import type { CliContext } from '../cli-context.js';
import { CommandFailed, UsageError } from '../cli-errors.js';
import { printJson, progressBar } from '../cli-output.js';

export const KEYS_USAGE = ['tessera keys rotate [--json]   (stop `tessera serve` first; with TESSERA_MASTER_KEY, set the new key there and the old one in TESSERA_PREVIOUS_MASTER_KEYS)'];

export async function keysCommand(action: string | undefined, args: string[], cli: CliContext): Promise<void> {
  if (action !== 'rotate') throw new UsageError(`Unknown keys command '${action ?? ''}'. Usage:\n  ${KEYS_USAGE.join('\n  ')}`);
  const parsed = parseFlags(args, { json: { type: 'boolean' } }, KEYS_USAGE[0] as string);
  const pid = runningServerPid(cli.config);
  if (pid !== undefined) {
    throw new CommandFailed(`A Tessera server (pid ${pid}) is running on ${cli.config.dataDir}; stop it first (kill -TERM ${pid}), rotate, then start it again.`);
  }
  const fromEnvironment = cli.config.masterKey !== undefined;
  if (fromEnvironment && cli.config.previousKeys.length === 0) {
    throw new UsageError('With TESSERA_MASTER_KEY, put the new key in TESSERA_MASTER_KEY and the old one in TESSERA_PREVIOUS_MASTER_KEYS, then run keys rotate.');
  }
  if (!fromEnvironment) prepareDevKeyFiles(cli);

  const secrets = cli.get<SecretStore>(CORE.SecretStore);
  const endpoints = cli.get<EndpointStore>(WEBHOOKS.EndpointStore);
  const keyId = cli.get<KeyRing>(CORE.KeyRing).primaryId;
  const bar = parsed.values.json ? () => undefined : progressBar(cli.output, 'secrets');
  const { reencrypted, total } = await secrets.rotateKeys(({ done, total: count }) => bar(done, count));
  const signing = await endpoints.resealSigningSecrets();
  await cli.close();
  if (!fromEnvironment) rmSync(previousKeyFile(cli.config), { force: true });

  const result = { keyId, secretsReencrypted: reencrypted, secrets: total, webhooksReencrypted: signing };
  if (parsed.values.json) return printJson(cli.output, result);
  cli.output.out(`Re-encrypted ${reencrypted} of ${total} secrets and the signing secrets of ${signing} webhooks under key ${keyId}.`);
  cli.output.out(fromEnvironment ? 'The old key is no longer needed: remove TESSERA_PREVIOUS_MASTER_KEYS.' : `The old key is no longer needed and was removed; ${masterKeyFile(cli.config)} holds the new one (back it up).`);
}

/**
 * Dev key file: keep the current key as `master.key.previous` and write a new `master.key`. If a
 * rotation was interrupted, both files are already there and this run finishes it with the same keys.
 */
function prepareDevKeyFiles(cli: CliContext): void {
  const current = masterKeyFile(cli.config);
  const previous = previousKeyFile(cli.config);
  if (!existsSync(current)) throw new CommandFailed(`There is no key file at ${current}: nothing was ever encrypted here, so there is nothing to rotate.`);
  if (existsSync(previous)) {
    cli.output.err('An interrupted rotation was found: finishing it with the keys already on disk.');
    return;
  }
  copyFileSync(current, previous);
  const next = current + '.next';
  writeFileSync(next, generateMasterKey() + '\n', { mode: 0o600 });
  renameSync(next, current);
}
