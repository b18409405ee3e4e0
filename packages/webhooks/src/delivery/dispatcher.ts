/**
 * Delivers due webhook deliveries: claims them with a lease, authorises each request with the endpoint
 * secret's bearer token, signs it, sends it, and decides what comes next by the rules of DESIGN §5.
 * A global and a per-endpoint concurrency limit keep a slow endpoint from holding back the others.
 */
import { randomBytes } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { Webhook } from 'standardwebhooks';
import type { Logger } from 'winston';
import { CORE, TokenRequestError, type Clock, type TokenProvider } from '@tessera/core';
import type { DeliveryTarget, EndpointStore } from '../endpoints/endpoint-store.js';
import { WEBHOOKS } from '../tokens.js';
import type { ResolvedWebhooksOptions } from '../webhooks-options.js';
import type { DeliveryQueue } from './delivery-queue.js';
import type { DeliverySender, SendResult } from './delivery-sender.js';
import type { AttemptRecord, ClaimedDelivery, DeliveryOutcome } from './delivery-types.js';
import { retryDelayMs } from './retry-delay.js';
import type { WebhookEvents } from './webhook-events.js';

const USER_AGENT = 'Tessera-Webhooks/0.1';

interface InFlight {
  endpointId: string;
  abort: AbortController;
  done: Promise<void>;
}

@injectable()
export class Dispatcher {
  readonly #owner = 'w_' + randomBytes(8).toString('hex');
  readonly #inFlight = new Map<string, InFlight>();
  readonly #perEndpoint = new Map<string, number>();
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  readonly #onWork = () => this.#wake?.();

  constructor(
    @inject(WEBHOOKS.Options) private readonly options: ResolvedWebhooksOptions,
    @inject(WEBHOOKS.DeliveryQueue) private readonly queue: DeliveryQueue,
    @inject(WEBHOOKS.EndpointStore) private readonly endpoints: EndpointStore,
    @inject(WEBHOOKS.DeliverySender) private readonly sender: DeliverySender,
    @inject(WEBHOOKS.Events) private readonly events: WebhookEvents,
    @inject(CORE.TokenProvider) private readonly tokens: TokenProvider,
    @inject(CORE.Clock) private readonly clock: Clock,
    @inject(CORE.Logger) private readonly logger: Logger,
  ) {}

  get running(): boolean {
    return this.#running;
  }

