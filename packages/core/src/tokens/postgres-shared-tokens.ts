/**
 * Shared tokens on PostgreSQL: the `token_cache` table (token sealed with the key ring, bound to its
 * secret), a lease taken with `INSERT … ON CONFLICT … WHERE lease_until < now()` and fenced by a
 * counter, and `tessera_tokens` NOTIFYs so waiting instances take a new token at once. A change of the
 * secret's params drops the row's token in the same transaction (`PostgresSecretRecords`).
 */
import { createHash } from 'node:crypto';
import type { KeyRing } from '../crypto/key-ring.js';
import { TesseraError } from '../errors/tessera-error.js';
import type { PostgresDatabase } from '../postgres/postgres-database.js';
import { corePostgresMigrations } from '../store/core-postgres-migrations.js';
import type { IssuedToken } from './access-token.js';
import type { SharedTokens, SharedTokenState } from './shared-tokens.js';
import { TokenRequestError, type TokenErrorCode } from './token-request-error.js';

/** Payload: `<event> <origin> <secret id>`, event one of issued, failed, invalidated, released. */
export const TOKEN_CHANNEL = 'tessera_tokens';

interface TokenRow {
  sealed: string | null;
  failure: string | null;
  failure_until: number | null;
  leased: boolean;
}

interface StoredFailure {
  code: TokenErrorCode;
  message: string;
  retryable: boolean;
  status?: number;
  oauthError?: string;
  oauthErrorDescription?: string;
  retryAfterMs?: number;
  reason?: string;
}

const NOW_MS = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;

function tokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url');
}

export class PostgresSharedTokens implements SharedTokens {
  readonly #waiters = new Map<string, Set<() => void>>();
  readonly #dropped = new Set<(secretId: string) => void>();
  #listening = false;

  constructor(
    private readonly db: PostgresDatabase,
    private readonly keys: KeyRing,
  ) {}

  async #ready(): Promise<PostgresDatabase> {
    await this.db.ensureSchema('core', corePostgresMigrations);
    if (!this.#listening) {
      this.#listening = true;
      this.db.listen(TOKEN_CHANNEL, (payload) => this.#heard(payload));
    }
    return this.db;
  }

  async read(secretId: string): Promise<SharedTokenState> {
    const db = await this.#ready();
    const [row] = await db.query<TokenRow>(
      `SELECT sealed, failure, failure_until, (lease_owner IS NOT NULL AND lease_until > ${NOW_MS}) AS leased FROM token_cache WHERE secret_id = $1`,
      [secretId],
    );
    if (!row) return { token: undefined, failure: undefined, leased: false };
    return {
      token: row.sealed === null ? undefined : this.#openOrForget(secretId, row.sealed),
      failure: row.failure === null || row.failure_until === null ? undefined : { error: reviveFailure(JSON.parse(row.failure) as StoredFailure, secretId), until: row.failure_until },
      leased: row.leased,
    };
  }

  async lease(secretId: string, owner: string, leaseMs: number): Promise<number | undefined> {
    const db = await this.#ready();
    const rows = await db.query<{ fence: number }>(
      `INSERT INTO token_cache (secret_id, lease_owner, lease_until, fence) VALUES ($1, $2, ${NOW_MS} + $3, 1)
       ON CONFLICT (secret_id) DO UPDATE SET lease_owner = EXCLUDED.lease_owner, lease_until = EXCLUDED.lease_until, fence = token_cache.fence + 1
       WHERE token_cache.lease_owner IS NULL OR token_cache.lease_until <= ${NOW_MS}
       RETURNING fence`,
      [secretId, owner, leaseMs],
    );
    return rows[0]?.fence;
  }

  async renew(secretId: string, owner: string, fence: number, leaseMs: number): Promise<boolean> {
    const db = await this.#ready();
    const rows = await db.query(`UPDATE token_cache SET lease_until = ${NOW_MS} + $4 WHERE secret_id = $1 AND lease_owner = $2 AND fence = $3 RETURNING 1`, [secretId, owner, fence, leaseMs]);
    return rows.length === 1;
  }

