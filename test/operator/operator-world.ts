import type { ManualClock } from '../../src/adapters/memory/manual-clock.js';
import type { DecisionLog } from '../../src/core/ports/decision-log.js';
import { isoTime } from '../../src/core/ports/clock.js';
import type { Ledger } from '../../src/core/ports/ledger.js';
import type { TenantStore } from '../../src/core/ports/tenant-store.js';
import type { Tenant } from '../../src/core/tenant.js';

/** The ports a scripted run writes through, on any backend. */
export interface WorldPorts {
  readonly tenants: TenantStore;
  readonly ledger: Ledger;
  readonly decisions: DecisionLog;
  readonly clock: ManualClock;
}

/** The day the run starts, and the moment the operator looks at it. */
export const DAY_ONE = Date.UTC(2024, 0, 1);
export const DAY_TWO = Date.UTC(2024, 0, 2);
export const REPORT_AT = Date.UTC(2024, 0, 3);

/** `seconds` after the start of `day`, as milliseconds. */
export const at = (day: number, seconds: number): number => day + seconds * 1000;

export const ACME = 101;
export const GLOBEX = 202;
export const OCTO = 303;

/** Tiers of the world's configuration, as a serve configuration file spells them. */
export const WORLD_CONFIG_YAML = `environment: opsworld
storage: { path: ./ghr.sqlite }
runner: { command: /bin/true }
default_tier: small
tiers:
  small: { labels: [self-hosted, linux, x64, small], max_runners: 2, instance_types: [local] }
  medium: { labels: [self-hosted, linux, x64, medium], max_runners: 5 }
pricing:
  currency: USD
  tiers:
    small: { per_minute: 0.06 }
    medium: { per_hour: 7.2 }
`;

function tenant(
  id: number,
  login: string,
  type: Tenant['accountType'],
  tier: string,
  max: number,
): Tenant {
  const created = new Date(DAY_ONE).toISOString();
  return {
    installationId: id,
    accountLogin: login,
    accountType: type,
    status: 'active',
    tier,
    maxRunners: max,
    tierOverrides: {},
    runnerGroup: undefined,
    createdAt: created,
    updatedAt: created,
  };
}

interface RunnerScript {
  readonly tenant: number;
  readonly tier: string;
  readonly name: string;
  readonly jobId: number;
  /** Milliseconds since the epoch for each step; `start`/`complete` absent: never reached. */
  readonly queued: number;
  readonly start?: number;
  readonly complete?: number;
  /** When the runner ends; absent: still running at the report. */
  readonly done?: number;
  readonly doneReason?: string;
  /** A job that ends without this runner (cancelled), leaving the runner idle. */
  readonly cancelled?: number;
}

/**
 * A scripted run through the ports with fixed times, the same on every backend:
 *
 * - acme-corp (101, small plan, limit 2): five jobs on small runners over two days, one of
 *   them across midnight, an idle medium runner whose job was cancelled, and two runners still
 *   busy at the report with a third job waiting for them;
 * - globex (202): one job, one runner stopped idle when it uninstalled, then deleted;
 * - octo-dev (303, a User account on medium): suspended, with one job waiting.
 *
 * Every runner launches one second before it registers and two before it has a machine.
 */
export async function buildWorld(ports: WorldPorts): Promise<void> {
  const { tenants, clock } = ports;
  clock.set(DAY_ONE);
  await tenants.createIfAbsent(tenant(ACME, 'acme-corp', 'Organization', 'small', 2));
  await tenants.createIfAbsent(tenant(GLOBEX, 'globex', 'Organization', 'small', 2));
  await tenants.createIfAbsent(tenant(OCTO, 'octo-dev', 'User', 'medium', 5));

  const scripts: RunnerScript[] = [
    {
      tenant: ACME,
      tier: 'small',
      name: 'ghr-101-small-a',
      jobId: 1,
      queued: at(DAY_ONE, 0),
      start: at(DAY_ONE, 10),
      complete: at(DAY_ONE, 70),
      done: at(DAY_ONE, 75),
    },
    {
      tenant: ACME,
      tier: 'small',
      name: 'ghr-101-small-b',
      jobId: 2,
      queued: at(DAY_ONE, 20),
      start: at(DAY_ONE, 30),
      complete: at(DAY_ONE, 130),
      done: at(DAY_ONE, 131),
    },
    {
      tenant: ACME,
      tier: 'medium',
      name: 'ghr-101-medium-c',
      jobId: 3,
      queued: at(DAY_ONE, 40),
      cancelled: at(DAY_ONE, 45),
      done: at(DAY_ONE, 100),
      doneReason: 'exited',
    },
    {
      tenant: GLOBEX,
      tier: 'small',
      name: 'ghr-202-small-g',
      jobId: 6,
      queued: at(DAY_ONE, 5),
      start: at(DAY_ONE, 15),
      complete: at(DAY_ONE, 45),
      done: at(DAY_ONE, 50),
    },
    {
      tenant: GLOBEX,
      tier: 'small',
      name: 'ghr-202-small-h',
      jobId: 7,
      queued: at(DAY_ONE, 60),
      done: at(DAY_ONE, 80),
      doneReason: 'tenant_deleted',
    },
    {
      tenant: ACME,
      tier: 'small',
      name: 'ghr-101-small-d',
      jobId: 4,
      queued: at(DAY_ONE, 86_370),
      start: at(DAY_ONE, 86_380),
      complete: at(DAY_TWO, 40),
      done: at(DAY_TWO, 60),
    },
    {
      tenant: ACME,
      tier: 'small',
      name: 'ghr-101-small-e',
      jobId: 5,
      queued: at(DAY_TWO, 36_000),
      start: at(DAY_TWO, 36_005),
      complete: at(DAY_TWO, 36_035),
      done: at(DAY_TWO, 36_040),
    },
    {
      tenant: ACME,
      tier: 'small',
      name: 'ghr-101-small-f',
      jobId: 9,
      queued: at(DAY_TWO, 82_800),
      start: at(DAY_TWO, 82_810),
    },
    {
      tenant: ACME,
      tier: 'small',
      name: 'ghr-101-small-i',
      jobId: 10,
      queued: at(DAY_TWO, 84_600),
      start: at(DAY_TWO, 84_610),
    },
  ];

  const steps = scripts.flatMap((script) => runnerSteps(ports, script));
  steps.push({ at: at(DAY_ONE, 80), run: () => deleteTenant(ports, GLOBEX) });
  steps.push({ at: at(DAY_ONE, 200), run: () => suspendTenant(ports, OCTO) });
  steps.push({
    at: at(DAY_TWO, 300),
    run: () => queueJob(ports, OCTO, 'medium', 8, 'octo-dev/site'),
  });
  steps.push({ at: at(DAY_TWO, 85_000), run: () => queueJob(ports, ACME, 'small', 11) });
  steps.push({ at: at(DAY_TWO, 85_000), run: () => decide(ports, ACME, 'at_tenant_limit') });
  steps.push({ at: at(DAY_TWO, 85_030), run: () => decide(ports, ACME, 'at_tenant_limit') });
  steps.push({ at: at(DAY_TWO, 300), run: () => decide(ports, OCTO, 'tenant_suspended', 8) });

  // Steps run in time order; equal times keep their listed order.
  const ordered = steps.map((step, index) => ({ ...step, index }));
  ordered.sort((a, b) => a.at - b.at || a.index - b.index);
  for (const step of ordered) {
    clock.set(step.at);
    await step.run();
  }
  clock.set(REPORT_AT);
}

