import { describe, expect, it } from 'vitest';

import type { GhrRun } from './cli-harness.js';
import { ghr } from './cli-harness.js';

/** A deployment holding the scripted world, as one backend keeps it. */
/** `read`: a test that changes nothing may share its world; `write`: it needs its own. */
export type WorldMode = 'read' | 'write';

export interface CliWorld {
  /** Flags that select the backend: `--config <file>`, or `--aws --prefix ...`. */
  readonly flags: readonly string[];
  readonly env: Record<string, string>;
  /** Every record the backend holds, to show a refused command changed nothing. */
  snapshot(): Promise<unknown>;
}

const json = (run: GhrRun): unknown => JSON.parse(run.out);

/**
 * What every operator command prints for the scripted world (`test/operator/operator-world.ts`),
 * whatever the backend: run once on SQLite and once on DynamoDB, with the same expectations.
 */
export function operatorCommandsContract(world: (mode: WorldMode) => Promise<CliWorld>): void {
  const runIn =
    (mode: WorldMode) =>
    async (...args: string[]) => {
      const chosen = await world(mode);
      return ghr([...args, ...chosen.flags], { env: chosen.env });
    };
  const run = runIn('read');
  const change = runIn('write');

  describe('tenants list', () => {
    it('prints every tenant with its runners against its limit, as a table', async () => {
      const result = await run('tenants', 'list');

      expect(result.code).toBe(0);
      expect(result.out).toBe(
        [
          ' id  account    type          status     tier    held  limit  queued  at limit  overrides',
          '---  ---------  ------------  ---------  ------  ----  -----  ------  --------  ---------',
          '101  acme-corp  Organization  active     small      2      2       1  yes       -',
          '202  globex     Organization  deleted    small      0      2       1  no        -',
          '303  octo-dev   User          suspended  medium     0      5       1  no        -',
          '',
        ].join('\n'),
      );
    });

    it('filters by status, and prints JSON with every field in a fixed order', async () => {
      const result = await run('tenants', 'list', '--status', 'deleted', '--output', 'json');

      expect(result.code).toBe(0);
      expect(json(result)).toEqual({
        tenants: [
          {
            installation_id: 202,
            account_login: 'globex',
            account_type: 'Organization',
            status: 'deleted',
            tier: 'small',
            max_runners: 2,
            tier_overrides: {},
            runner_group: null,
            created_at: '2024-01-01T00:00:00.000Z',
            updated_at: '2024-01-01T00:01:20.000Z',
            runners_held: 0,
            queued_jobs: 1,
            at_limit: false,
          },
        ],
      });
      const keys = Object.keys((json(result) as { tenants: object[] }).tenants[0] ?? {});
      expect(keys.slice(0, 3)).toEqual(['installation_id', 'account_login', 'account_type']);
    });

    it('prints CSV with a header row', async () => {
      const result = await run('tenants', 'list', '--status', 'suspended', '-o', 'csv');

      expect(result.out.split('\r\n')).toEqual([
        'installation_id,account_login,account_type,status,tier,max_runners,tier_overrides,' +
          'runner_group,runners_held,queued_jobs,at_limit,created_at,updated_at',
        '303,octo-dev,User,suspended,medium,5,{},,0,1,false,2024-01-01T00:00:00.000Z,' +
          '2024-01-01T00:03:20.000Z',
        '',
      ]);
    });
  });

  describe('tenants show', () => {
    it('shows the limits, the runners per tier, the waiting job and the decisions', async () => {
      const result = await run('tenants', 'show', '101');

      expect(result.code).toBe(0);
      expect(result.out).toBe(
        [
          'tenant        101',
          '------------  --------------------------------------',
          'account       acme-corp (Organization)',
          'status        active',
          'plan tier     small',
          'runners       2 held of max_runners 2 (at the limit)',
          "runner group  GitHub's default",
          'created       2024-01-01T00:00:00Z',
          'updated       2024-01-01T00:00:00Z',
          '',
          'Runners by tier (cap: the limit of the tier for this tenant)',
          'tier    launching  idle  busy  held  cap  cap from  queued',
          '------  ---------  ----  ----  ----  ---  --------  ------',
          'small           0     0     2     2    2  tier           1',
          'medium          0     0     0     0    5  tier           0',
          '',
          'Queued jobs, oldest first',
          'job  tier   repository  queued at             waiting s',
          '---  -----  ----------  --------------------  ---------',
          ' 11  small  acme/app    2024-01-02T23:36:40Z       1400',
          '',
          'Recent decisions, newest first',
          'at                    tier   reason           launched  times  last at               job  detail',
          '--------------------  -----  ---------------  --------  -----  --------------------  ---  ------',
          '2024-01-02T23:36:40Z  small  at_tenant_limit         0      2  2024-01-02T23:37:10Z    -  -',
          '',
        ].join('\n'),
      );
    });

    it('gives the same in JSON', async () => {
      const result = await run('tenants', 'show', '303', '-o', 'json');

      expect(json(result)).toMatchObject({
        tenant: { installation_id: 303, status: 'suspended', tier: 'medium', max_runners: 5 },
        runners: {
          held: 0,
          limit: 5,
          at_limit: false,
          by_tier: [
            { tier: 'small', held: 0, cap: 2, cap_from: 'tier', queued_jobs: 0 },
            { tier: 'medium', held: 0, cap: 5, cap_from: 'tier', queued_jobs: 1 },
          ],
        },
        queued_jobs: [
          {
            id: 8,
            tier: 'medium',
            repository: 'octo-dev/site',
            run_id: 9008,
            queued_at: '2024-01-02T00:05:00.000Z',
            waiting_seconds: 86_100,
          },
        ],
        decisions: [
          {
            at: '2024-01-02T00:05:00.000Z',
            last_at: '2024-01-02T00:05:00.000Z',
            repeats: 1,
            tier: 'medium',
            reason: 'tenant_suspended',
            launched: 0,
            job_id: 8,
            detail: null,
          },
        ],
      });
    });
  });

  describe('changing a tenant', () => {
    it('set-tier moves the plan and its limit, and asks for the waiting job to run', async () => {
      const changed = await change('tenants', 'set-tier', '101', 'medium');
      const shown = json(await change('tenants', 'show', '101', '-o', 'json'));

      expect(changed).toMatchObject({ code: 0, err: '' });
      expect(changed.out).toBe(
        'tenant 101 (acme-corp): tier: "small" -> "medium"; max_runners: 2 -> 5\n' +
          'waiting jobs asked to run in: small\n',
      );
      expect(shown).toMatchObject({
        tenant: { tier: 'medium', max_runners: 5, updated_at: '2024-01-03T00:00:00.000Z' },
        runners: { held: 2, limit: 5, at_limit: false },
      });
    });

    it('set-tier takes the limit from --max-runners when given, and says so in JSON', async () => {
      const changed = await change(
        'tenants',
        'set-tier',
        '303',
        'small',
        '--max-runners',
        '3',
        '-o',
        'json',
      );

      expect(json(changed)).toEqual({
        tenant: expect.objectContaining({ installation_id: 303, tier: 'small', max_runners: 3 }),
        changes: ['tier: "medium" -> "small"', 'max_runners: 5 -> 3'],
        reconciles_requested: [],
        reconcile_error: null,
      });
    });

    it('set-limit sets the limit across tiers, or one tier cap with --tier', async () => {
      const limit = await change('tenants', 'set-limit', '101', '4');
      const cap = await change('tenants', 'set-limit', '101', '1', '--tier', 'small');
      const shown = json(await change('tenants', 'show', '101', '-o', 'json'));

      expect(limit.out).toContain('max_runners: 2 -> 4');
      expect(cap.out).toContain('tier_overrides.small: null -> 1');
      expect(shown).toMatchObject({
        tenant: { max_runners: 4, tier_overrides: { small: 1 } },
        runners: { by_tier: [{ tier: 'small', held: 2, cap: 1, cap_from: 'tenant' }, {}] },
      });
    });

    it('suspend and resume move the status, and a repeat changes nothing', async () => {
      const suspended = await change('tenants', 'suspend', '101');
      const again = await change('tenants', 'suspend', '101');
      const resumed = await change('tenants', 'resume', '101');

      expect(suspended.out).toBe('tenant 101 (acme-corp): status: "active" -> "suspended"\n');
      expect(again.out).toBe('tenant 101 (acme-corp): nothing to change\n');
      expect(resumed.out).toBe(
        'tenant 101 (acme-corp): status: "suspended" -> "active"\n' +
          'waiting jobs asked to run in: small\n',
      );
      expect(
        json(await change('tenants', 'list', '--status', 'active', '-o', 'json')),
      ).toMatchObject({
        tenants: [{ installation_id: 101 }],
      });
    });
  });

  describe('runners, jobs and queues', () => {
    it('lists runners with their machine, job and how long they ran', async () => {
      const result = await run('runners', 'list', '--tenant', '101', '--tier', 'medium');

      expect(result.out).toBe(
        [
          'runner            tenant  tier    state  machine  job  launched              ran s  why done',
          '----------------  ------  ------  -----  -------  ---  --------------------  -----  --------',
          'ghr-101-medium-c     101  medium  done   local      -  2024-01-01T00:00:40Z     60  exited',
          '',
        ].join('\n'),
      );
    });

    it('filters runners by state, and gives every time in JSON', async () => {
      const result = await run('runners', 'list', '--state', 'busy', '-o', 'json');

      expect(json(result)).toEqual({
        runners: [
          {
            name: 'ghr-101-small-f',
            installation_id: 101,
            tier: 'small',
            tenant_tier: 'small',
            repository: null,
            state: 'busy',
            machine: 'local',
            compute_id: 'm-ghr-101-small-f',
            github_runner_id: 509,
            job_id: 9,
            launched_at: '2024-01-02T23:00:00.000Z',
            registered_at: '2024-01-02T23:00:01.000Z',
            started_at: '2024-01-02T23:00:10.000Z',
            done_at: null,
            done_reason: null,
          },
          expect.objectContaining({ name: 'ghr-101-small-i', job_id: 10 }),
        ],
      });
    });

    it('lists jobs by status and tenant', async () => {
      const queued = await run('jobs', 'list', '--status', 'queued', '-o', 'csv');
      const octo = json(await run('jobs', 'list', '--tenant', '303', '-o', 'json'));

      expect(queued.out.split('\r\n').map((row) => row.split(',')[0])).toEqual([
        'id',
        '7',
        '8',
        '11',
        '',
      ]);
      expect(octo).toEqual({
        jobs: [
          {
            id: 8,
            installation_id: 303,
            tier: 'medium',
            repository: 'octo-dev/site',
            run_id: 9008,
            status: 'queued',
            labels: ['self-hosted', 'linux', 'x64', 'medium'],
            runner_name: null,
            conclusion: null,
            created_at: '2024-01-02T00:05:00.000Z',
            started_at: null,
            completed_at: null,
          },
        ],
      });
    });

    it('shows per tier the waiting jobs and the one waiting longest, leaving deleted tenants out', async () => {
      const result = json(await run('queues', '-o', 'json')) as { tiers: unknown };

      expect(result.tiers).toEqual([
        {
          tier: 'small',
          queued_jobs: 1,
          suspended_jobs: 0,
          tenants: 1,
          oldest_job_id: 11,
          oldest_installation_id: 101,
          oldest_queued_at: '2024-01-02T23:36:40.000Z',
          oldest_waiting_seconds: 1400,
        },
        {
          tier: 'medium',
          queued_jobs: 1,
          suspended_jobs: 1,
          tenants: 1,
          oldest_job_id: 8,
          oldest_installation_id: 303,
          oldest_queued_at: '2024-01-02T00:05:00.000Z',
          oldest_waiting_seconds: 86_100,
        },
      ]);
    });
  });

  describe('refused input', () => {
    it.each([
      [['tenants', 'show', '999'], ['999']],
      [['tenants', 'set-tier', '999', 'medium'], ['999']],
      [
        ['tenants', 'set-tier', '101', 'gpu'],
        ['<tier>', '"gpu"'],
      ],
      [
        ['tenants', 'set-tier', '101', 'medium', '--max-runners', '-2'],
        ['--max-runners', '"-2"'],
      ],
      [
        ['tenants', 'set-limit', '101', '-1'],
        ['<N>', '"-1"'],
      ],
      [
        ['tenants', 'set-limit', '101', 'lots'],
        ['<N>', '"lots"'],
      ],
      [
        ['tenants', 'set-limit', '101', '3', '--tier', 'huge'],
        ['--tier', '"huge"'],
      ],
      [
        ['tenants', 'set-limit', 'abc', '3'],
        ['<installation_id>', '"abc"'],
      ],
      [
        ['tenants', 'resume', '202'],
        ['202', 'deleted'],
      ],
      [
        ['tenants', 'suspend', '202'],
        ['202', 'deleted'],
      ],
      [
        ['tenants', 'list', '--status', 'gone'],
        ['--status', '"gone"'],
      ],
      [['tenants', 'list', '--colour'], ['--colour']],
      [
        ['tenants', 'list', '--output', 'xml'],
        ['--output', '"xml"'],
      ],
      [['tenants', 'frobnicate'], ['frobnicate']],
      [
        ['runners', 'list', '--state', 'asleep'],
        ['--state', '"asleep"'],
      ],
      [['runners', 'list', '--tenant', '999'], ['999']],
      [
        ['jobs', 'list', '--status', 'stuck'],
        ['--status', '"stuck"'],
      ],
      [
        ['usage', '--since', '2024-02-30'],
        ['--since', '"2024-02-30"'],
      ],
      [
        ['usage', '--until', 'tomorrow'],
        ['--until', '"tomorrow"'],
      ],
      [
        ['usage', '--since', '2024-01-02', '--until', '2024-01-01'],
        ['--until', '2024-01-02'],
      ],
      [
        ['usage', '--by', 'week'],
        ['--by', '"week"'],
      ],
      [['tenants', 'show'], ['<installation_id>']],
    ])('ghr %j exits 2, names %j, and changes nothing', async (args, mentions) => {
      const shared = await world('read');
      const before = await shared.snapshot();

      const result = await run(...args);

      expect(result.code).toBe(2);
      expect(result.out).toBe('');
      for (const mention of mentions) expect(result.err).toContain(mention);
      expect(await shared.snapshot()).toEqual(before);
    });
  });
}
