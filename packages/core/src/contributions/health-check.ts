/**
 * The contribution point of `/healthz`: each check names a part and says its state; one that is not
 * healthy makes the answer 503, one that is healthy but degraded (working, with a reason an operator
 * must act on) makes it 200 `degraded`. Bind it with `bind(CORE.HealthCheck)`.
 */
export interface HealthState {
  state: string;
  healthy: boolean;
  /** Healthy but not fully working (the disk of the database is full, say); `reason` says why. */
  degraded?: boolean;
  reason?: string;
}

export interface HealthCheck {
  /** The field of `/healthz` that shows its state, e.g. `database`. */
  readonly name: string;
  check(): Promise<HealthState>;
}
