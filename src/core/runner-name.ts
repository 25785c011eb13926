/** GitHub accepts runner names of at most 64 characters. */
const MAX_NAME_LENGTH = 64;

/**
 * Names a new runner `<prefix>-<installation>-<tier>-<id>`. The prefix marks it as ours; the
 * installation and tier make it readable in GitHub's runner list; the id makes it unique.
 */
export function runnerName(
  prefix: string,
  installationId: number,
  tier: string,
  id: string,
): string {
  const suffix = id
    .replace(/[^a-z0-9]/gi, '')
    .slice(0, 10)
    .toLowerCase();
  const head = `${prefix}-${installationId}-`;
  const room = MAX_NAME_LENGTH - head.length - suffix.length - 1;
  return `${head}${tier.slice(0, Math.max(room, 0))}-${suffix}`;
}

export function isOwnRunnerName(prefix: string, name: string | undefined): name is string {
  return name !== undefined && name.startsWith(`${prefix}-`);
}
