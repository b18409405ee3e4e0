// The types of scripts/console-types.mjs, for the test that checks the committed console types.
export const TYPES_FILE: string;
export function typesFromDocument(document: Record<string, unknown>): Promise<string>;