  /** Deliveries this worker is sending now. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.queue.signals.on('work', this.#onWork);
    this.#loop = this.#run();
    this.logger.info('webhook dispatcher started', { worker: this.#owner, concurrency: this.options.concurrency, perEndpoint: this.options.perEndpointConcurrency });
  }

  /**
   * Graceful stop: claims nothing more, lets in-flight deliveries finish until the deadline, then
   * aborts the rest and releases their claims untouched so another worker (or the next start) takes them.
   */
  async stop(deadlineMs = 10_000): Promise<{ finished: number; released: number }> {
    if (!this.#running) return { finished: 0, released: 0 };
    this.#running = false;
    this.queue.signals.off('work', this.#onWork);
    this.#wake?.();
    await this.#loop;
    const pending = [...this.#inFlight.entries()];
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), deadlineMs)));
    await Promise.race([Promise.all(pending.map(([, f]) => f.done)), deadline]);
    clearTimeout(timer);
    const left = [...this.#inFlight.entries()];
    for (const [, flight] of left) flight.abort.abort();
    await Promise.all(left.map(([, f]) => f.done));
    this.logger.info('webhook dispatcher stopped', { worker: this.#owner, finished: pending.length - left.length, released: left.length });
    return { finished: pending.length - left.length, released: left.length };
  }

  /** Looks for due work now instead of at the next poll. */
  wake(): void {
    this.#wake?.();
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const free = this.options.concurrency - this.#inFlight.size;
      let claimed: ClaimedDelivery[] = [];
      if (free > 0) {
        try {
          claimed = this.#claim(free);
        } catch (error) {
          this.logger.error('claiming deliveries failed', { error: (error as Error).message });
        }
      }
      for (const delivery of claimed) this.#start(delivery);
      if (claimed.length === 0 || claimed.length === free) await this.#idle();
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  #claim(limit: number): ClaimedDelivery[] {
    const max = this.options.perEndpointConcurrency;
    const saturated = [...this.#perEndpoint.entries()].filter(([, n]) => n >= max).map(([id]) => id);
    return this.queue.claim(this.#owner, limit, this.clock.now(), this.options.leaseMs, saturated, (id) => max - (this.#perEndpoint.get(id) ?? 0));
  }

  /** Waits for a wake-up (new work, a free slot) or the next due time, whichever is first. */
  async #idle(): Promise<void> {
    if (!this.#running) return;
    const due = this.queue.nextDueAt();
    const untilDue = due === undefined ? this.options.pollIntervalMs : Math.max(1, Math.min(this.options.pollIntervalMs, due - this.clock.now()));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, untilDue);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }

  #start(delivery: ClaimedDelivery): void {
    const abort = new AbortController();
    this.#perEndpoint.set(delivery.endpointId, (this.#perEndpoint.get(delivery.endpointId) ?? 0) + 1);
    const done = this.#deliver(delivery, abort.signal)
      .catch((error: unknown) => {
        this.logger.error('delivery crashed; releasing it', { deliveryId: delivery.id, error: (error as Error).message });
        this.queue.release(delivery.id, this.#owner, this.clock.now());
      })
      .finally(() => {
        this.#inFlight.delete(delivery.id);
        const left = (this.#perEndpoint.get(delivery.endpointId) ?? 1) - 1;
        if (left === 0) this.#perEndpoint.delete(delivery.endpointId);
        else this.#perEndpoint.set(delivery.endpointId, left);
        this.#wake?.();
      });
    this.#inFlight.set(delivery.id, { endpointId: delivery.endpointId, abort, done });
  }

  async #deliver(delivery: ClaimedDelivery, signal: AbortSignal): Promise<void> {
    const target = this.endpoints.target(delivery.endpointId);
    if (!target) return this.#finish(delivery, [], { kind: 'failed', reason: 'endpoint-deleted' }, null);
    if (!target.enabled) return this.queue.release(delivery.id, this.#owner, this.clock.now());

    const attempts: AttemptRecord[] = [];
    let result = await this.#attempt(delivery, target, signal, attempts);
    // 401/403: the token may have been revoked; drop exactly that token and try once more at once.
    if (result && (result.send.attempt.status === 401 || result.send.attempt.status === 403)) {
      this.tokens.invalidate(target.secretId, result.accessToken);
      result = await this.#attempt(delivery, target, signal, attempts);
    }
    if (signal.aborted) return this.queue.release(delivery.id, this.#owner, this.clock.now());

    const last = attempts.at(-1) as AttemptRecord;
    const status = last.status;
    if (status !== null && status >= 200 && status < 300) {
      this.endpoints.markFailing(target.id, false);
      return this.#finish(delivery, attempts, { kind: 'succeeded' }, status);
    }
    if (status === 410) {
      await this.#disable(target, 'the receiver answered 410 Gone');
      return this.#finish(delivery, attempts, { kind: 'failed', reason: 'gone' }, status);
    }
    const now = this.clock.now();
    const schedule = target.retrySchedule ?? this.options.retrySchedule;
    const delay = retryDelayMs(schedule, delivery.attempts + 1, this.options.jitter, result?.send.retryAfterMs, this.options.maxRetryAfterMs);
    const { failingSince } = this.endpoints.markFailing(target.id, true);
    if (failingSince !== null && now - failingSince >= this.options.disableAfterMs) {
      const days = Math.round((now - failingSince) / 86_400_000);
      await this.#disable(target, `its deliveries kept failing for ${days} days`);
    }
    if (delay === undefined) return this.#finish(delivery, attempts, { kind: 'failed', reason: last.errorCode ?? 'failed' }, status);
    return this.#finish(delivery, attempts, { kind: 'retry', nextAttemptAt: now + delay }, status);
  }

  /** One try: a token, then the request. Returns undefined when no token could be had (recorded as an attempt). */
  async #attempt(delivery: ClaimedDelivery, target: DeliveryTarget, signal: AbortSignal, attempts: AttemptRecord[]): Promise<{ send: SendResult; accessToken: string } | undefined> {
    const attemptedAt = this.clock.now();
    let accessToken: string;
    try {
      accessToken = (await this.tokens.getToken(target.secretId)).accessToken;
    } catch (error) {
      const code = error instanceof TokenRequestError ? `token-${error.code}` : 'token-error';
      attempts.push({ attemptedAt, status: null, latencyMs: 0, errorCode: code, errorMessage: (error as Error).message, responseBody: null });
      return undefined;
    }
    const timestamp = new Date(attemptedAt);
    const headers: Record<string, string> = {
      ...target.headers,
      'user-agent': USER_AGENT,
      'content-type': 'application/json',
      authorization: `Bearer ${accessToken}`,
      'webhook-id': delivery.id,
      'webhook-timestamp': String(Math.floor(attemptedAt / 1000)),
    };
    if (target.signingSecrets.length > 0) {
      headers['webhook-signature'] = target.signingSecrets.map((secret) => new Webhook(secret).sign(delivery.id, timestamp, delivery.payload)).join(' ');
    }
    const send = await this.sender.send({ url: target.url, headers, body: delivery.payload, timeoutMs: target.timeoutMs, signal, attemptedAt });
    attempts.push(send.attempt);
    return { send, accessToken };
  }

  #finish(delivery: ClaimedDelivery, attempts: AttemptRecord[], outcome: DeliveryOutcome, status: number | null): void {
    const now = this.clock.now();
    this.queue.complete(delivery.id, attempts, outcome, now);
    const last = attempts.at(-1);
    this.events.emit('attempt', {
      deliveryId: delivery.id,
      endpointId: delivery.endpointId,
      outcome: outcome.kind === 'retry' ? 'retrying' : outcome.kind,
      status,
      latencyMs: last?.latencyMs ?? 0,
      errorCode: last?.errorCode ?? null,
    });
    if (outcome.kind !== 'succeeded') {
      this.logger.warn('webhook delivery did not succeed', { deliveryId: delivery.id, endpointId: delivery.endpointId, outcome: outcome.kind, status, errorCode: last?.errorCode ?? null });
    }
  }

  async #disable(target: DeliveryTarget, reason: string): Promise<void> {
    if (!(this.endpoints.target(target.id)?.enabled ?? false)) return;
    await this.endpoints.disable(target.id, reason);
    this.events.emit('endpoint-disabled', { endpointId: target.id, reason });
    this.logger.warn('webhook endpoint disabled', { endpointId: target.id, url: target.url, reason });
  }
}
