import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

import { createWorkHandler } from '../core/work-handler.js';
import { readAppCredentials } from './app-parameters.js';
import type { LambdaRuntimeOptions } from './aws-deps.js';
import { coreDeps, openAwsRuntime } from './aws-deps.js';
import { onColdStart } from './cold-start.js';
import { consumeWorkBatch } from './consume-work-batch.js';

/** An SQS consumer function: the same for tier queues (scale-up) and tenant events. */
export type WorkFunction = (event: SQSEvent) => Promise<SQSBatchResponse>;

/**
 * A function that runs queued work items with the core's work handler. Its dependencies, the
 * App's credentials among them, are made once per cold start.
 */
export function createWorkFunction(options: LambdaRuntimeOptions, name: string): WorkFunction {
  const ready = onColdStart(async () => {
    const runtime = openAwsRuntime(options, name);
    const app = await readAppCredentials(runtime.clients.ssm, runtime.config.parameters);
    const deps = coreDeps(runtime, app);
    return {
      queue: runtime.queue,
      handle: createWorkHandler(deps),
      logger: runtime.logger,
      metrics: runtime.metrics,
      concurrency: runtime.config.batchConcurrency,
    };
  });

  return async function runWorkBatch(event) {
    return consumeWorkBatch(await ready(), event.Records);
  };
}
