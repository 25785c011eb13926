import { createWorkFunction } from './work-function.js';

/**
 * The scale-up function: consumes the tier queues (`<prefix>-<tier>-builds`), reconciling
 * a tenant's tier and finishing runners. Its event source mapping reports batch item failures.
 */
export const handler = createWorkFunction({ env: process.env }, 'scale-up');
