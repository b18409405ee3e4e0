/** A bearer token as product code sees it. */
export interface AccessToken {
  /** Exactly as the endpoint sent it (never decoded). */
  accessToken: string;
  /** As sent in `token_type`; `Bearer` when absent. */
  tokenType: string;
  /** `sentAt + expires_in`: measured from when the request was sent. */
  expiresAt: Date;
  /** Other, non-secret fields of the response (e.g. `instance_url`, `scope`). */
  metadata: Record<string, unknown>;
}

/** What the token client returns: the public token plus when its request was sent. */
export interface IssuedToken extends AccessToken {
  sentAt: number;
  lifetimeMs: number;
  /** True when the response had no `expires_in` and a default lifetime applied. */
  defaultLifetime: boolean;
}
