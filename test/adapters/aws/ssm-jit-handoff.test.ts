import {
  GetParameterCommand,
  ListTagsForResourceCommand,
  SSMClient,
  SSMServiceException,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { SsmJitHandoff } from '../../../src/adapters/aws/ssm-jit-handoff.js';
import { PlatformError } from '../../../src/core/errors.js';
import { runnerTags } from '../../../src/core/runner-tags.js';
import { jitHandoffContract } from '../../contracts/jit-handoff.contract.js';
import type { Moto } from '../../support/moto.js';
import { startMoto } from '../../support/moto.js';
import { MOTO_ACCOUNT, parametersUnder } from './aws-runner-world.js';
import type { SendTap } from './sdk-send-tap.js';
import { tapSend } from './sdk-send-tap.js';

const ENV = 'ghr-ssm';
let moto: Moto;
let contractHandoffs = 0;

beforeAll(async () => {
  moto = await startMoto();
});

afterAll(async () => {
  await moto?.stop();
});

/** A handoff as one process (one Lambda invocation) holds it. */
function handoffProcess(environment = ENV): {
  handoff: SsmJitHandoff;
  ssm: SSMClient;
  tap: SendTap;
} {
  const ssm = new SSMClient(moto.clientConfig);
  const tap = tapSend(ssm);
  const handoff = new SsmJitHandoff({
    client: ssm,
    environment,
    throttleRetry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {} },
  });
  return { handoff, ssm, tap };
}

function instance(n: number) {
  const instanceId = `i-${n.toString(16).padStart(17, '0')}`;
  return {
    instanceId,
    instanceArn: `arn:aws:ec2:${moto.region}:${MOTO_ACCOUNT}:instance/${instanceId}`,
  };
}

function tagsOf(runnerName: string) {
  return runnerTags(ENV, {
    name: runnerName,
    installationId: 501,
    tier: 'small',
    tenantTier: 'pro',
  });
}

/** Puts and publishes a config in one process, the way a launch does. */
async function published(runnerName: string, n: number, jitConfig = `jit-${runnerName}`) {
  const writer = handoffProcess();
  await writer.handoff.put(runnerName, jitConfig, tagsOf(runnerName));
  await writer.handoff.publish(runnerName, instance(n));
  return writer;
}

describe('JitHandoff contract (SSM, before the instance exists)', () => {
  // Each handoff gets its own environment, so the tests share moto without seeing each other.
  jitHandoffContract(() => handoffProcess(`ghr-contract-${(contractHandoffs += 1)}`).handoff);
});

