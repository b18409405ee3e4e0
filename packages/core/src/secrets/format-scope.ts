/** Renders the scope an operator typed (`read,write`) in the wire format a token endpoint expects. */
import type { ScopeFormat } from './token-request-options.js';

export function formatScope(scope: string, format: ScopeFormat): string {
  switch (format) {
    // The documented legacy format: a one-element tuple string, `('read,write',)`.
    case 'tuple':
      return `('${scope}',)`;
    case 'plain':
      return scope;
    case 'space':
      return scope
        .split(/[\s,]+/)
        .filter(Boolean)
        .join(' ');
  }
}
