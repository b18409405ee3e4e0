/** The JWT bearer flow's assertion: RS256 over iss (consumer key), sub (user), aud (login URL), exp, signed with jose. */
import { SignJWT } from 'jose';
import { readPrivateKey } from './read-private-key.js';

export async function signJwtAssertion(input: { clientId: string; username: string; audience: string; privateKeyPem: string; now?: number }): Promise<string> {
  const key = readPrivateKey(input.privateKeyPem);
  const now = Math.floor((input.now ?? Date.now()) / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(input.clientId)
    .setSubject(input.username)
    .setAudience(input.audience)
    // Salesforce accepts at most 3 minutes.
    .setExpirationTime(now + 180)
    .sign(key);
}
