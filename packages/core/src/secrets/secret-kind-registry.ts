/** Collects every contributed `SecretKind` and answers lookups by id, with their derived param schemas. */
import { injectable, multiInject } from 'inversify';
import type { z } from 'zod';
import { ValidationError } from '../errors/validation-error.js';
import { zodIssues } from '../errors/zod-issues.js';
import { lazily } from '../input/lazily.js';
import { isSecretParamName } from '../logging/redactor.js';
import { CORE } from '../tokens.js';
import type { SecretKind, SecretParams } from './secret-kind.js';
import { secretParamsSchema } from './secret-params-schema.js';

@injectable()
export class SecretKindRegistry {
  /** Each kind's param schema is built the first time its params are parsed. */
  readonly #kinds = new Map<string, { kind: SecretKind; schema: () => z.ZodType; sensitive: readonly string[] }>();

  constructor(@multiInject(CORE.SecretKind) kinds: SecretKind[]) {
    for (const kind of kinds) {
      if (this.#kinds.has(kind.id)) throw new Error(`Two secret kinds are contributed with the id '${kind.id}'.`);
      // The sensitive field names once: every token request asks for them.
      this.#kinds.set(kind.id, { kind, schema: lazily(() => secretParamsSchema(kind)), sensitive: Object.freeze(kind.fields.filter((f) => f.sensitive).map((f) => f.name)) });
    }
  }

  list(): SecretKind[] {
    return [...this.#kinds.values()].map((entry) => entry.kind);
  }

  /** Whether a loaded module or plugin declares the kind (a stored secret may have one that is not loaded). */
  has(id: string): boolean {
    return this.#kinds.has(id);
  }

  get(id: string): SecretKind {
    const entry = this.#kinds.get(id);
    if (!entry) throw this.#unknown(id);
    return entry.kind;
  }

  /** Validates params for a kind; unknown keys, missing required fields and bad overrides are reported field by field. */
  parseParams(kindId: string, params: unknown, prefix = 'params'): SecretParams {
    const entry = this.#kinds.get(kindId);
    if (!entry) throw this.#unknown(kindId);
    const result = entry.schema().safeParse(params ?? {});
    if (!result.success) throw new ValidationError(`The ${entry.kind.label} secret`, zodIssues(result.error, prefix));
    const issues = entry.kind.validate?.(result.data as SecretParams) ?? [];
    if (issues.length > 0) {
      throw new ValidationError(
        `The ${entry.kind.label} secret`,
        issues.map((i) => ({ field: `${prefix}.${i.field}`, message: i.message, ...(i.code !== undefined && { code: i.code }) })),
      );
    }
    return result.data as SecretParams;
  }

  sensitiveFields(kindId: string): readonly string[] {
    const entry = this.#kinds.get(kindId);
    if (!entry) throw this.#unknown(kindId);
    return entry.sensitive;
  }

  /** The secret values in `params`: the kind's sensitive fields, and the extra parameters whose names say they are secret. */
  sensitiveValues(kindId: string, params: Record<string, unknown>): string[] {
    const values: string[] = [];
    for (const name of this.sensitiveFields(kindId)) {
      const value = params[name];
      if (typeof value === 'string' && value.length > 0) values.push(value);
    }
    const extras = params.extraParams as Record<string, unknown> | undefined;
    if (extras !== undefined && extras !== null) {
      for (const [name, value] of Object.entries(extras)) if (typeof value === 'string' && value.length > 0 && isSecretParamName(name)) values.push(value);
    }
    return values;
  }

  #unknown(id: string): ValidationError {
    return new ValidationError('The secret', [
      { field: 'kind', message: `unknown kind '${id}'; known kinds: ${[...this.#kinds.keys()].join(', ')}` },
    ]);
  }
}
