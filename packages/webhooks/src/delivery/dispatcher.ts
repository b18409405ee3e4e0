/**
 * Delivers due webhook deliveries: claims them with a lease, authorises each request with the endpoint
 * secret's bearer token, signs it, sends it, and does what `decideOutcome` says comes next (DESIGN §5).
 * `DeliverySlots` keeps the global and per-endpoint limits, so a slow endpoint holds back no other;
 * `LeaseKeeper` keeps the claims alive; the heartbeat lets others release them if this process dies.
 * While the disk is full its refused writes are told by `StorageHealth`, once a minute, not each loop.
 */
import { createHash, randomBytes } from 'node:crypto';
import { inject, injectable } from 'inversify';
import type { Logger } from 'winston';
import { CORE, CredentialMasker, StorageFullError, TesseraError, TokenRequestError, type Clock, type ResolvedCoreOptions, type StorageHealth, type TokenProvider } from '@tessera/core';
import type { DeliveryTarget, EndpointStore } from '../endpoints/endpoint-store.js';
import { WEBHOOKS } from '../tokens.js';
import type { ResolvedWebhooksOptions } from '../webhooks-options.js';
import { countsAsFailure, decideOutcome } from './decide-outcome.js';
import type { DeliveryQueue } from './delivery-queue.js';
import type { DeliverySender, SendResult } from './delivery-sender.js';
import { DeliverySlots } from './delivery-slots.js';
import type { AttemptRecord, ClaimedDelivery, DeliveryOutcome } from './delivery-types.js';
import { LeaseKeeper } from './lease-keeper.js';
import type { WebhookEvents } from './webhook-events.js';
import { WebhookSigner } from './webhook-signer.js';
import type { WorkerRegistry } from './worker-registry.js';

const USER_AGENT = 'Tessera-Webhooks/0.1';
/** The most of a token error's message an attempt stores. */
const STORED_MESSAGE_CHARS = 4096;
/** A retry after a token failure waits this much past the end of the token cool-down. */
const COOLDOWN_MARGIN_MS = 250;

/** What a graceful stop did: finished and recorded, given back untouched, or sent but not recorded in time. */
export interface StopResult {
  finished: number;
  released: number;
  unrecorded: number;
}

/** One start…stop of the dispatcher; deliveries carry the run they belong to. */
interface Run {
  /** Set when a graceful stop ran out of time: what is still in flight is abandoned and released. */
  abandoned: boolean;
}

/** How long claims wait after one was refused for lack of space. */
const STORAGE_FULL_PAUSE_MS = 1_000;
/**
 * After a receiver's 401/403 made this worker drop a secret's token, a 401/403 for the token fetched in its
 * place within this time means the receiver refuses fresh tokens too: no new one is requested (the token
 * endpoint is not hammered by a queue of deliveries to a receiver that rejects them all).
 */
const REJECTED_REPLACEMENT_MS = 30_000;

@injectable()
export class Dispatcher {
  readonly #owner = 'w_' + randomBytes(8).toString('hex');
  readonly #slots: DeliverySlots;
  readonly #leases: LeaseKeeper;
  #run: Run | undefined;
  #stopping: Promise<StopResult> | undefined;
  /** Standard Webhooks signers by signing secret (decoding the key once). */
  readonly #signers = new Map<string, WebhookSigner>();
  /** What a receiver echoes of the request's credentials is masked before it is stored (core's one rule). */
  readonly #echoes = new CredentialMasker();
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  /** Whether this worker's registry row was written once (a missing row means something only then). */
  #registered = false;
  /** A wake-up that came while the loop was busy (claiming, looking ahead): the next wait returns at once. */
  #woken = false;
  /** No claim before this (`performance.now()`): the last one was refused for lack of space. */
  #claimsPausedUntil = 0;
  readonly #onWork = () => this.#signal();
  /** Per secret: the last token (its SHA-256) a receiver's 401/403 made this worker drop, and when (REJECTED_REPLACEMENT_MS). */
  readonly #rejected = new Map<string, { token: string; at: number }>();

