/** The contribution point of `/metrics`: each source renders its own families in the Prometheus text format. Bind it with `bind(CORE.MetricsSource)`. */
export interface MetricsSource {
  /** Lines of the text exposition format (`# HELP`, `# TYPE`, samples), without a trailing newline. */
  render(): string[] | Promise<string[]>;
}

/** `# HELP` and `# TYPE` of one family. */
export function metricFamily(name: string, type: 'counter' | 'gauge' | 'histogram', help: string): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
}
