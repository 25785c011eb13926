import type { APIGatewayProxyResult, LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { handle } from 'hono/aws-lambda';

import { createWebhookIntake } from '../core/intake.js';
import { createHttpApp } from '../http/create-http-app.js';
import { readWebhookSecrets } from './app-parameters.js';
import type { LambdaRuntimeOptions } from './aws-deps.js';
import { intakeDeps, openAwsRuntime } from './aws-deps.js';
import { onColdStart } from './cold-start.js';

export type WebhookFunction = (
  event: LambdaEvent,
  context?: LambdaContext,
) => Promise<APIGatewayProxyResult>;

/**
 * The webhook function behind API Gateway (HTTP API, payload 2.0): the same HTTP app as the
 * embedded server. It verifies, dedupes, records and enqueues; it never calls GitHub or EC2,
 * so it answers well within GitHub's 10 seconds.
 */
export function createWebhookFunction(options: LambdaRuntimeOptions): WebhookFunction {
  const ready = onColdStart(async () => {
    const runtime = openAwsRuntime(options, 'webhook');
    const secrets = await readWebhookSecrets(runtime.clients.ssm, runtime.config.parameters);
    const app = createHttpApp({
      webhookSecrets: secrets,
      intake: createWebhookIntake(intakeDeps(runtime)),
      logger: runtime.logger,
      metrics: runtime.metrics,
      // A health check here would cost AWS calls per probe; the function answering is the check.
      health: async () => ({ ok: true, checks: { runtime: 'lambda' } }),
    });
    return handle(app);
  });

  return async function answerWebhook(event, context) {
    const serve = await ready();
    return serve(event, context);
  };
}

export const handler = createWebhookFunction({ env: process.env });
