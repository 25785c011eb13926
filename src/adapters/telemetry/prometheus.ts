import { PlatformError } from '../../core/errors.js';
import type { MetricLabels, Metrics } from '../../core/ports/telemetry.js';

/** The two metric types the `Metrics` port can feed. */
export type MetricType = 'counter' | 'gauge';

interface Series {
  readonly labels: readonly (readonly [string, string])[];
  value: number;
}

interface Family {
  readonly type: MetricType;
  help: string | undefined;
  readonly series: Map<string, Series>;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Counters and gauges held in memory and rendered in the Prometheus text exposition format
 * 0.0.4. A metric's type is fixed by `describe` or by its first use.
 */
export class PrometheusRegistry implements Metrics {
  private readonly families = new Map<string, Family>();

  describe(name: string, help: string, type: MetricType): void {
    const family = this.family(name, type);
    family.help = help;
  }

  increment(name: string, labels: MetricLabels = {}, by = 1): void {
    if (!Number.isFinite(by) || by < 0) {
      throw new PlatformError(
        'invalid_input',
        `incrementing counter ${name}: the step must be a finite number of 0 or more (got ${by})`,
      );
    }

    const series = this.series(this.family(name, 'counter'), name, labels);
    series.value += by;
  }

  setGauge(name: string, labels: MetricLabels, value: number): void {
    const series = this.series(this.family(name, 'gauge'), name, labels);
    series.value = value;
  }

  /** The whole registry as one exposition, metrics and series in a stable order. */
  render(): string {
    const lines: string[] = [];
    const names = [...this.families.keys()].sort();

    for (const name of names) {
      const family = this.families.get(name) as Family;
      if (family.help !== undefined) lines.push(`# HELP ${name} ${escapeHelp(family.help)}`);
      lines.push(`# TYPE ${name} ${family.type}`);

      const keys = [...family.series.keys()].sort();
      for (const key of keys) {
        const series = family.series.get(key) as Series;
        lines.push(`${name}${renderLabels(series.labels)} ${renderValue(series.value)}`);
      }
    }

    return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  }

  private family(name: string, type: MetricType): Family {
    const existing = this.families.get(name);
    if (existing !== undefined && existing.type !== type) {
      throw new PlatformError(
        'invalid_input',
        `using metric ${name} as a ${type}: it is already a ${existing.type}`,
      );
    }
    if (existing !== undefined) return existing;

    if (!METRIC_NAME.test(name)) {
      throw new PlatformError(
        'invalid_input',
        `registering a metric: the name must match ${METRIC_NAME.source} (got ${JSON.stringify(name)})`,
      );
    }

    const family: Family = { type, help: undefined, series: new Map() };
    this.families.set(name, family);
    return family;
  }

  private series(family: Family, name: string, labels: MetricLabels): Series {
    const pairs = Object.entries(labels)
      .map(([label, value]) => [label, String(value)] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const key = JSON.stringify(pairs);
    const existing = family.series.get(key);
    if (existing !== undefined) return existing;

    for (const [label] of pairs) {
      if (!LABEL_NAME.test(label) || label.startsWith('__')) {
        throw new PlatformError(
          'invalid_input',
          `labelling metric ${name}: a label name must match ${LABEL_NAME.source} and not start with __ (got ${JSON.stringify(label)})`,
        );
      }
    }

    const series: Series = { labels: pairs, value: 0 };
    family.series.set(key, series);
    return series;
  }
}

function renderLabels(labels: readonly (readonly [string, string])[]): string {
  if (labels.length === 0) return '';

  const rendered = labels.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
  return `{${rendered.join(',')}}`;
}

function renderValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
