import { expect } from 'vitest';

import type { ErrorCode } from '../../src/core/errors.js';
import { PlatformError } from '../../src/core/errors.js';
import type { JobObservation } from '../../src/core/job.js';
import type { SlotRequest } from '../../src/core/ports/ledger.js';
import type { Tenant } from '../../src/core/tenant.js';

/** ISO time `minutes` after the fixtures' epoch, 2024-01-01T00:00:00Z. */
export function minutesIn(minutes: number): string {
  return new Date(Date.UTC(2024, 0, 1) + minutes * 60_000).toISOString();
}

export function aTenant(overrides: Partial<Tenant> = {}): Tenant {
  return {
    installationId: 101,
    accountLogin: 'octo-org',
    accountType: 'Organization',
    status: 'active',
    tier: 'small',
    maxRunners: 5,
    tierOverrides: {},
    runnerGroup: undefined,
    createdAt: minutesIn(0),
    updatedAt: minutesIn(0),
    ...overrides,
  };
}

export function aJob(overrides: Partial<JobObservation> = {}): JobObservation {
  return {
    id: 5001,
    installationId: 101,
    tier: 'small',
    repository: 'octo-org/app',
    runId: 9001,
    labels: ['self-hosted', 'linux', 'x64', 'small'],
    status: 'queued',
    runnerName: undefined,
    conclusion: undefined,
    at: minutesIn(1),
    ...overrides,
  };
}

export function aSlotRequest(overrides: Partial<SlotRequest> = {}): SlotRequest {
  return {
    installationId: 101,
    tier: 'small',
    tenantTier: 'small',
    repository: undefined,
    runnerName: 'ghr-101-small-0001',
    limits: { tenantMax: 5, tierMax: 5 },
    at: minutesIn(2),
    ...overrides,
  };
}

/**
 * Awaits `attempt` and checks it was refused with a PlatformError of `code` whose message
 * names each of `mentions` (the field and the value seen).
 */
export async function expectRefused(
  attempt: Promise<unknown>,
  code: ErrorCode,
  ...mentions: string[]
): Promise<void> {
  const error = await attempt.then(
    () => undefined,
    (reason: unknown) => reason,
  );

  expect(error).toBeInstanceOf(PlatformError);
  expect((error as PlatformError).code).toBe(code);
  for (const mention of mentions) expect((error as PlatformError).message).toContain(mention);
}
