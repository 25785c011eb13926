import type { ScheduledEvent } from 'aws-lambda';

import type { SweepResult } from '../core/sweep.js';
import { sweep } from '../core/sweep.js';
import { readAppCredentials } from './app-parameters.js';
import type { LambdaRuntimeOptions } from './aws-deps.js';
import { coreDeps, openAwsRuntime } from './aws-deps.js';
import { onColdStart } from './cold-start.js';

/**
 * The reconciler, run on a schedule (EventBridge): the core's sweep, which asks again for
 * demand whose events were missed or whose work failed for good, removes JIT configs no runner
 * will take, stops instances the ledger no longer knows, and frees the slots of runners whose
 * instance is gone.
 */
export function createReconcilerFunction(
  options: LambdaRuntimeOptions,
): (event: ScheduledEvent) => Promise<SweepResult> {
  const ready = onColdStart(async () => {
    const runtime = openAwsRuntime(options, 'reconciler');
    const app = await readAppCredentials(runtime.clients.ssm, runtime.config.parameters);
    return coreDeps(runtime, app);
  });

  return async function runSweep() {
    return sweep(await ready());
  };
}

export const handler = createReconcilerFunction({ env: process.env });
