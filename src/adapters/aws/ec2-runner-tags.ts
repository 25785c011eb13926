import type { Tag } from '@aws-sdk/client-ec2';

import type { RunnerTags } from '../../core/ports/compute.js';

const RUNNER_TAG_KEYS: readonly (keyof RunnerTags)[] = [
  'ghr:tenant_id',
  'ghr:tenant_tier',
  'ghr:runner_tier',
  'ghr:environment',
  'ghr:runner_name',
];

/** The runner's tags as AWS writes them, plus `Name` so consoles show the runner's name. */
export function awsTagList(tags: RunnerTags): { Key: string; Value: string }[] {
  return [
    ...RUNNER_TAG_KEYS.map((key) => ({ Key: key, Value: tags[key] })),
    { Key: 'Name', Value: tags['ghr:runner_name'] },
  ];
}

/**
 * Reads the runner's tags back from a described resource. A missing tag reads as empty, so a
 * half-tagged machine still shows up in a list (and, being no known runner, gets stopped).
 */
export function runnerTagsOf(tags: readonly Tag[] | undefined): RunnerTags {
  const byKey = new Map((tags ?? []).map((tag) => [tag.Key, tag.Value ?? '']));
  const read = (key: keyof RunnerTags) => byKey.get(key) ?? '';

  return {
    'ghr:tenant_id': read('ghr:tenant_id'),
    'ghr:tenant_tier': read('ghr:tenant_tier'),
    'ghr:runner_tier': read('ghr:runner_tier'),
    'ghr:environment': read('ghr:environment'),
    'ghr:runner_name': read('ghr:runner_name'),
  };
}
