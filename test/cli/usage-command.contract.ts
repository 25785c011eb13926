import { describe, expect, it } from 'vitest';

import type { GhrRun } from './cli-harness.js';
import { ghr } from './cli-harness.js';
import type { CliWorld, WorldMode } from './operator-commands.contract.js';

interface Report {
  readonly tenants: readonly {
    readonly installation_id: number;
    readonly status: string;
    readonly lines: readonly Record<string, unknown>[];
    readonly total: Record<string, unknown>;
    readonly open_runners: number;
  }[];
}

const report = (run: GhrRun): Report => JSON.parse(run.out) as Report;
const tenant = (r: Report, id: number) => r.tenants.find((t) => t.installation_id === id);

/**
 * `ghr usage` over the scripted world. Prices: small 0.06 per minute (0.001 a second), medium
 * 7.2 per hour (0.002 a second); each runner is billed at least 60 s. The figures below are
 * worked out by hand from the script, to the second.
 */
export function usageCommandContract(world: (mode: WorldMode) => Promise<CliWorld>): void {
  const runIn =
    (mode: WorldMode) =>
    async (...args: string[]) => {
      const chosen = await world(mode);
      return ghr([...args, ...chosen.flags], { env: chosen.env });
    };
  const run = runIn('read');

  describe('ghr usage', () => {
    it('sums each tenant per tier in name order, idle runners on their own uncharged line', async () => {
      const result = await run('usage', '--output', 'json');

      expect(result.code).toBe(0);
      expect(report(result)).toMatchObject({
        since: null,
        until: '2024-01-03T00:00:00.000Z',
        by: 'tier',
        currency: 'USD',
        charge_idle: false,
      });
      expect(tenant(report(result), 101)).toEqual({
        installation_id: 101,
        account_login: 'acme-corp',
        status: 'active',
        lines: [
          {
            key: 'medium',
            kind: 'idle',
            charged: false,
            runners: 1,
            jobs: 0,
            runner_seconds: 60,
            job_seconds: 0,
            peak_runners: 1,
            cost: 0.12,
          },
          // a 75 s, b 111, d 90 (across midnight), e 40, and f 3600 and i 1800 still running.
          {
            key: 'small',
            kind: 'jobs',
            charged: true,
            runners: 6,
            jobs: 6,
            runner_seconds: 5716,
            job_seconds: 5630,
            peak_runners: 2,
            // e is billed its 60 s minimum: 0.001 * (75 + 111 + 90 + 60 + 3600 + 1800).
            cost: 5.736,
          },
        ],
        total: {
          runners: 6,
          jobs: 6,
          runner_seconds: 5716,
          job_seconds: 5630,
          peak_runners: 2,
          cost: 5.736,
        },
        open_runners: 2,
        unpriced: [],
      });
    });

    it("keeps a deleted tenant's history, its idle runner apart", async () => {
      const result = await run('usage', '--tenant', '202', '-o', 'json');

      expect(report(result).tenants).toEqual([
        expect.objectContaining({
          installation_id: 202,
          status: 'deleted',
          lines: [
            expect.objectContaining({
              key: 'small',
              kind: 'jobs',
              runner_seconds: 45,
              job_seconds: 30,
              cost: 0.06,
            }),
            expect.objectContaining({ key: 'small', kind: 'idle', runner_seconds: 20, cost: 0.06 }),
          ],
          total: expect.objectContaining({ runners: 1, jobs: 1, runner_seconds: 45, cost: 0.06 }),
        }),
      ]);
    });

    it('charges idle runners with --charge-idle, which also raises the peak they overlap', async () => {
      const result = report(await run('usage', '--charge-idle', '-o', 'json'));

      expect(tenant(result, 101)?.total).toEqual({
        runners: 7,
        jobs: 6,
        runner_seconds: 5776,
        job_seconds: 5630,
        peak_runners: 3,
        cost: 5.856,
      });
      expect(tenant(result, 202)?.total).toMatchObject({
        runners: 2,
        runner_seconds: 65,
        cost: 0.12,
      });
    });

    it('groups by the UTC day a runner launched, counting a runner across midnight whole', async () => {
      const result = report(await run('usage', '--by', 'day', '--tenant', '101', '-o', 'json'));

      expect(tenant(result, 101)?.lines).toEqual([
        expect.objectContaining({
          key: '2024-01-01',
          kind: 'jobs',
          runners: 3,
          runner_seconds: 276,
          job_seconds: 220,
          cost: 0.276,
        }),
        expect.objectContaining({
          key: '2024-01-01',
          kind: 'idle',
          runners: 1,
          runner_seconds: 60,
        }),
        expect.objectContaining({
          key: '2024-01-02',
          kind: 'jobs',
          runners: 3,
          runner_seconds: 5440,
          job_seconds: 5410,
          cost: 5.46,
        }),
      ]);
    });

    it('reports only runners launched in the period', async () => {
      const result = report(
        await run(
          'usage',
          '--since',
          '2024-01-02',
          '--until',
          '2024-01-02T12:00:00Z',
          '-o',
          'json',
        ),
      );

      expect(result.tenants.map((t) => t.installation_id)).toEqual([101]);
      expect(tenant(result, 101)?.total).toEqual({
        runners: 1,
        jobs: 1,
        runner_seconds: 40,
        job_seconds: 30,
        peak_runners: 1,
        cost: 0.06,
      });
    });

    it('prints a table that fits 100 columns and states the rounding', async () => {
      const result = await run('usage');
      const lines = result.out.split('\n');

      expect(lines.slice(0, 8)).toEqual([
        'tenant  account    status   tier    kind     runners  jobs  runner s   job s  peak  cost USD',
        '------  ---------  -------  ------  -------  -------  ----  --------  ------  ----  --------',
        '   101  acme-corp  active   medium  idle           1     0      60.0     0.0     1    0.1200',
        '   101  acme-corp  active   small   jobs           6     6    5716.0  5630.0     2    5.7360',
        '   101  acme-corp  active   total   charged        6     6    5716.0  5630.0     2    5.7360',
        '   202  globex     deleted  small   jobs           1     1      45.0    30.0     1    0.0600',
        '   202  globex     deleted  small   idle           1     0      20.0     0.0     1    0.0600',
        '   202  globex     deleted  total   charged        1     1      45.0    30.0     1    0.0600',
      ]);
      expect(result.out).toContain('at least 60 s per runner');
      expect(result.out).toContain('still running, so still growing: 101 (2)');
      expect(lines.every((line) => line.length <= 100)).toBe(true);
      expect(result.err).toContain('ghr usage: read 9 runners');
    });

    it('prints CSV with one row per line and per total', async () => {
      const result = await run('usage', '--tenant', '202', '-o', 'csv');

      expect(result.out.split('\r\n')).toEqual([
        'installation_id,account_login,status,key,kind,charged,runners,jobs,runner_seconds,' +
          'job_seconds,peak_runners,cost,currency',
        '202,globex,deleted,small,jobs,true,1,1,45,30,1,0.06,USD',
        '202,globex,deleted,small,idle,false,1,0,20,0,1,0.06,USD',
        '202,globex,deleted,total,total,,1,1,45,30,1,0.06,USD',
        '',
      ]);
    });
  });
}
