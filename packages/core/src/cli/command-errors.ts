/** What the CLI exits with: 2 for a command used wrongly, 1 for one that ran and failed; each with a one-line reason. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** A command that ran and did not succeed (a failed secret test, say), with its one-line reason. */
export class CommandFailed extends Error {
  readonly exitCode = 1;
}
