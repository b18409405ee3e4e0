/** The contribution point of what runs while a server runs: started once it listens, stopped (drained) when it stops; bind it with `bind(CORE.Lifecycle)`. */
export interface Lifecycle {
  /** Names it in the log and in what `stop` returns. */
  readonly name: string;
  start(): void | Promise<void>;
  /** Stops within `deadlineMs`; what it returns is logged. */
  stop(deadlineMs: number): Promise<unknown>;
}
