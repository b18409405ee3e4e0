/**
 * The contribution point of storage statistics: each package (or plugin) names the tables it owns, so
 * `tessera db stats`, `GET /api/storage` and `/metrics` count them without a central list that knows
 * every package. Bind it with `bind(CORE.StoredTables)`, one binding per owner (its list may depend on the storage).
 */
export interface StoredTable {
  /** The table's name in the database: lower-case letters, digits and `_` (it is quoted into statements). */
  readonly name: string;
  /**
   * The column of each row's creation time (milliseconds since the epoch), when the age of the oldest row
   * kept is worth reporting; `orderedBy` is an indexed column whose order is the rows' creation order
   * (a sortable id), so finding the oldest row reads one index entry, never the table.
   */
  readonly oldest?: { readonly createdAt: string; readonly orderedBy: string };
}

export interface StoredTables {
  /** Who owns them, e.g. `core`, `webhooks`, a plugin's name. */
  readonly owner: string;
  readonly tables: readonly StoredTable[];
}
