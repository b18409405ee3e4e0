/** What the token lifecycle reports: each token issued, refreshed early, or failed; later feeds metrics. */
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
}

export class TokenEvents extends EventEmitter<TokenEventMap> {}
