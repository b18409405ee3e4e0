/** The JWT bearer flow's assertion: RS256 over iss (consumer key), sub (user), aud, iat, exp and a random jti (two sign-ins in one second never send the same assertion), signed with jose. */
import { randomUUID } from 'node:crypto';
import { readPrivateKey } from './read-private-key.js';

export async function signJwtAssertion(input: { clientId: string; username: string; audience: string; privateKeyPem: string; now?: number }): Promise<string> {
  const key = readPrivateKey(input.privateKeyPem);
  // jose is loaded by the first JWT sign-in, not by every process that only knows the kind.
  const { SignJWT } = await import('jose');
  const now = Math.floor((input.now ?? Date.now()) / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(input.clientId)
    .setSubject(input.username)
    .setAudience(input.audience)
    .setIssuedAt(now)
    .setJti(randomUUID())
    // Salesforce accepts at most 3 minutes.
    .setExpirationTime(now + 180)
    .sign(key);
}
