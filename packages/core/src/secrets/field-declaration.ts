/** One field of a secret kind, declared once; schema, masking, forms and CLI flags derive from it. */
export interface FieldDeclaration {
  /** camelCase name in `params`. */
  readonly name: string;
  /** What an operator sees next to the input. */
  readonly label: string;
  /** `url` values must be absolute http(s) URLs; `select` values must be one of `options`. */
  readonly type: 'text' | 'url' | 'select';
  readonly required: boolean;
  /** Sensitive values are encrypted at rest, masked in views and registered for log redaction. */
  readonly sensitive: boolean;
  /**
   * The field decides where the credentials are sent (a token URL, a login URL, a JWT audience): a change
   * of it must come with every stored sensitive value again, so no credential reaches a place it was not
   * entered for. Default: true for every `url` field (and always for the field named `url`, where the
   * token request goes); set it on a text field that decides a destination too.
   */
  readonly destination?: boolean;
  readonly default?: string;
  readonly options?: readonly string[];
  /** One or two sentences that help an operator fill the field in. */
  readonly help?: string;
}

/** What a view shows instead of a sensitive value. */
export const MASK = '••••';

/**
 * Whether a field decides where the credentials go: as declared, else every `url` field; always the
 * field named `url`, where the token request is sent. No kind leaves its token URL unguarded by omission.
 */
export function isDestinationField(field: FieldDeclaration): boolean {
  return field.name === 'url' || (field.destination ?? field.type === 'url');
}
