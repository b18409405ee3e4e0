/** Turns one token exchange (request, answer or failure) into diagnostics an operator can act on. */
import type { TokenExchange } from '../tokens/token-client.js';
import { networkFailure, type NetworkFailure } from '../http/network-failure.js';
import { statusHint } from '../tokens/read-token-response.js';

/** What the operator should check for each kind of failed connection (the code is `networkFailure`'s, as in delivery attempts). */
const NETWORK_HINTS: Record<NetworkFailure, string | undefined> = {
  'dns-failure': 'Check the spelling of the host name in the token URL.',
  'connection-refused': 'Check the port in the token URL and that the service is running.',
  'connection-reset': 'Check that the URL is the token endpoint and that nothing between drops the connection.',
  'host-unreachable': 'Check the network path and firewall between this server and the endpoint.',
  'tls-error': 'Check the host name and the certificate chain of the endpoint.',
  'network-error': undefined,
};
import type { Diagnostic } from './test-report.js';

const SHORT_LIFETIME_SECONDS = 60;
const FORM_HINT = "The endpoint rejected the JSON body: many OAuth endpoints only accept form encoding. Set encoding to 'form' and test again.";

export function diagnoseExchange(exchange: TokenExchange): Diagnostic[] {
  const { error, token, request } = exchange;
  const out: Diagnostic[] = [];
  if (token) {
    const seconds = Math.round(token.lifetimeMs / 1000);
    out.push({ level: 'info', code: 'token-issued', message: `The endpoint issued a ${token.tokenType} token valid for ${seconds} s.` });
    if (token.tokenType.toLowerCase() !== 'bearer') {
      out.push({
        level: 'warning',
        code: 'token-type-not-bearer',
        message: `The token type is '${token.tokenType}', not 'Bearer'; Tessera sends it as a Bearer token.`,
        hint: 'Check that the receiving API accepts this token as a Bearer token.',
      });
    }
    if (token.defaultLifetime) {
      out.push({ level: 'info', code: 'default-lifetime', message: `The answer had no expires_in; the default lifetime of ${seconds} s applies.` });
    } else if (seconds < SHORT_LIFETIME_SECONDS) {
      out.push({
        level: 'warning',
        code: 'short-lifetime',
        message: `The token lives only ${seconds} s, so a new one is requested very often.`,
        hint: 'Check the endpoint’s token lifetime setting.',
      });
    }
    return out;
  }
  if (!error) return out;
  const status = error.status;
  const add = (code: string, message: string, hint?: string, setting?: Diagnostic['setting']) =>
    out.push({ level: 'error', code, message, ...(hint !== undefined && { hint }), ...(setting !== undefined && { setting }) });

  switch (error.code) {
    case 'address-refused':
      add('address-refused', error.message, 'Allow the address in the network settings if this endpoint is intended.');
      break;
    case 'timeout':
      add('timeout', error.message, 'Check the URL, the port and that a firewall does not drop the traffic.');
      break;
    case 'response-too-large':
      add('response-too-large', error.message, 'Check that the URL is the token endpoint.');
      break;
    case 'network': {
      const failure = networkFailure(error.networkCode);
      add(failure, error.message, NETWORK_HINTS[failure]);
      break;
    }
    case 'oauth':
      if (error.oauthError === 'invalid_request' && (status === 400 || status === 415) && request?.encoding === 'json') {
        // What Microsoft's endpoint answers to a JSON body: it cannot see grant_type in it.
        add('try-form-encoding', error.message, FORM_HINT, 'encoding');
      } else {
        if (error.oauthError === 'invalid_scope') add('oauth-error', error.message, 'Check the scope, and the scope format the endpoint expects (a space-separated string, or the scope as it is typed).', 'scopeFormat');
        else add('oauth-error', error.message, error.oauthError === 'invalid_grant' || error.oauthError === 'invalid_client' ? 'Check the credentials of this secret.' : undefined);
      }
      break;
    case 'http':
      if (status === 401 || status === 403) add('credentials-rejected', error.message, statusHint(status));
      else if (status === 404) add('url-not-found', error.message, statusHint(status));
      else if ((status === 400 || status === 415) && request?.encoding === 'json') {
        add('try-form-encoding', error.message, FORM_HINT, 'encoding');
      } else add('http-error', error.message, status !== undefined ? statusHint(status) : undefined);
      break;
    case 'invalid-secret':
      add(error.reason ?? 'invalid-secret', error.message, 'Correct the field named here and save the secret again.');
      break;
    case 'invalid-response': {
      const hints: Record<string, string> = {
        'html-response': 'Check that the URL is the token endpoint, not a web or login page.',
        'not-json': 'Check that the URL is the token endpoint.',
        'missing-expires-in': 'Set defaultLifetimeSeconds on the secret if the endpoint never sends expires_in.',
        'missing-access-token': 'If the endpoint names the token differently, set responseFields.accessToken on the secret to that name.',
      };
      const settings: Record<string, Diagnostic['setting']> = { 'missing-expires-in': 'defaultLifetimeSeconds', 'missing-access-token': 'responseFields' };
      const reason = error.reason ?? 'invalid-response';
      add(reason, error.message, hints[reason], settings[reason]);
      break;
    }
    default:
      add(error.code, error.message);
  }
  return out;
}
