/** The report of a secret test, in words an operator can act on. */
export type DiagnosticLevel = 'error' | 'warning' | 'info';

export interface Diagnostic {
  level: DiagnosticLevel;
  /** Stable, e.g. `credentials-rejected`, `dns-failure`, `try-form-encoding`. */
  code: string;
  message: string;
  hint?: string;
  /** The secret's setting that fixes it, when one does: where the console and the CLI point (`encoding` → `--encoding`). */
  setting?: 'encoding' | 'scopeFormat' | 'extraParams' | 'responseFields' | 'defaultLifetimeSeconds';
  /** The field of the secret's kind that fixes it, when one does (`url` for a token URL that is not one): where the console and the CLI point. */
  field?: string;
}

export interface TestReport {
  ok: boolean;
  /** HTTP status of the token endpoint's answer, when there was one. */
  status?: number;
  durationMs: number;
  /** A description of the token, never the token: a few characters and the length. */
  token?: { type: string; expiresInSeconds: number; preview: string };
  diagnostics: Diagnostic[];
}

/** `abcd…(812 chars)`: enough to tell two tokens apart, never enough to use one. */
export function tokenPreview(token: string): string {
  const shown = token.length >= 16 ? 4 : 0;
  return `${token.slice(0, shown)}…(${token.length} chars)`;
}
