import { describe, expect, it } from 'vitest';
import { PrometheusRegistry } from '../../../src/adapters/telemetry/prometheus.js';

describe('PrometheusRegistry', () => {
  it('renders described counters and gauges with HELP and TYPE, in a stable order', () => {
    const registry = new PrometheusRegistry();
    registry.describe('ghr_runners', 'Runners by tenant and tier.', 'gauge');
    registry.describe('ghr_jobs_total', 'Jobs seen.', 'counter');

    registry.setGauge('ghr_runners', { tier: 'small', tenant_id: '4242' }, 2);
    registry.setGauge('ghr_runners', { tenant_id: '4242', tier: 'large' }, 1);
    registry.setGauge('ghr_runners', { tier: 'small', tenant_id: '4242' }, 3);
    registry.increment('ghr_jobs_total');
    registry.increment('ghr_jobs_total', {}, 4);

    expect(registry.render()).toBe(
      [
        '# HELP ghr_jobs_total Jobs seen.',
        '# TYPE ghr_jobs_total counter',
        'ghr_jobs_total 5',
        '# HELP ghr_runners Runners by tenant and tier.',
        '# TYPE ghr_runners gauge',
        'ghr_runners{tenant_id="4242",tier="large"} 1',
        'ghr_runners{tenant_id="4242",tier="small"} 3',
        '',
      ].join('\n'),
    );
  });

  it('treats labels given in any order as one series', () => {
    const registry = new PrometheusRegistry();

    registry.increment('ghr_deliveries_total', { event: 'ping', outcome: 'ping' });
    registry.increment('ghr_deliveries_total', { outcome: 'ping', event: 'ping' });

    expect(registry.render()).toContain('ghr_deliveries_total{event="ping",outcome="ping"} 2');
  });

  it('escapes backslash, double quote and newline in label values, and in help text', () => {
    const registry = new PrometheusRegistry();
    registry.describe('ghr_errors_total', 'Errors.\nSee C:\\logs', 'counter');

    registry.increment('ghr_errors_total', { reason: 'said "no"\nat C:\\path' });

    expect(registry.render().split('\n')).toEqual([
      '# HELP ghr_errors_total Errors.\\nSee C:\\\\logs',
      '# TYPE ghr_errors_total counter',
      'ghr_errors_total{reason="said \\"no\\"\\nat C:\\\\path"} 1',
      '',
    ]);
  });

  it('writes special gauge values the way the format spells them', () => {
    const registry = new PrometheusRegistry();

    registry.setGauge('ghr_headroom', { tier: 'a' }, Infinity);
    registry.setGauge('ghr_headroom', { tier: 'b' }, -Infinity);
    registry.setGauge('ghr_headroom', { tier: 'c' }, NaN);
    registry.setGauge('ghr_headroom', { tier: 'd' }, 0.25);

    expect(registry.render()).toContain(
      [
        'ghr_headroom{tier="a"} +Inf',
        'ghr_headroom{tier="b"} -Inf',
        'ghr_headroom{tier="c"} NaN',
        'ghr_headroom{tier="d"} 0.25',
      ].join('\n'),
    );
  });

  it('renders a described metric with no samples yet as HELP and TYPE only', () => {
    const registry = new PrometheusRegistry();

    registry.describe('ghr_launch_failures_total', 'Runner launches that failed.', 'counter');

    expect(registry.render()).toBe(
      '# HELP ghr_launch_failures_total Runner launches that failed.\n' +
        '# TYPE ghr_launch_failures_total counter\n',
    );
  });

  it('renders an empty registry as an empty exposition', () => {
    expect(new PrometheusRegistry().render()).toBe('');
  });

  it.each([
    ['a metric name with a dash', (r: PrometheusRegistry) => r.increment('ghr-jobs')],
    ['a label name with a dot', (r: PrometheusRegistry) => r.increment('ghr_x', { 'a.b': '1' })],
    ['a reserved label name', (r: PrometheusRegistry) => r.increment('ghr_x', { __name__: 'y' })],
    ['a negative counter step', (r: PrometheusRegistry) => r.increment('ghr_x', {}, -1)],
    [
      'a counter used as a gauge',
      (r: PrometheusRegistry) => {
        r.increment('ghr_x');
        r.setGauge('ghr_x', {}, 1);
      },
    ],
  ])('refuses %s with invalid_input', (_name, misuse) => {
    const registry = new PrometheusRegistry();

    expect(() => misuse(registry)).toThrow(
      expect.objectContaining({ name: 'PlatformError', code: 'invalid_input' }),
    );
  });
});
