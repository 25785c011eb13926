import type { RunnerTags } from './ports/compute.js';

/** The tags every machine and secret of a runner carries, for isolation and billing. */
export function runnerTags(
  environment: string,
  runner: { name: string; installationId: number; tier: string; tenantTier: string },
): RunnerTags {
  return {
    'ghr:tenant_id': String(runner.installationId),
    'ghr:tenant_tier': runner.tenantTier,
    'ghr:runner_tier': runner.tier,
    'ghr:environment': environment,
    'ghr:runner_name': runner.name,
  };
}