  constructor(
    @inject(WEBHOOKS.Options) private readonly options: ResolvedWebhooksOptions,
    @inject(WEBHOOKS.DeliveryQueue) private readonly queue: DeliveryQueue,
    @inject(WEBHOOKS.WorkerRegistry) private readonly workers: WorkerRegistry,
    @inject(WEBHOOKS.EndpointStore) private readonly endpoints: EndpointStore,
    @inject(WEBHOOKS.DeliverySender) private readonly sender: DeliverySender,
    @inject(WEBHOOKS.Events) private readonly events: WebhookEvents,
    @inject(CORE.TokenProvider) private readonly tokens: TokenProvider,
    @inject(CORE.Clock) private readonly clock: Clock,
    @inject(CORE.Logger) private readonly logger: Logger,
    @inject(CORE.Options) private readonly core: ResolvedCoreOptions,
    @inject(CORE.StorageHealth) private readonly storage: StorageHealth,
  ) {
    this.#slots = new DeliverySlots(options.concurrency, options.perEndpointConcurrency);
    this.#leases = new LeaseKeeper(queue, this.#owner, options.leaseMs, () => clock.now(), (message, error) => this.#writeFailed(message, error));
  }

  get running(): boolean {
    return this.#run !== undefined && this.#stopping === undefined;
  }

  /** Deliveries this worker is sending now. */
  get inFlight(): number {
    return this.#slots.inFlight;
  }

