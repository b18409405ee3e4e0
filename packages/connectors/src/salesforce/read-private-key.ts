/** Reads the JWT bearer flow's RSA private key from PEM (PKCS#8 or PKCS#1), or says why it cannot, without quoting it. */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SecretParamsError } from '@tessera/core';

export const PRIVATE_KEY_HINT = "Paste the whole PEM file of the connected app's certificate key (PKCS#8 or PKCS#1), from its BEGIN line to its END line.";

export function readPrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(pem)) throw new Error('no PEM header');
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new SecretParamsError('privateKey', 'invalid-private-key', `privateKey is not a PEM private key. ${PRIVATE_KEY_HINT}`);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new SecretParamsError('privateKey', 'invalid-private-key', `privateKey is a ${key.asymmetricKeyType ?? 'non-RSA'} key; the JWT bearer flow signs with RS256 and needs an RSA key.`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) throw new SecretParamsError('privateKey', 'invalid-private-key', `privateKey is a ${bits}-bit RSA key; RS256 needs 2048 bits or more. Create a new key and certificate for the connected app.`);
  return key;
}
