import type { Job, JobStatus } from '../../core/job.js';
import { isJobStatus } from '../../core/job.js';
import type { Item } from './dynamodb-attributes.js';
import {
  ItemReader,
  compactItem,
  number,
  optionalNumber,
  optionalText,
  text,
  textList,
} from './dynamodb-attributes.js';
import { jobIndexKeys, jobKey } from './dynamodb-ledger-keys.js';
import { TTL_ATTRIBUTE } from './dynamodb-tables.js';

/** A job as its ledger item; `expiresAt` (epoch seconds) only once the job is completed. */
export function jobToItem(job: Job, expiresAt: number | undefined): Item {
  return compactItem({
    ...jobKey(job.id),
    ...jobIndexKeys(job),
    kind: text('job'),
    job_id: number(job.id),
    installation_id: number(job.installationId),
    tier: text(job.tier),
    repository: text(job.repository),
    run_id: number(job.runId),
    labels: textList(job.labels),
    status: text(job.status),
    runner_name: optionalText(job.runnerName),
    conclusion: optionalText(job.conclusion),
    created_at: text(job.createdAt),
    updated_at: text(job.updatedAt),
    started_at: optionalText(job.startedAt),
    completed_at: optionalText(job.completedAt),
    [TTL_ATTRIBUTE]: optionalNumber(expiresAt),
  });
}

/** Reads a job item back; a damaged one is refused with every bad attribute named. */
export function itemToJob(item: Item, table: string): Job {
  const reader = new ItemReader(item);
  const job: Job = {
    id: reader.number('job_id'),
    installationId: reader.number('installation_id'),
    tier: reader.text('tier'),
    repository: reader.text('repository'),
    runId: reader.number('run_id'),
    labels: reader.textList('labels'),
    status: reader.text('status') as JobStatus,
    runnerName: reader.optionalText('runner_name'),
    conclusion: reader.optionalText('conclusion'),
    createdAt: reader.text('created_at'),
    updatedAt: reader.text('updated_at'),
    startedAt: reader.optionalText('started_at'),
    completedAt: reader.optionalText('completed_at'),
  };
  if (!isJobStatus(job.status) && job.status !== '') {
    reader.problems.push({ key: 'status', value: job.status, message: 'is not a job status' });
  }

  reader.refuseIfBroken(`reading job ${item['job_id']?.N ?? '?'} from table ${table}`, {
    table,
    item_key: item['pk']?.S,
  });
  return job;
}
