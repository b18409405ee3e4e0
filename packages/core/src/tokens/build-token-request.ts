/** Turns a secret's kind and params into the exact bytes of its token request. */
import { formatScope } from '../secrets/format-scope.js';
import { field, type SecretKind, type SecretParams } from '../secrets/secret-kind.js';
import type { BodyEncoding, ScopeFormat } from '../secrets/token-request-options.js';

export interface TokenHttpRequest {
  url: string;
  encoding: BodyEncoding;
  headers: Record<string, string>;
  body: string;
}

export async function buildTokenRequest(kind: SecretKind, params: SecretParams): Promise<TokenHttpRequest> {
  const encoding = (params.encoding as BodyEncoding | undefined) ?? kind.defaults.encoding;
  const scopeFormat = (params.scopeFormat as ScopeFormat | undefined) ?? kind.defaults.scopeFormat;
  const scope = field(params, 'scope');
  const parameters = { ...(await kind.bodyParameters(params, scope ? formatScope(scope, scopeFormat) : undefined)) };
  const extra = (params.extraParams as Record<string, string> | undefined) ?? {};
  for (const [name, value] of Object.entries(extra)) parameters[name] = value;
  return {
    url: field(params, 'url'),
    encoding,
    headers: {
      'content-type': encoding === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: encoding === 'json' ? legacyJson(parameters) : new URLSearchParams(parameters).toString(),
  };
}

/**
 * JSON in the byte layout existing endpoints of the `general` kind were built against: `", "` and
 * `": "` separators and non-ASCII escaped as `\uXXXX` (Python's `json.dumps` defaults).
 */
export function legacyJson(parameters: Record<string, string>): string {
  const entries = Object.entries(parameters).map(([key, value]) => `${asciiJson(key)}: ${asciiJson(value)}`);
  return `{${entries.join(', ')}}`;
}

function asciiJson(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
}
