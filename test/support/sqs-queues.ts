import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import type { Message } from '@aws-sdk/client-sqs';

import { tenantEventsQueueName, tierQueueName } from '../../src/adapters/aws/sqs-work-message.js';

export interface DeploymentQueues {
  /** Queue URL by name, for the work queues and their dead-letter queues. */
  readonly urls: Readonly<Record<string, string>>;
  /** The URL of a queue by name; throws for a name that was not made. */
  url(name: string): string;
}

export interface QueueOptions {
  /** Receives before SQS moves a message to the dead-letter queue; default 5. */
  readonly maxReceiveCount?: number;
  /** The queue's default visibility timeout in seconds; default 30. */
  readonly visibilityTimeoutSeconds?: number;
}

/**
 * Makes the queues a deployment has, as the Terraform module does: one per tier and the
 * tenant-events queue, each with its own dead-letter queue `<name>-dlq` in a redrive policy.
 */
export async function createDeploymentQueues(
  sqs: SQSClient,
  prefix: string,
  tiers: readonly string[],
  options: QueueOptions = {},
): Promise<DeploymentQueues> {
  const urls: Record<string, string> = {};
  const names = [
    ...tiers.map((tier) => tierQueueName(prefix, tier)),
    tenantEventsQueueName(prefix),
  ];

  for (const name of names) {
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    const dlqArn = await queueArn(sqs, dlq.QueueUrl ?? '');
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: dlqArn,
            maxReceiveCount: options.maxReceiveCount ?? 5,
          }),
        },
      }),
    );
    urls[name] = queue.QueueUrl ?? '';
    urls[`${name}-dlq`] = dlq.QueueUrl ?? '';
  }

  return {
    urls,
    url(name) {
      const url = urls[name];
      if (url === undefined) throw new Error(`no queue ${name} was made`);
      return url;
    },
  };
}

export async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const answer = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return answer.Attributes?.QueueArn ?? '';
}

/** Receives every message visible on a queue now, each hidden for `visibilitySeconds`. */
export async function receiveAll(
  sqs: SQSClient,
  url: string,
  visibilitySeconds = 30,
): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const answer = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: visibilitySeconds,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    if (!answer.Messages || answer.Messages.length === 0) return messages;
    messages.push(...answer.Messages);
  }
}

/** Polls until `check` returns a value other than undefined; fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
