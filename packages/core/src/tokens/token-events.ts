/** What the token lifecycle reports: each token issued, refreshed early, or failed, and each getToken answered from the cache; feeds metrics and `TokenActivityLog`. */
import { EventEmitter } from 'node:events';

export interface TokenIssuedEvent {
  secretId: string;
  expiresAt: Date;
  durationMs: number;
}

export interface TokenFailedEvent {
  secretId: string;
  code: string;
  status?: number;
  durationMs: number;
  message: string;
}

export interface TokenEventMap {
  issued: [TokenIssuedEvent];
  refreshed: [TokenIssuedEvent];
  failed: [TokenFailedEvent];
  /** A getToken answered from the cache (the secret's id). */
  cacheHit: [string];
}

export class TokenEvents extends EventEmitter<TokenEventMap> {}