describe('published configs', () => {
  beforeEach(async () => {
    await moto.reset();
  });

  it('writes a SecureString at the instance path, described by the runner name and tagged for the instance', async () => {
    const writer = await published('ghr-501-small-a', 1, 'jit-secret-a');

    const name = `/${ENV}/runners/${instance(1).instanceId}`;
    const stored = await writer.ssm.send(
      new GetParameterCommand({ Name: name, WithDecryption: true }),
    );
    expect(stored.Parameter).toMatchObject({ Type: 'SecureString', Value: 'jit-secret-a' });
    const tags = await writer.ssm.send(
      new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }),
    );
    expect(Object.fromEntries((tags.TagList ?? []).map((t) => [t.Key, t.Value]))).toEqual({
      ...tagsOf('ghr-501-small-a'),
      Name: 'ghr-501-small-a',
      'ghr:instance_id': instance(1).instanceId,
      'ghr:instance_arn': instance(1).instanceArn,
    });
    expect(writer.tap.of('PutParameter')[0]?.input).toMatchObject({
      Description: 'ghr-501-small-a',
      Tier: 'Intelligent-Tiering',
    });
  });

  it('is listed, taken once and removed by another process that never saw it put', async () => {
    await published('ghr-501-small-b', 2, 'jit-secret-b');
    const reader = handoffProcess();

    expect(await reader.handoff.list()).toEqual(['ghr-501-small-b']);
    expect(await reader.handoff.take('ghr-501-small-b')).toBe('jit-secret-b');
    expect(await reader.handoff.take('ghr-501-small-b')).toBeUndefined();
    expect(await parametersUnder(reader.ssm, `/${ENV}`)).toEqual([]);
  });

  it('is found by its runner-name tag for a remove in another process; removing a missing one is fine', async () => {
    await published('ghr-501-small-c', 3);
    await published('ghr-501-small-d', 4);
    const sweeper = handoffProcess();

    await sweeper.handoff.remove('ghr-501-small-c');
    await sweeper.handoff.remove('ghr-501-small-c');
    await sweeper.handoff.remove('ghr-501-small-never');

    expect(await parametersUnder(sweeper.ssm, `/${ENV}`)).toEqual([
      `/${ENV}/runners/${instance(4).instanceId}`,
    ]);
    expect(sweeper.tap.of('DescribeParameters')[0]?.input).toMatchObject({
      ParameterFilters: expect.arrayContaining([
        { Key: 'tag:ghr:runner_name', Values: ['ghr-501-small-c'] },
      ]),
    });
  });

  it('lists every waiting runner across pages', async () => {
    const names: string[] = [];
    const writer = handoffProcess();
    for (let n = 0; n < 53; n += 1) {
      const name = `ghr-502-small-p${n.toString().padStart(2, '0')}`;
      await writer.handoff.put(name, `jit-${n}`, tagsOf(name));
      await writer.handoff.publish(name, instance(100 + n));
      names.push(name);
    }
    const reader = handoffProcess();

    const listed = await reader.handoff.list();

    expect(listed).toEqual(names);
    const pages = reader.tap.of('DescribeParameters');
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages[1]?.input.NextToken).toEqual(expect.any(String));
  });

  it('keeps only parameters of its own environment in view', async () => {
    await published('ghr-501-small-e', 5);
    const other = handoffProcess('ghr-other');

    expect(await other.handoff.list()).toEqual([]);
    await other.handoff.remove('ghr-501-small-e');
    expect(await parametersUnder(other.ssm, `/${ENV}`)).toHaveLength(1);
  });

  it('overwrites the value when the same instance is published again, keeping its tags', async () => {
    const writer = handoffProcess();
    const tags = tagsOf('ghr-501-small-f');
    await writer.handoff.put('ghr-501-small-f', 'jit-first', tags);
    await writer.handoff.publish('ghr-501-small-f', instance(6));
    await writer.handoff.put('ghr-501-small-f', 'jit-second', tags);

    await writer.handoff.publish('ghr-501-small-f', instance(6));

    const name = `/${ENV}/runners/${instance(6).instanceId}`;
    const stored = await writer.ssm.send(
      new GetParameterCommand({ Name: name, WithDecryption: true }),
    );
    expect(stored.Parameter?.Value).toBe('jit-second');
    const listed = await writer.ssm.send(
      new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }),
    );
    expect(listed.TagList).toContainEqual({
      Key: 'ghr:instance_arn',
      Value: instance(6).instanceArn,
    });
  });

  it('stores a config larger than a standard parameter holds', async () => {
    const large = `eyJ${'A'.repeat(6_000)}`;
    await published('ghr-501-small-g', 7, large);

    expect(await handoffProcess().handoff.take('ghr-501-small-g')).toBe(large);
  });

  it('refuses to publish a runner that was never put, and writes nothing', async () => {
    const writer = handoffProcess();

    await expect(writer.handoff.publish('ghr-501-small-h', instance(8))).rejects.toMatchObject({
      code: 'not_found',
      retryable: false,
    });
    expect(writer.tap.sent).toEqual([]);
  });

  it('keeps the config out of its errors even when SSM quotes the request', async () => {
    const writer = handoffProcess();
    await writer.handoff.put('ghr-501-small-i', 'jit-secret-i', tagsOf('ghr-501-small-i'));
    writer.tap.intercept((request) =>
      request.name === 'PutParameter'
        ? {
            fail: new SSMServiceException({
              name: 'ValidationException',
              $fault: 'client',
              $metadata: { httpStatusCode: 400, requestId: 'injected' },
              message: "Value 'jit-secret-i' at 'value' failed to satisfy constraint",
            }),
          }
        : undefined,
    );

    const error = await writer.handoff.publish('ghr-501-small-i', instance(9)).catch((e) => e);

    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({
      code: 'invalid_input',
      details: { aws_code: 'ValidationException' },
    });
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(
      'jit-secret-i',
    );
    expect((error as Error).cause).toBeUndefined();
  });

  it('tries a throttled write again and then stores it once', async () => {
    const writer = handoffProcess();
    await writer.handoff.put('ghr-501-small-j', 'jit-j', tagsOf('ghr-501-small-j'));
    let throttles = 1;
    writer.tap.intercept((request) => {
      if (request.name !== 'PutParameter' || throttles === 0) return undefined;
      throttles -= 1;
      return {
        fail: new SSMServiceException({
          name: 'ThrottlingException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        }),
      };
    });

    await writer.handoff.publish('ghr-501-small-j', instance(10));

    expect(writer.tap.of('PutParameter')).toHaveLength(2);
    expect(await parametersUnder(writer.ssm, `/${ENV}`)).toHaveLength(1);
  });
});
