/**
 * The body every attempt of an event sends, `{ "type", "timestamp", "data" }` (DESIGN §5): built the same
 * way when it is published and whenever it is read back, so SQLite keeps only the event's `data` and the
 * body is the same bytes, and the same signature input, on every retry.
 */
export function eventBody(type: string, createdAt: number, dataJson: string): string {
  return `{"type":${JSON.stringify(type)},"timestamp":${JSON.stringify(new Date(createdAt).toISOString())},"data":${dataJson}}`;
}

/** A stored event's body: rows written before SQLite kept `data` alone hold the whole body in `payload`. */
export function storedBody(row: { type: string; created_at: number; payload: string; data: string | null }): string {
  return row.data === null ? row.payload : eventBody(row.type, row.created_at, row.data);
}
