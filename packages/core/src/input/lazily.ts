/**
 * `lazily(build)`: a value built the first time it is asked for and kept after — for zod schemas a
 * module would otherwise build as it loads, so that a CLI command pays only for the schemas it uses.
 */
export function lazily<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
