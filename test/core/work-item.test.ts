import { describe, expect, it } from 'vitest';

import { PlatformError } from '../../src/core/errors.js';
import { checkWorkItem } from '../../src/core/work-item.js';

const JOB_EVENT = {
  kind: 'job_event',
  deliveryId: 'd-1',
  installationId: 101,
  tier: 'small',
  jobId: 5001,
  runId: 9001,
  repository: 'octo-org/app',
  labels: ['self-hosted', 'linux', 'x64', 'small'],
  status: 'queued',
  at: '2026-12-04T12:00:00.000Z',
};

function refusal(value: unknown): PlatformError {
  try {
    checkWorkItem(value, 'reading SQS message m-1');
  } catch (error) {
    if (error instanceof PlatformError) return error;
    throw error;
  }
  throw new Error('the item was accepted');
}

describe('job_event work items, as anyone with send rights on a queue could write them', () => {
  it('accepts an event as the intake writes it', () => {
    expect(checkWorkItem(JOB_EVENT)).toEqual(JOB_EVENT);
  });

  it.each([
    ['repository', 'app', 'must be "owner/name"'],
    ['at', '6', 'must be an ISO 8601 time'],
    ['at', '2026-12-04', 'must be an ISO 8601 time'],
    ['jobId', 1e300, 'must be a whole number'],
    ['status', 'done', 'must be one of'],
    ['labels', 'small', 'must be a list of strings'],
    ['installationId', 0, 'must be a whole number of at least 1'],
  ])('refuses %s %j, naming the field and the value', (field, value, rule) => {
    const error = refusal({ ...JOB_EVENT, [field]: value });

    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain(field);
    expect(error.message).toContain(JSON.stringify(value));
    expect(error.message).toContain(rule);
  });
});
