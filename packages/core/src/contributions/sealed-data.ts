/**
 * The contribution point of key rotation: a package or plugin that seals values with the key ring
 * (`CORE.KeyRing`) re-encrypts them under the primary key when `tessera keys rotate` asks, so the old
 * key can go. Core's own secrets are rotated by `SecretStore.rotateKeys`; bind it with `bind(CORE.SealedData)`.
 */
export interface SealedData {
  /** Names what it holds in the rotation's report, e.g. `webhooks`. */
  readonly name: string;
  /** Re-encrypts every value it holds that a key other than the primary one sealed; answers how many records it changed (0 when none needed it). */
  reseal(): Promise<number>;
}
