/**
 * Each secret's recent token requests in this process, for the console's picture of a secret: per hour
 * of the last day, the tokens issued, refreshed early, failed and the getToken calls answered from the
 * cache; and the last few requests with their outcome. Fed by `TokenEvents`; memory stays small (hours
 * older than a day and requests beyond the last few are dropped, a deleted secret is forgotten).
 */
import { inject, injectable } from 'inversify';
import type { Clock } from '../clock/clock.js';
import { ValidationError } from '../errors/validation-error.js';
import type { Redactor } from '../logging/redactor.js';
import type { SecretStore } from '../store/secret-store.js';
import { CORE } from '../tokens.js';
import type { TokenEvents } from './token-events.js';

const HOUR_MS = 3_600_000;
/** The hours kept per secret, and the most an answer covers. */
export const TOKEN_ACTIVITY_HOURS = 24;
/** The requests kept per secret, newest last. */
export const RECENT_TOKEN_REQUESTS = 20;

export interface TokenActivityCounts {
  issued: number;
  refreshed: number;
  failed: number;
  cacheHits: number;
}

export interface TokenActivityHour extends TokenActivityCounts {
  /** ISO time the hour starts; the last one is the current hour, still going. */
  start: string;
}

export interface TokenRequestRecord {
  at: string;
  outcome: 'issued' | 'refreshed' | 'failed';
  durationMs: number;
  /** A failure's stable code (`http`, `timeout`, `invalid-response`, …) and the token endpoint's HTTP status when it answered. */
  code: string | null;
  status: number | null;
  message: string | null;
}

export interface TokenActivity {
  secretId: string;
  /** What this process did: each instance of a fleet requests (and counts) for itself. */
  scope: 'this-process';
  from: string;
  to: string;
  hours: TokenActivityHour[];
  totals: TokenActivityCounts;
  /** The last requests made for this secret, newest first. */
  recent: TokenRequestRecord[];
}

interface SecretActivity {
  /** By hour number (epoch ms / 1 h), at most the last day's. */
  hours: Map<number, TokenActivityCounts>;
  recent: TokenRequestRecord[];
}

@injectable()
export class TokenActivityLog {
  readonly #secrets = new Map<string, SecretActivity>();

  constructor(
    @inject(CORE.TokenEvents) events: TokenEvents,
    @inject(CORE.Clock) private readonly clock: Clock,
    @inject(CORE.Redactor) private readonly redactor: Redactor,
    @inject(CORE.SecretStore) store: SecretStore,
  ) {
    // A deleted secret leaves nothing behind.
    store.onChange((change) => {
      if (change.type === 'deleted') this.#secrets.delete(change.id);
    });
    events.on('cacheHit', (secretId) => this.#count(secretId).cacheHits++);
    for (const outcome of ['issued', 'refreshed'] as const) {
      events.on(outcome, (event) => {
        this.#count(event.secretId)[outcome]++;
        this.#remember(event.secretId, { outcome, durationMs: event.durationMs, code: null, status: null, message: null });
      });
    }
    events.on('failed', (event) => {
      this.#count(event.secretId).failed++;
      this.#remember(event.secretId, { outcome: 'failed', durationMs: event.durationMs, code: event.code, status: event.status ?? null, message: this.redactor.redactText(event.message) });
    });
  }

  /** The last `hours` hours (default and at most 24) of one secret, ending with the current hour. */
  of(secretId: string, hours: number = TOKEN_ACTIVITY_HOURS): TokenActivity {
    if (!Number.isInteger(hours) || hours < 1 || hours > TOKEN_ACTIVITY_HOURS) {
      throw new ValidationError('The token activity window', [{ field: 'hours', message: `hours must be a whole number from 1 to ${TOKEN_ACTIVITY_HOURS}` }]);
    }
    const now = this.clock.now();
    const current = Math.floor(now / HOUR_MS);
    const activity = this.#secrets.get(secretId);
    const totals = emptyCounts();
    const list = Array.from({ length: hours }, (_, i): TokenActivityHour => {
      const hour = current - hours + 1 + i;
      const counts = activity?.hours.get(hour) ?? emptyCounts();
      for (const key of ['issued', 'refreshed', 'failed', 'cacheHits'] as const) totals[key] += counts[key];
      return { start: new Date(hour * HOUR_MS).toISOString(), ...counts };
    });
    return {
      secretId,
      scope: 'this-process',
      from: new Date((current - hours + 1) * HOUR_MS).toISOString(),
      to: new Date(now).toISOString(),
      hours: list,
      totals,
      recent: [...(activity?.recent ?? [])].reverse(),
    };
  }

  #activity(secretId: string): SecretActivity {
    let activity = this.#secrets.get(secretId);
    if (activity === undefined) {
      activity = { hours: new Map(), recent: [] };
      this.#secrets.set(secretId, activity);
    }
    return activity;
  }

  #count(secretId: string): TokenActivityCounts {
    const activity = this.#activity(secretId);
    const hour = Math.floor(this.clock.now() / HOUR_MS);
    let counts = activity.hours.get(hour);
    if (counts === undefined) {
      counts = emptyCounts();
      activity.hours.set(hour, counts);
      for (const old of activity.hours.keys()) if (old <= hour - TOKEN_ACTIVITY_HOURS) activity.hours.delete(old);
    }
    return counts;
  }

  #remember(secretId: string, record: Omit<TokenRequestRecord, 'at'>): void {
    const recent = this.#activity(secretId).recent;
    recent.push({ at: new Date(this.clock.now()).toISOString(), ...record });
    if (recent.length > RECENT_TOKEN_REQUESTS) recent.shift();
  }
}

function emptyCounts(): TokenActivityCounts {
  return { issued: 0, refreshed: 0, failed: 0, cacheHits: 0 };
}