  /** Starts delivering. Refused while a stop is still draining (await `stop()` first). */
  start(): void {
    if (this.#stopping) throw new TesseraError('dispatcher-stopping', 'The webhook dispatcher is still stopping; await stop() before starting it again.');
    if (this.#run) return;
    const run: Run = { abandoned: false };
    this.#run = run;
    this.queue.signals.on('work', this.#onWork);
    // Claims are renewed while held, so a long delivery is never taken over by another worker.
    this.#leases.start(() => this.#slots.held());
    // A heartbeat in the database: others release our claims at once if we die, and we theirs. The first
    // beat right away (after registering), so work a crashed process left claimed is picked up as this one starts.
    this.#heartbeatTimer = setInterval(() => void this.#heartbeat(), this.options.heartbeatIntervalMs);
    this.#heartbeatTimer.unref();
    const registered = this.workers.register(this.#owner, this.clock.now(), this.options.heartbeatIntervalMs).then(
      () => {
        this.#registered = true;
      },
      (error: unknown) => this.#writeFailed('registering the webhook worker failed; its next heartbeat tries again', error, { worker: this.#owner }),
    );
    this.#loop = registered.then(() => this.#heartbeat()).then(() => this.#runLoop(run));
    this.logger.info('webhook dispatcher started', { worker: this.#owner, concurrency: this.options.concurrency, perEndpoint: this.options.perEndpointConcurrency });
  }

  /**
   * Graceful stop: claims nothing more, lets in-flight deliveries finish and their outcomes be written
   * until the deadline, then aborts the rest and releases their claims untouched so another worker (or
   * the next start) takes them. `unrecorded` counts deliveries that were sent but whose outcome could
   * not be written in time: their lease runs out and they are sent again under the same `webhook-id`.
   * Calling it again while it runs returns the same result.
   */
  stop(deadlineMs = 10_000): Promise<StopResult> {
    if (this.#stopping) return this.#stopping;
    const run = this.#run;
    if (!run) return Promise.resolve({ finished: 0, released: 0, unrecorded: 0 });
    this.#stopping = this.#drain(run, deadlineMs).finally(() => {
      this.#run = undefined;
      this.#stopping = undefined;
    });
    return this.#stopping;
  }

  /** Looks for due work now instead of at the next poll. */
  wake(): void {
    this.#signal();
  }

  /** Wakes the loop now, or, if it is not waiting, makes its next wait return at once. */
  #signal(): void {
    if (this.#wake) this.#wake();
    else this.#woken = true;
  }

  async #drain(run: Run, deadlineMs: number): Promise<StopResult> {
    const deadlineAt = performance.now() + deadlineMs;
    this.queue.signals.off('work', this.#onWork);
    this.#signal();
    await this.#loop;
    // Claimed but not started: give back untouched.
    await Promise.all(this.#slots.ready.splice(0).map((delivery) => this.#release(delivery.id)));
    const pending = this.#slots.inFlightDone();
    // Sent already, outcome not yet written: these finish with the stop too.
    const handedOver = this.#slots.committing.size;
    await this.#until(Promise.all(pending), deadlineAt);
    const left = this.#slots.inFlightIds();
    if (left.length > 0) {
      // Out of time: nothing of this run sends or records any more; the claims go back at once.
      run.abandoned = true;
      await Promise.all(left.map((id) => this.#release(id)));
      await this.sender.abortAll();
    }
    // Outcomes handed over but not yet written: write them now, and wait for them within the deadline.
    await this.#until(this.queue.flush(), deadlineAt);
    await this.#until(Promise.all(this.#slots.committing.values()), deadlineAt);
    const unrecorded = this.#slots.committing.size;
    this.#leases.stop();
    clearInterval(this.#heartbeatTimer);
    try {
      await this.workers.leave(this.#owner);
      this.#registered = false;
    } catch (error) {
      this.logger.warn('leaving the worker registry failed; others release this worker after its heartbeat times out', { worker: this.#owner, error: (error as Error).message });
    }
    const result = { finished: handedOver + pending.length - left.length - unrecorded, released: left.length, unrecorded };
    if (unrecorded > 0) {
      this.logger.error('webhook dispatcher stopped with delivery outcomes not written; those deliveries are sent again when their lease runs out', { worker: this.#owner, unrecorded });
    }
    this.logger.info('webhook dispatcher stopped', { worker: this.#owner, ...result });
    return result;
  }

  /** Waits for `work` or until `deadlineAt` (a `performance.now()` time), whichever is first. */
  async #until(work: Promise<unknown>, deadlineAt: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadlineAt - performance.now()))));
    await Promise.race([work, deadline]);
    clearTimeout(timer);
  }

  async #runLoop(run: Run): Promise<void> {
    while (this.#stopping === undefined && this.#run === run) {
      // Let completions of the same turn land first, so one claim fills several slots.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.#stopping !== undefined) break;
      // What woke us so far is seen by this turn's claim.
      this.#woken = false;
      const want = this.#slots.wanted();
      if (want > 0 && this.#slots.wantsWork() && performance.now() >= this.#claimsPausedUntil) {
        try {
          this.#slots.ready.push(...(await this.#claim(want)));
        } catch (error) {
          // A claim is a write: while the disk is full, claiming again at once would spin on refusals.
          if (this.#writeFailed('claiming deliveries failed', error)) this.#claimsPausedUntil = performance.now() + Math.max(STORAGE_FULL_PAUSE_MS, this.options.pollIntervalMs);
        }
      }
      if (this.#stopping !== undefined) break;
      this.#fill(run);
      // Every slot is busy (with work ready behind it) or nothing more is due: wait for a
      // completion, new work or the next poll.
      await this.#idle();
    }
  }

  /** Starts ready deliveries while there are free slots and their endpoints have capacity. */
  #fill(run: Run): void {
    for (const delivery of this.#slots.takeStartable(() => this.#stopping !== undefined)) this.#start(delivery, run);
  }

  /** Claims up to `limit`, keeping at most PREFETCH times the per-endpoint limit of one endpoint claimed (in flight or ready). */
  async #claim(limit: number): Promise<ClaimedDelivery[]> {
    const { excluded, capacity, minCapacity } = this.#slots.claimShape(await this.endpoints.disabledIds());
    const claimed = await this.queue.claim({
      owner: this.#owner,
      limit,
      now: this.clock.now(),
      leaseMs: this.options.leaseMs,
      excluded,
      capacity,
      minCapacity,
      perEndpoint: this.options.perEndpointConcurrency,
    });
    // Leases were written: there was space for them (a claim that found nothing wrote nothing, and proves nothing).
    if (claimed.length > 0) this.storage.succeeded();
    // A claim of ours that expired (a stalled process) may come back: in flight or ready, it is already
    // being handled. One whose previous outcome is still being committed here (the claim, on another
    // connection, may have seen that commit first: a retry due now) waits for that commit to be settled.
    const busy = new Set([...this.#slots.inFlightIds(), ...this.#slots.ready.map((d) => d.id)]);
    const fresh: ClaimedDelivery[] = [];
    for (const delivery of claimed) {
      if (busy.has(delivery.id)) continue;
      const committing = this.#slots.committing.get(delivery.id);
      if (committing === undefined) {
        fresh.push(delivery);
        continue;
      }
      this.#slots.deferred.add(delivery.id);
      void committing.then(() => {
        this.#slots.deferred.delete(delivery.id);
        if (this.#run === undefined || this.#stopping !== undefined) return void this.#release(delivery.id);
        this.#slots.ready.push(delivery);
        this.#signal();
      });
    }
    return fresh;
  }

  /** Renews this worker's heartbeat and releases the claims of workers that stopped beating. */
  async #heartbeat(): Promise<void> {
    try {
      const now = this.clock.now();
      const known = await this.workers.beat(this.#owner, now, this.options.heartbeatIntervalMs);
      // On PostgreSQL (no free-space probe) a beat written is the sign that the database takes writes
      // again, so an instance with nothing to deliver does not report a full disk for ever.
      if (this.core.storage === 'postgres') this.storage.succeeded();
      // Missing although registered: another worker took this one for dead (not so when the first registration failed).
      if (!known && this.#registered) this.#takenForDead(now);
      this.#registered = true;
      const dead = await this.workers.releaseDead(this.#owner, now);
      if (dead.workers === 0) return;
      this.logger.warn('released the claims of webhook workers that stopped (no heartbeat, or their process is gone)', { worker: this.#owner, ...dead });
      if (dead.released > 0) this.#signal();
    } catch (error) {
      this.#writeFailed('renewing the worker heartbeat failed', error, { worker: this.#owner });
    }
  }

  /**
   * Another worker found this one silent for three beats (a stalled event loop, a suspended process) and
   * released its claims: what was claimed but not started is no longer ours to send. What is in flight
   * finishes; its outcome is fenced out if another worker has claimed it since.
   */
  #takenForDead(now: number): void {
    const dropped = this.#slots.ready.splice(0);
    // Any of them claimed again by this worker meanwhile goes back too (fenced: no other worker's claim is touched).
    for (const delivery of dropped) void this.#release(delivery.id, now);
    this.logger.warn('this webhook worker was taken for dead (its heartbeat stopped for three intervals) and its claims were released; it drops what it had claimed but not started', {
      worker: this.#owner,
      dropped: dropped.length,
    });
  }

  /** Gives a claim back untouched; a failure is logged (the lease runs out and another worker takes it). */
  async #release(id: string, now = this.clock.now()): Promise<void> {
    try {
      await this.queue.release(id, this.#owner, now);
    } catch (error) {
      this.#writeFailed('releasing a delivery claim failed; it is taken again when its lease runs out', error, { deliveryId: id });
    }
  }

  /** A write failed: logged, unless for lack of space (`StorageHealth` tells that once a minute, not each loop or beat). */
  /** The endpoint's failing period; when that write is refused for lack of space, the delivery's outcome is still decided (as not failing for long) and written when it can be. */
  async #markFailing(endpointId: string, failing: boolean): Promise<{ failingSince: number | null }> {
    try {
      return await this.endpoints.markFailing(endpointId, failing);
    } catch (error) {
      if (!this.#writeFailed('recording a failing period failed', error, { endpointId })) throw error;
      return { failingSince: null };
    }
  }

  /** True when it failed for lack of space. */
  #writeFailed(message: string, error: unknown, fields: Record<string, unknown> = {}): boolean {
    if (this.storage.failed(error) instanceof StorageFullError) return true;
    this.logger.error(message, { ...fields, error: (error as Error).message });
    return false;
  }

  /** Waits for a wake-up (new work, a free slot) or the next due time, whichever is first. */
  async #idle(): Promise<void> {
    if (this.#stopping !== undefined) return;
    // While deliveries are in flight their completions wake the loop; only an idle worker looks ahead.
    let due: number | undefined;
    if (this.#slots.inFlight === 0) {
      try {
        due = await this.queue.nextDueAt(await this.endpoints.disabledIds());
      } catch (error) {
        this.logger.error('looking for the next due delivery failed', { error: (error as Error).message });
      }
      if (this.#stopping !== undefined) return;
    }
    if (this.#woken) {
      this.#woken = false;
      return;
    }
    const untilDue = Math.max(
      due === undefined ? this.options.pollIntervalMs : Math.max(1, Math.min(this.options.pollIntervalMs, due - this.clock.now())),
      this.#claimsPausedUntil - performance.now(),
    );
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

  #start(delivery: ClaimedDelivery, run: Run): void {
    const done = this.#deliver(delivery, run)
      .catch(async (error: unknown) => {
        this.logger.error('delivery crashed; releasing it', { deliveryId: delivery.id, error: (error as Error).message });
        await this.#release(delivery.id);
      })
      .finally(() => {
        this.#slots.ended(delivery);
        // Refill the slot at once from what is already claimed; claim more when that runs low.
        this.#fill(run);
        if (this.#slots.wantsWork()) this.#signal();
      });
    this.#slots.started(delivery, done);
  }

  async #deliver(delivery: ClaimedDelivery, run: Run): Promise<void> {
    const target = await this.endpoints.target(delivery.endpointId);
    if (!target) return this.#finish(delivery, [], { kind: 'failed', reason: 'endpoint-deleted' }, null, run);
    if (!target.enabled) return this.#release(delivery.id);

    const attempts: AttemptRecord[] = [];
    let result = await this.#attempt(delivery, target, attempts, run);
    // 401/403: the token may have been revoked; drop exactly that token and try once more at once.
    if ('send' in result && (result.send.attempt.status === 401 || result.send.attempt.status === 403) && this.#dropRejected(target.secretId, result.accessToken)) {
      result = await this.#attempt(delivery, target, attempts, run);
    }
    if (run.abandoned) return;

    const last = attempts.at(-1) as AttemptRecord;
    const tried = {
      status: last.status,
      errorCode: last.errorCode,
      retryAfterMs: 'send' in result ? result.send.retryAfterMs : undefined,
      tokenWaitMs: 'tokenWaitMs' in result ? result.tokenWaitMs : undefined,
      tryNumber: delivery.attempts + 1,
    };
    // The failing period first (it decides auto-disable), then the outcome policy.
    const failing = countsAsFailure(tried);
    const { failingSince } = failing === undefined ? { failingSince: null } : await this.#markFailing(target.id, failing);
    const now = this.clock.now();
    const decision = decideOutcome(tried, { retrySchedule: target.retrySchedule, failingSince }, this.options, now);
    if (decision.disable !== undefined) await this.#disable(target, decision.disable);
    return this.#finish(delivery, attempts, decision.outcome, last.status, run);
  }

  /**
   * One try: a token, then the request. When no token could be had (recorded as an attempt), says how
   * long until the token cool-down ends.
   */
  async #attempt(delivery: ClaimedDelivery, target: DeliveryTarget, attempts: AttemptRecord[], run: Run): Promise<{ send: SendResult; accessToken: string } | { tokenWaitMs: number }> {
    const attemptedAt = this.clock.now();
    let accessToken: string;
    try {
      accessToken = (await this.tokens.getToken(target.secretId)).accessToken;
    } catch (error) {
      const code = error instanceof TokenRequestError ? `token-${error.code}` : 'token-error';
      // Stored like an answer, its first 4 KB at most (DESIGN §5): part of it is the token endpoint's text.
      attempts.push({ attemptedAt, status: null, latencyMs: 0, errorCode: code, errorMessage: (error as Error).message.slice(0, STORED_MESSAGE_CHARS), responseBody: null });
      const remaining = error instanceof TokenRequestError && error.code === 'cooldown' ? (error.retryAfterMs ?? 0) : this.core.tokens.cooldownMs;
      return { tokenWaitMs: remaining + COOLDOWN_MARGIN_MS };
    }
    // A stop that ran out of time while the token was fetched: send nothing more.
    if (run.abandoned) return { tokenWaitMs: 0 };
    const timestamp = Math.floor(attemptedAt / 1000);
    const headers: Record<string, string> = {
      ...target.headers,
      'user-agent': USER_AGENT,
      'content-type': 'application/json',
      authorization: `Bearer ${accessToken}`,
      'webhook-id': delivery.id,
      'webhook-timestamp': String(timestamp),
    };
    if (target.signingSecrets.length > 0) {
      headers['webhook-signature'] = target.signingSecrets.map((secret) => this.#signer(secret).sign(delivery.id, timestamp, delivery.payload)).join(' ');
    }
    const send = await this.sender.send({ url: target.url, headers, body: delivery.payload, timeoutMs: target.timeoutMs, attemptedAt });
    // A receiver may echo the request: what is stored never holds the token, a signing secret or a header value.
    // (Nothing to look at in a short answer such as `ok`. A header value under 4 characters, `1` say, is
    // kept rather than withholding every answer that contains it: such a value is no credential.)
    if ((send.attempt.responseBody !== null && send.attempt.responseBody.length >= 4) || send.attempt.errorMessage !== null) {
      const credentials = [accessToken, ...target.signingSecrets, ...target.signingSecrets.map((s) => s.slice('whsec_'.length)), ...Object.values(target.headers)];
      const { responseBody, errorMessage } = send.attempt;
      send.attempt.responseBody = responseBody === null ? null : this.#echoes.mask(responseBody, credentials, { cut: send.bodyCut === true });
      send.attempt.errorMessage = errorMessage === null ? null : this.#echoes.mask(errorMessage, credentials);
    }
    attempts.push(send.attempt);
    return { send, accessToken };
  }

  /**
   * Drops the token a receiver answered 401/403 to, and says whether to try again with a new one: not when
   * it is the token fetched in place of one dropped the same way moments ago (the receiver refuses fresh
   * tokens too, and another request would only load the token endpoint); the delivery goes on its schedule.
   */
  #dropRejected(secretId: string, accessToken: string): boolean {
    const now = performance.now();
    // Known by its hash: a dropped token is not kept in memory past its use.
    const token = createHash('sha256').update(accessToken).digest('base64');
    const last = this.#rejected.get(secretId);
    if (last !== undefined && last.token !== token && now - last.at < REJECTED_REPLACEMENT_MS) return false;
    // The same token again (a burst of 401s for it): dropping it is a no-op, the retry takes its replacement.
    if (last?.token !== token) {
      if (this.#rejected.size > 10_000) this.#rejected.clear();
      this.#rejected.set(secretId, { token, at: now });
    }
    this.tokens.invalidate(secretId, accessToken);
    return true;
  }

  #signer(secret: string): WebhookSigner {
    let signer = this.#signers.get(secret);
    if (!signer) {
      if (this.#signers.size > 1_000) this.#signers.clear();
      signer = new WebhookSigner(secret);
      this.#signers.set(secret, signer);
    }
    return signer;
  }

  /**
   * Hands the outcome to the queue, which commits it with others shortly after; the slot is free at
   * once. Until that commit the delivery stays claimed by this worker (its lease is renewed, even while
   * a commit keeps failing), so nothing else sends it.
   */
  #finish(delivery: ClaimedDelivery, attempts: AttemptRecord[], outcome: DeliveryOutcome, status: number | null, run: Run): void {
    if (run.abandoned) return;
    let written!: () => void;
    this.#slots.committing.set(delivery.id, new Promise<void>((resolve) => (written = resolve)));
    this.queue.complete(delivery, this.#owner, attempts, outcome, this.clock.now(), (applied) => {
      // At once, not in a later microtask: a claim that carried this outcome may return this very delivery, due again.
      this.#slots.committing.delete(delivery.id);
      written();
      try {
        this.#recorded(delivery, attempts, outcome, status, applied);
      } catch (error) {
        this.logger.error('reporting a delivery outcome failed', { deliveryId: delivery.id, error: (error as Error).message });
      }
    });
  }

  #recorded(delivery: ClaimedDelivery, attempts: AttemptRecord[], outcome: DeliveryOutcome, status: number | null, applied: boolean): void {
    if (!applied) {
      this.logger.warn('delivery outcome not recorded: the claim was lost meanwhile (released, taken over or its endpoint deleted)', { deliveryId: delivery.id });
      return;
    }
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
    if (!((await this.endpoints.target(target.id))?.enabled ?? false)) return;
    await this.endpoints.disable(target.id, reason);
    this.events.emit('endpoint-disabled', { endpointId: target.id, reason });
    this.logger.warn('webhook endpoint disabled', { endpointId: target.id, url: target.url, reason });
  }
}
