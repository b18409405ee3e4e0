// @ts-check
// The secret kinds the server declares (with their field declarations), loaded once after sign-in.
import { api } from './api.js';

/** @typedef {import('../api-bodies').SecretKind} SecretKind */
/** @typedef {import('../api-bodies').FieldDeclaration} FieldDeclaration */

/** @type {SecretKind[]} */
let loaded = [];

export function kinds() {
  return loaded;
}

export function setKinds(/** @type {SecretKind[]} */ list) {
  loaded = list;
}

/** Loads the kinds unless they are loaded already. */
export async function loadKinds() {
  if (loaded.length === 0) loaded = /** @type {SecretKind[]} */ (await api('GET', '/api/secret-kinds'));
}

export function kindOf(/** @type {string} */ id) {
  return loaded.find((kind) => kind.id === id);
}

export function kindLabel(/** @type {string} */ id) {
  return kindOf(id)?.label ?? id;
}

/** A kind's field declarations (the document types them loosely; core declares them as FieldDeclaration). */
export function fieldsOf(/** @type {SecretKind | undefined} */ kind) {
  return /** @type {FieldDeclaration[]} */ (/** @type {unknown} */ (kind?.fields ?? []));
}
