import { createWorkFunction } from './work-function.js';

/**
 * The tenant-manager function: consumes `<prefix>-tenant-events`, stopping the runners of
 * deleted installations (and any work of a tier whose queue is gone).
 */
export const handler = createWorkFunction({ env: process.env }, 'tenant-manager');
