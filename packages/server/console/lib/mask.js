// @ts-check
// What the API shows instead of a sensitive value; sent back, it keeps the stored one.
export const MASK = '••••';
