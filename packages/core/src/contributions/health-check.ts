/** The contribution point of `/healthz`: each check names a part and says its state; one that is not healthy makes the answer 503. Bind it with `bind(CORE.HealthCheck)`. */
export interface HealthCheck {
  /** The field of `/healthz` that shows its state, e.g. `database`. */
  readonly name: string;
  check(): Promise<{ state: string; healthy: boolean }>;
}
