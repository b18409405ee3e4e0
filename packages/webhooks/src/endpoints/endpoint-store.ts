/** The contract of webhook endpoints: where events go, which secret authorises them, and how they are signed. */

export interface NewEndpoint {
  name?: string;
  url: string;
  /** A token-producing secret; its bearer token authorises every request. */
  secretId: string;
  /** Exact types, `*`, or prefixes like `invoice.*`. Default `['*']`. */
  events?: string[];
  enabled?: boolean;
  timeoutMs?: number;
  /** Delays after failed attempts, in seconds; default the module's schedule. */
  retrySchedule?: number[];
  /**
   * Extra static headers; `Authorization` is refused (it comes from the secret). Their values are
   * credentials: sealed at rest, masked in views, masked in logs.
   */
  headers?: Record<string, string>;
  /** This webhook's own retention periods (ms); each left out or null is the module's (`retention` of `webhooksModule`). */
  retention?: EndpointRetention;
  /** `generate` (default): a new `whsec_` secret, returned once; `none`; or one you provide. */
  signing?: 'generate' | 'none' | { secret: string };
}

export interface EndpointPatch {
  name?: string;
  url?: string;
  secretId?: string;
  events?: string[];
  enabled?: boolean;
  timeoutMs?: number;
  retrySchedule?: number[] | null;
  /**
   * Replaces the extra headers; a value sent as the mask keeps that header's stored value. Changing
   * `url` needs every stored header value again (else `credentials-required`).
   */
  headers?: Record<string, string>;
  /** Replaces this webhook's own retention periods; null: the module's for both. */
  retention?: EndpointRetention | null;
  /**
   * The `revision` the change was made from (a form, or a CLI command that read the webhook first): when
   * the webhook has changed since, nothing is written and `revision-mismatch` says so, instead of one
   * operator's save quietly undoing another's.
   */
  expectedRevision?: number;
}

/** How long this webhook's finished deliveries are kept; null: the module's period. */
export interface EndpointRetention {
  succeededMs?: number | null;
  failedMs?: number | null;
}

export interface EndpointView {
  id: string;
  name: string;
  url: string;
  secretId: string;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  timeoutMs: number;
  retrySchedule: number[] | null;
  /** Header names, each value masked (`••••`). */
  headers: Record<string, string>;
  signing: { enabled: boolean; preview: string | null; previousValidUntil: string | null };
  failingSince: string | null;
  /** This webhook's own retention periods (ms), null where it keeps the module's. */
  retention: { succeededMs: number | null; failedMs: number | null };
  revision: number;
  createdAt: string;
  updatedAt: string;
}

/** The only time a signing secret is shown is in the answer that created it. */
export interface EndpointWithSecret {
  endpoint: EndpointView;
  signingSecret?: string;
}

/** What the dispatcher needs to deliver: the view with the header values and the signing secrets in clear. */
export interface DeliveryTarget extends EndpointView {
  signingSecrets: string[];
}

export interface EndpointDeletion {
  /** Waiting (or in-flight) deliveries failed as `endpoint-deleted`. */
  failedDeliveries: number;
}

export interface EndpointStore {
  create(input: NewEndpoint): Promise<EndpointWithSecret>;
  get(id: string): Promise<EndpointView>;
  list(): Promise<EndpointView[]>;
  update(id: string, patch: EndpointPatch): Promise<EndpointView>;
  /** Fails its waiting deliveries (`endpoint-deleted`) first; says how many. */
  delete(id: string): Promise<EndpointDeletion>;
  /** A new signing secret (shown once); the old one keeps being sent alongside during the grace period. */
  rotateSigningSecret(id: string, options?: { graceMs?: number }): Promise<EndpointWithSecret>;
  disable(id: string, reason: string): Promise<EndpointView>;
  /**
   * Re-encrypts every sealed value of the endpoints (signing secrets, header values) still under an
   * older key with the key ring's primary key, and seals header values an older version left in clear
   * (key rotation); returns how many endpoints changed.
   */
  resealSigningSecrets(): Promise<number>;
  /** Enabled endpoints whose event filter matches `type`. */
  matching(type: string): Promise<DeliveryTarget[]>;
  /** Endpoints that exist but are disabled: their deliveries wait, unclaimed. */
  disabledIds(): Promise<string[]>;
  /** The endpoint with its signing secrets, for the dispatcher; undefined when deleted (a cache miss is read from the database). */
  target(id: string): Promise<DeliveryTarget | undefined>;
  /** Records the outcome of a delivery for auto-disable: when failures started, or that they stopped. */
  markFailing(id: string, failing: boolean): Promise<{ failingSince: number | null }>;
}
