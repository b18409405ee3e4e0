/**
 * AES-256-GCM encryption of values at rest in a versioned envelope that names its key, so keys can
 * rotate: one primary key encrypts, every key in the ring can still decrypt.
 *
 * Envelope: `tsr1:<key id>:<iv base64url>:<ciphertext+tag base64url>`. The additional data binds a
 * ciphertext to its place (e.g. a secret id), so a value copied to another row does not decrypt.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ConfigurationError } from '../errors/configuration-error.js';
import { TesseraError } from '../errors/tessera-error.js';

const VERSION = 'tsr1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface KeyRingConfig {
  /** Id of the key that encrypts new values. */
  primary: string;
  /** Every key by id: base64 of 32 bytes. Older keys stay here so old values can be read. */
  keys: Record<string, string>;
}

export class KeyRing {
  readonly primaryId: string;
  readonly #keys: Map<string, Buffer>;
  readonly #fingerprints = new Map<string, Buffer>();

  constructor(config: KeyRingConfig) {
    this.#keys = new Map();
    for (const [id, encoded] of Object.entries(config.keys)) {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
        throw new ConfigurationError('invalid-key-id', `Key id '${id}' may only contain letters, digits, '-' and '_'.`);
      }
      const key = decodeKey(encoded, `key '${id}'`);
      this.#keys.set(id, key);
      // Values written under a single master key name it by fingerprint; keep them readable in a ring.
      this.#fingerprints.set(keyIdOf(key), key);
    }
    if (!this.#keys.has(config.primary)) {
      throw new ConfigurationError(
        'invalid-key-ring',
        `The key ring's primary key '${config.primary}' is not among its keys (${[...this.#keys.keys()].join(', ') || 'none'}). Add it to 'keys'.`,
      );
    }
    this.primaryId = config.primary;
  }

  /** A ring of one key, whose id is derived from the key itself. */
  static fromMasterKey(masterKey: string): KeyRing {
    const key = decodeKey(masterKey, 'the master key');
    const id = keyIdOf(key);
    return new KeyRing({ primary: id, keys: { [id]: masterKey } });
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  encrypt(plaintext: string, additionalData: string): string {
    const key = this.#keys.get(this.primaryId) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(additionalData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, this.primaryId, iv.toString('base64url'), body.toString('base64url')].join(':');
  }

  decrypt(envelope: string, additionalData: string): string {
    const parts = envelope.split(':');
    if (parts.length !== 4 || parts[0] !== VERSION) {
      throw new TesseraError('decrypt-failed', 'A stored value is not a Tessera encryption envelope; the database may be damaged.');
    }
    const [, keyId, ivText, bodyText] = parts as [string, string, string, string];
    const key = this.#keys.get(keyId) ?? this.#fingerprints.get(keyId);
    if (!key) {
      throw new TesseraError(
        'key-not-found',
        `A stored value was encrypted with key '${keyId}', which is not in the configured key ring (${this.keyIds.join(', ')}). Add that key to the ring (keep old keys until 'rotateKeys' has re-encrypted everything).`,
      );
    }
    const body = Buffer.from(bodyText, 'base64url');
    const iv = Buffer.from(ivText, 'base64url');
    if (iv.length !== IV_BYTES || body.length < TAG_BYTES) {
      throw new TesseraError('decrypt-failed', 'A stored value has a malformed encryption envelope; the database may be damaged.');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(additionalData, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new TesseraError(
        'decrypt-failed',
        `A stored value did not decrypt with key '${keyId}': the key is wrong or the value was altered.`,
        { cause },
      );
    }
  }

  /** True when the envelope was made with a key other than the primary one. */
  needsRotation(envelope: string): boolean {
    return envelope.split(':', 3)[1] !== this.primaryId;
  }
}

/** A new random key, base64 encoded, as `masterKey` expects. */
export function generateMasterKey(): string {
  return randomBytes(32).toString('base64');
}

function keyIdOf(key: Buffer): string {
  return 'k' + createHash('sha256').update(key).digest('hex').slice(0, 12);
}

function decodeKey(encoded: string, what: string): Buffer {
  const key = Buffer.from(encoded.trim(), 'base64');
  if (key.length !== 32) {
    throw new ConfigurationError(
      'invalid-master-key',
      `${what} must be base64 of exactly 32 bytes (got ${key.length} bytes). Generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"`,
    );
  }
  return key;
}
