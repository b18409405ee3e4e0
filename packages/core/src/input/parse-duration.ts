/** `parseDuration(text)`: `30s`, `500ms`, `2m`, `12h`, `14d` in milliseconds; null when it is not a number with one of those units (is a bare 30 seconds or milliseconds?). */
const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(text.trim());
  const unit = match ? UNITS[(match[2] as string).toLowerCase()] : undefined;
  if (!match || unit === undefined) return null;
  return Math.round(Number(match[1]) * unit);
}
