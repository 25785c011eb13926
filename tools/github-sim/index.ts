/**
 * A simulated GitHub for the demo and the end-to-end tests: the REST subset the control plane
 * uses, signed webhooks, and the protocol the fake runner speaks. A tool: `src/` never imports it.
 */
export { startGitHubSimulator } from './start-github-simulator.js';
export { JWT_MESSAGES } from './app-jwt.js';
export type { SimJitConfig } from './jit-routes.js';
export type {
  Fault,
  GitHubSimulator,
  QueueJobRequest,
  SimInstallation,
  SimJob,
  SimRequestRecord,
  SimRunner,
  SimulatorOptions,
  WebhookResult,
} from './simulator-types.js';
