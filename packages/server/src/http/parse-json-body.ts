/**
 * The API's JSON body parser: a body nested deeper than a person would write, or holding a key that
 * reaches an object's prototype (`__proto__`, `constructor.prototype`), is a validation error that names
 * where, instead of a stack overflow deeper in; a syntax error says where it is, never what the body held.
 */
import { TesseraError, ValidationError, type FieldIssue } from '@tessera/core';

/** Deeper structures are refused before they are parsed. */
export const MAX_JSON_DEPTH = 64;

/** `undefined` for an empty body (no body, as for a route without one). */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  const depth = nestingDepth(text);
  if (depth > MAX_JSON_DEPTH) {
    throw new ValidationError('The request body', [{ field: '(root)', message: `nests ${depth} levels deep; at most ${MAX_JSON_DEPTH} are accepted` }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // The parser's message may quote the body (a password with a typo in it, say): only the position is kept.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new TesseraError('bad-request', `The request body is not valid JSON${position === undefined ? '' : ` (at character ${position})`}. Send a JSON object with Content-Type: application/json.`);
  }
  const issues: FieldIssue[] = [];
  findPrototypeKeys(value, [], issues);
  if (issues.length > 0) throw new ValidationError('The request body', issues);
  return value;
}

/** The deepest nesting of arrays and objects, counted outside strings, without parsing. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i++; // a backslash escapes the next character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (char === 0x7d || char === 0x5d) depth--;
  }
  return deepest;
}

/** At most this many are reported (a body full of them must not cost more to answer than to send). */
const MAX_REPORTED = 5;
/** A path segment longer than this is shortened in the report. */
const MAX_SEGMENT = 40;

/** Depth-first, stopping at the first few: `path` is only joined for what is reported. */
function findPrototypeKeys(value: unknown, path: string[], issues: FieldIssue[]): void {
  if (value === null || typeof value !== 'object' || issues.length >= MAX_REPORTED) return;
  const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((item, i) => [String(i), item]) : Object.entries(value);
  for (const [key, item] of entries) {
    if (issues.length >= MAX_REPORTED) return;
    path.push(key);
    if (!Array.isArray(value) && (key === '__proto__' || (key === 'constructor' && item !== null && typeof item === 'object' && 'prototype' in item))) {
      const field = path.map((segment) => (segment.length > MAX_SEGMENT ? `${segment.slice(0, MAX_SEGMENT)}…` : segment)).join('.');
      issues.push({ field, message: `a key named ${key === '__proto__' ? '__proto__' : 'constructor with a prototype'} is refused` });
    } else findPrototypeKeys(item, path, issues);
    path.pop();
  }
}
