/** The contribution point for kinds of secret: a declaration of fields plus how to build the token request body. */
import type { FieldDeclaration } from './field-declaration.js';
import type { BodyEncoding, ScopeFormat } from './token-request-options.js';

/** Validated params of a secret: declared fields as strings plus the common overrides. */
export type SecretParams = Readonly<Record<string, unknown>>;

/** How long a token lives when the response does not say. */
export interface LifetimePolicy {
  /** When true, a response without `expires_in` is an error unless the secret sets `defaultLifetimeSeconds`. */
  readonly requireExpiresIn: boolean;
  /** The lifetime assumed when `expires_in` is absent (e.g. a Salesforce session). */
  readonly defaultSeconds?: number;
}

export interface SecretKind {
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  readonly fields: readonly FieldDeclaration[];
  readonly defaults: { readonly encoding: BodyEncoding; readonly scopeFormat: ScopeFormat };
  readonly lifetime: LifetimePolicy;
  /**
   * The body parameters in wire order, before encoding and before `extraParams` are added.
   * `scope` is already rendered in the secret's scope format, or undefined when none was set.
   */
  bodyParameters(params: SecretParams, scope: string | undefined): Record<string, string> | Promise<Record<string, string>>;
  /**
   * Rules across fields (e.g. a field required only for one flow, a key that must parse); each issue
   * names its field, and may carry the diagnostic code the tester reports (e.g. `invalid-private-key`).
   */
  validate?(params: SecretParams): Array<{ field: string; message: string; code?: string }>;
}

/** Reads a declared string field; validation has already run, so absence means an optional empty field. */
export function field(params: SecretParams, name: string): string {
  const value = params[name];
  return typeof value === 'string' ? value : '';
}