  async settle(secretId: string, owner: string, fence: number, outcome: { token: IssuedToken } | { failure: TokenRequestError; until: number }): Promise<boolean> {
    const db = await this.#ready();
    return db.transaction(async (tx) => {
      const rows =
        'token' in outcome
          ? await tx.query(
              `UPDATE token_cache SET sealed = $4, token_hash = $5, failure = NULL, failure_until = NULL, lease_owner = NULL, lease_until = NULL, updated_at = ${NOW_MS}
               WHERE secret_id = $1 AND lease_owner = $2 AND fence = $3 RETURNING 1`,
              [secretId, owner, fence, this.#seal(secretId, outcome.token), tokenHash(outcome.token.accessToken)],
            )
          : await tx.query(
              `UPDATE token_cache SET failure = $4, failure_until = $5, lease_owner = NULL, lease_until = NULL, updated_at = ${NOW_MS}
               WHERE secret_id = $1 AND lease_owner = $2 AND fence = $3 RETURNING 1`,
              [secretId, owner, fence, JSON.stringify(storedFailure(outcome.failure)), outcome.until],
            );
      if (rows.length === 1) await db.notify(TOKEN_CHANNEL, `${'token' in outcome ? 'issued' : 'failed'} ${db.origin} ${secretId}`, tx);
      return rows.length === 1;
    });
  }

  async release(secretId: string, owner: string, fence: number): Promise<void> {
    const db = await this.#ready();
    await db.transaction(async (tx) => {
      const rows = await tx.query('UPDATE token_cache SET lease_owner = NULL, lease_until = NULL WHERE secret_id = $1 AND lease_owner = $2 AND fence = $3 RETURNING 1', [secretId, owner, fence]);
      if (rows.length === 1) await db.notify(TOKEN_CHANNEL, `released ${db.origin} ${secretId}`, tx);
    });
  }

  async invalidate(secretId: string, accessToken: string): Promise<boolean> {
    const db = await this.#ready();
    return db.transaction(async (tx) => {
      const rows = await tx.query('UPDATE token_cache SET sealed = NULL, token_hash = NULL WHERE secret_id = $1 AND token_hash = $2 RETURNING 1', [secretId, tokenHash(accessToken)]);
      if (rows.length === 1) await db.notify(TOKEN_CHANNEL, `invalidated ${db.origin} ${secretId}`, tx);
      return rows.length === 1;
    });
  }

  changed(secretId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.#waiters.get(secretId);
      if (!set) this.#waiters.set(secretId, (set = new Set()));
      const waiters = set;
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiters.get(secretId) === waiters) this.#waiters.delete(secretId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waiters.add(done);
    });
  }

  onMissedNotices(listener: () => void): () => void {
    return this.db.onListenGap(listener);
  }

  onDropped(listener: (secretId: string) => void): () => void {
    this.#dropped.add(listener);
    void this.#ready().catch(() => undefined);
    return () => this.#dropped.delete(listener);
  }

  #heard(payload: string): void {
    const [event, origin, secretId = ''] = payload.split(' ');
    if (event === 'invalidated' && origin !== this.db.origin) for (const listener of this.#dropped) listener(secretId);
    for (const done of [...(this.#waiters.get(secretId) ?? [])]) done();
  }

  /** Sealed with the key ring, bound to the secret (additional data), like every stored credential. */
  #seal(secretId: string, token: IssuedToken): string {
    return this.keys.encrypt(JSON.stringify({ ...token, expiresAt: token.expiresAt.getTime() }), `token:${secretId}`);
  }

  /** A token sealed under a key the ring no longer has (rotated out) is as good as none: a new one is requested and stored. */
  #openOrForget(secretId: string, sealed: string): IssuedToken | undefined {
    try {
      return this.#open(secretId, sealed);
    } catch (error) {
      if (error instanceof TesseraError) return undefined;
      throw error;
    }
  }

  #open(secretId: string, sealed: string): IssuedToken {
    const stored = JSON.parse(this.keys.decrypt(sealed, `token:${secretId}`)) as Omit<IssuedToken, 'expiresAt'> & { expiresAt: number };
    return { ...stored, expiresAt: new Date(stored.expiresAt) };
  }
}

function storedFailure(error: TokenRequestError): StoredFailure {
  return {
    code: error.code,
    message: error.message,
    retryable: error.retryable,
    ...(error.status !== undefined && { status: error.status }),
    ...(error.oauthError !== undefined && { oauthError: error.oauthError }),
    ...(error.oauthErrorDescription !== undefined && { oauthErrorDescription: error.oauthErrorDescription }),
    ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }),
    ...(error.reason !== undefined && { reason: error.reason }),
  };
}

function reviveFailure(stored: StoredFailure, secretId: string): TokenRequestError {
  const { code, message, ...info } = stored;
  return new TokenRequestError(code, message, { ...info, secretId });
}
