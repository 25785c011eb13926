import type { LaunchSpec } from '../../core/ports/compute.js';

/** The variable the official runner reads its JIT config from. */
export const JIT_CONFIG_VARIABLE = 'ACTIONS_RUNNER_INPUT_JITCONFIG';

/**
 * The few variables a runner inherits from the control plane. Everything else stays behind:
 * the control plane's own environment holds the App's private key and webhook secret, and a
 * runner executes customer code.
 */
const INHERITED = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TMPDIR',
  'XDG_RUNTIME_DIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
];

/**
 * The environment of one runner process: the inherited variables, then the operator's `extra`,
 * then what identifies the runner and its JIT config, which nothing can override.
 */
export function runnerEnvironment(
  parent: Readonly<Record<string, string | undefined>>,
  extra: Readonly<Record<string, string>>,
  spec: LaunchSpec,
  jitConfig: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }

  return {
    ...env,
    ...extra,
    GHR_TENANT_ID: String(spec.installationId),
    GHR_TENANT_TIER: spec.tenantTier,
    GHR_RUNNER_TIER: spec.tier,
    GHR_RUNNER_NAME: spec.runnerName,
    GHR_ENVIRONMENT: spec.tags['ghr:environment'],
    [JIT_CONFIG_VARIABLE]: jitConfig,
  };
}
