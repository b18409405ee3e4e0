/** Contribution point: a package that refers to secrets says who uses one, so deleting it in use is refused. */
export interface SecretUsage {
  /** Human-readable users of the secret, e.g. `webhook endpoint 'crm' (ep_123)`; empty when unused. */
  usersOf(secretId: string): string[] | Promise<string[]>;
}
