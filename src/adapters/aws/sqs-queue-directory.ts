import type { QueueAttributeName, SQSClient } from '@aws-sdk/client-sqs';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';

import { PlatformError } from '../../core/errors.js';
import { toSqsError } from './sqs-errors.js';

/** Where a queue sends what it gives up on, and after how many receives. */
export interface RedrivePolicy {
  readonly deadLetterQueueUrl: string;
  readonly maxReceiveCount: number;
}

/** Approximate message counts of one queue, as SQS reports them. */
export interface QueueCounts {
  readonly ready: number;
  readonly delayed: number;
  readonly inFlight: number;
}

/**
 * What the work queue knows about the queues of a deployment: their URLs and redrive policies,
 * each asked of SQS once per process (a cold start) and then cached. A failed lookup is
 * forgotten, so the next call asks again.
 */
export class SqsQueueDirectory {
  private readonly urls = new Map<string, Promise<string>>();
  private readonly redrives = new Map<string, Promise<RedrivePolicy>>();

  constructor(private readonly client: SQSClient) {}

  /** The URL of a queue, by name. */
  queueUrl(name: string): Promise<string> {
    return cached(this.urls, name, () =>
      sqsCall(`resolving the URL of queue ${name}`, async () => {
        const answer = await this.client.send(new GetQueueUrlCommand({ QueueName: name }));
        if (answer.QueueUrl === undefined) throw new Error('GetQueueUrl returned no QueueUrl');
        return answer.QueueUrl;
      }),
    );
  }

  /** The redrive policy of a queue; a queue without a dead-letter queue is refused. */
  redrivePolicy(name: string): Promise<RedrivePolicy> {
    return cached(this.redrives, name, () => this.readRedrivePolicy(name));
  }

  /** The queue's counts now; never cached. */
  async counts(url: string): Promise<QueueCounts> {
    const answer = await sqsCall(`counting the messages of ${url}`, () =>
      this.client.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: [
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesDelayed',
            'ApproximateNumberOfMessagesNotVisible',
          ],
        }),
      ),
    );

    const count = (key: QueueAttributeName) => Number(answer.Attributes?.[key] ?? 0);
    return {
      ready: count('ApproximateNumberOfMessages'),
      delayed: count('ApproximateNumberOfMessagesDelayed'),
      inFlight: count('ApproximateNumberOfMessagesNotVisible'),
    };
  }

  private async readRedrivePolicy(name: string): Promise<RedrivePolicy> {
    const url = await this.queueUrl(name);
    const answer = await sqsCall(`reading the redrive policy of ${name}`, () =>
      this.client.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['RedrivePolicy'] }),
      ),
    );

    const text = answer.Attributes?.RedrivePolicy;
    const policy = parseRedrivePolicy(text);
    if (policy === undefined) {
      throw new PlatformError(
        'invalid_config',
        `reading the redrive policy of ${name}: the queue must have a dead-letter queue and a maxReceiveCount of at least 1 (got ${JSON.stringify(text ?? null)})`,
      );
    }

    // An ARN ends in the queue's name: arn:aws:sqs:<region>:<account>:<name>.
    const deadLetterName = policy.deadLetterTargetArn.split(':').pop() ?? '';
    return {
      deadLetterQueueUrl: await this.queueUrl(deadLetterName),
      maxReceiveCount: policy.maxReceiveCount,
    };
  }
}

/** Runs one SQS call, translating what it throws at the boundary. */
export async function sqsCall<T>(attempt: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw toSqsError(error, attempt);
  }
}

function cached<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>) {
  const known = cache.get(key);
  if (known !== undefined) return known;

  const loading = load();
  cache.set(key, loading);
  loading.catch(() => cache.delete(key));
  return loading;
}

function parseRedrivePolicy(
  text: string | undefined,
): { deadLetterTargetArn: string; maxReceiveCount: number } | undefined {
  if (text === undefined) return undefined;

  try {
    const policy = JSON.parse(text) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
    const arn = policy.deadLetterTargetArn;
    const max = Number(policy.maxReceiveCount);
    if (typeof arn !== 'string' || !Number.isInteger(max) || max < 1) return undefined;
    return { deadLetterTargetArn: arn, maxReceiveCount: max };
  } catch {
    return undefined;
  }
}
