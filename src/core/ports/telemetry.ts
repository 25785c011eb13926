export type LogFields = Readonly<Record<string, unknown>>;

/**
 * Structured logging. Fields use fixed snake_case keys (`tenant_id`, `installation_id`,
 * `delivery_id`, `job_id`, `runner_name`, `reason`). Secrets are never passed in.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `bindings` to every line. */
  child(bindings: LogFields): Logger;
}

export type MetricLabels = Readonly<Record<string, string>>;

/** Counters and gauges; the embedded server renders them in Prometheus text format. */
export interface Metrics {
  increment(name: string, labels?: MetricLabels, by?: number): void;
  setGauge(name: string, labels: MetricLabels, value: number): void;
}
