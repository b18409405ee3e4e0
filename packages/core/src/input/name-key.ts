/** What makes two names the same name: compared after Unicode compatibility folding and in lower case, so `CRM`, `crm` and `ｃｒｍ` clash. */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

/**
 * For a migration that adds a name key to rows that may already clash: the oldest row of each name keeps
 * the key; the later ones get a key of their own (`<key>\u0000<id>`) until renamed, and each clash is
 * described so the operator can rename all but one.
 */
export function assignNameKeys(rows: ReadonlyArray<{ id: string; name: string }>, what: string, howToRename: string): { keys: Map<string, string>; notes: string[] } {
  const keys = new Map<string, string>();
  const byKey = new Map<string, string[]>();
  for (const row of rows) {
    const key = nameKey(row.name);
    const names = byKey.get(key);
    keys.set(row.id, names === undefined ? key : `${key}\u0000${row.id}`);
    byKey.set(key, [...(names ?? []), row.name]);
  }
  const notes = [...byKey.values()]
    .filter((names) => names.length > 1)
    .map((names) => `${what} ${names.map((n) => `'${n}'`).join(' and ')} differ only in case: names are now unique whatever their case, so rename all but one (${howToRename}).`);
  return { keys, notes };
}
