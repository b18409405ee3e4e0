/** Signing secrets in the Standard Webhooks `whsec_<base64>` form. */
import { randomBytes } from 'node:crypto';

export const SIGNING_SECRET = /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/;

export function generateSigningSecret(): string {
  return 'whsec_' + randomBytes(32).toString('base64');
}

/** What a view shows of a signing secret, which is only ever shown in full when it is created. */
export const SIGNING_SECRET_MASK = 'whsec_••••';
