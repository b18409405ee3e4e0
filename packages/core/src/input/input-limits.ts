/** The length caps of everything an operator or a caller sends, in one place so every edge applies the same. */
export const INPUT_LIMITS = {
  /** Secret and webhook names. */
  name: 200,
  /** Token URLs, webhook URLs, any URL field. */
  url: 2_048,
  /** Event types and event filters. */
  eventType: 200,
  description: 1_000,
  /** A non-sensitive text field of a secret kind. */
  text: 8_192,
  /** A sensitive field (a PEM key is the longest expected). */
  sensitiveText: 16_384,
  /** Extra body parameters of a secret, and extra headers of a webhook: how many, and how long each. */
  entries: 50,
  entryName: 200,
  entryValue: 4_096,
} as const;
