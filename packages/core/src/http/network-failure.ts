/**
 * The one classification of a connection that failed, from its system error code: the token client,
 * the tester and the webhook sender all report the same stable code and the same reason.
 */

export type NetworkFailure = 'dns-failure' | 'connection-refused' | 'connection-reset' | 'host-unreachable' | 'tls-error' | 'network-error';

/**
 * The system code of a failed request: its cause's (undici wraps the socket error), else its own when it
 * is a system, TLS or undici code (`ENOTFOUND`, `ERR_TLS_CERT_ALTNAME_INVALID`, `UND_ERR_SOCKET`), not
 * axios' own verdict on the answer (`ERR_BAD_RESPONSE`).
 */
export function systemCodeOf(error: unknown): string | undefined {
  const source = error as { code?: unknown; cause?: { code?: unknown } } | null;
  if (typeof source?.cause?.code === 'string') return source.cause.code;
  const code = source?.code;
  return typeof code === 'string' && ((code.startsWith('E') && !code.startsWith('ERR_BAD')) || code.startsWith('UND_')) ? code : undefined;
}

export function isTlsCode(code: string | undefined): boolean {
  return code !== undefined && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|HOSTNAME|EPROTO/i.test(code);
}

export function networkFailure(code: string | undefined): NetworkFailure {
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'dns-failure';
    case 'ECONNREFUSED':
      return 'connection-refused';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return 'connection-reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host-unreachable';
    default:
      return isTlsCode(code) ? 'tls-error' : 'network-error';
  }
}

/** What happened, in words that hold for any remote (a token endpoint, a webhook receiver); `fallback` for an unclassified failure. */
export function networkReason(code: string | undefined, fallback: string): string {
  switch (networkFailure(code)) {
    case 'dns-failure':
      return 'the host name does not resolve (DNS)';
    case 'connection-refused':
      return 'the connection was refused: nothing listens at that host and port';
    case 'connection-reset':
      return 'the connection was closed by the other side';
    case 'host-unreachable':
      return 'the host is unreachable from this server';
    case 'tls-error':
      return `TLS failed (${code}): the certificate is not trusted or does not match the host`;
    case 'network-error':
      return `${fallback}${code ? ` (${code})` : ''}`;
  }
}