interface Step {
  readonly at: number;
  readonly run: () => Promise<unknown>;
}

function runnerSteps(ports: WorldPorts, script: RunnerScript): Step[] {
  const { ledger } = ports;
  const now = () => isoTime(ports.clock);
  const repository = script.tenant === OCTO ? 'octo-dev/site' : 'acme/app';
  const steps: Step[] = [
    {
      at: script.queued,
      run: async () => {
        await queueJob(ports, script.tenant, script.tier, script.jobId, repository);
        await ledger.takeSlot({
          installationId: script.tenant,
          tier: script.tier,
          tenantTier: 'small',
          repository: undefined,
          runnerName: script.name,
          limits: { tenantMax: 10, tierMax: 10 },
          at: now(),
        });
      },
    },
    {
      at: script.queued + 1000,
      run: () =>
        ledger.updateRunner(script.name, { githubRunnerId: script.jobId + 500, at: now() }),
    },
    {
      at: script.queued + 2000,
      run: () =>
        ledger.updateRunner(script.name, {
          computeId: `m-${script.name}`,
          machine: 'local',
          at: now(),
        }),
    },
  ];

  if (script.start !== undefined) {
    steps.push({
      at: script.start,
      run: () => jobMoves(ports, script, 'in_progress', script.name),
    });
    steps.push({
      at: script.start,
      run: () =>
        ledger.updateRunner(script.name, { state: 'busy', jobId: script.jobId, at: now() }),
    });
  }
  if (script.complete !== undefined) {
    steps.push({
      at: script.complete,
      run: () => jobMoves(ports, script, 'completed', script.name),
    });
  }
  if (script.cancelled !== undefined) {
    steps.push({
      at: script.cancelled,
      run: () => jobMoves(ports, script, 'completed', undefined),
    });
  }
  if (script.done !== undefined) {
    steps.push({
      at: script.done,
      run: () =>
        ledger.updateRunner(script.name, {
          state: 'done',
          doneReason: script.doneReason ?? 'completed',
          at: now(),
        }),
    });
  }
  return steps;
}

async function queueJob(
  ports: WorldPorts,
  tenant: number,
  tier: string,
  id: number,
  repository = 'acme/app',
) {
  await ports.ledger.observeJob({
    id,
    installationId: tenant,
    tier,
    repository,
    runId: id + 9000,
    labels: ['self-hosted', 'linux', 'x64', tier],
    status: 'queued',
    runnerName: undefined,
    conclusion: undefined,
    at: isoTime(ports.clock),
  });
}

async function jobMoves(
  ports: WorldPorts,
  script: RunnerScript,
  status: 'in_progress' | 'completed',
  runnerName: string | undefined,
) {
  await ports.ledger.observeJob({
    id: script.jobId,
    installationId: script.tenant,
    tier: script.tier,
    repository: script.tenant === OCTO ? 'octo-dev/site' : 'acme/app',
    runId: script.jobId + 9000,
    labels: ['self-hosted', 'linux', 'x64', script.tier],
    status,
    runnerName,
    conclusion: status === 'completed' ? (runnerName ? 'success' : 'cancelled') : undefined,
    at: isoTime(ports.clock),
  });
}

async function deleteTenant(ports: WorldPorts, id: number) {
  await ports.tenants.update(id, { status: 'deleted', updatedAt: isoTime(ports.clock) });
}

async function suspendTenant(ports: WorldPorts, id: number) {
  await ports.tenants.update(id, { status: 'suspended', updatedAt: isoTime(ports.clock) });
}

async function decide(
  ports: WorldPorts,
  id: number,
  reason: 'at_tenant_limit' | 'tenant_suspended',
  jobId?: number,
) {
  await ports.decisions.record({
    installationId: id,
    tier: id === OCTO ? 'medium' : 'small',
    reason,
    launched: 0,
    jobId,
    detail: undefined,
    at: isoTime(ports.clock),
  });
}
