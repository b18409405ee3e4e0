/**
 * Replaces known values in a text in one pass, longest first at each position, so a mask is never
 * masked again and two overlapping values cannot garble each other: the one helper for masking by value.
 */
export function maskValues(text: string, values: Iterable<string>, mask: string): string {
  const present: string[] = [];
  for (const value of values) if (value.length > 0 && text.includes(value)) present.push(value);
  if (present.length === 0) return text;
  return text.replace(alternation(present), mask);
}

/** A masker for a fixed set of values, compiled once (a token request's scrubber uses it for every text it reads). */
export function compileMask(values: Iterable<string>, mask: string): (text: string) => string {
  const forms = [...new Set(values)].filter((value) => value.length > 0);
  if (forms.length === 0) return (text) => text;
  const pattern = alternation(forms);
  return (text) => text.replace(pattern, mask);
}

function alternation(values: readonly string[]): RegExp {
  const longestFirst = [...new Set(values)].sort((a, b) => b.length - a.length);
  return new RegExp(longestFirst.map(escapeRegExp).join('|'), 'g');
}

/** `text` as a regular expression that matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
