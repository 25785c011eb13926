import { afterEach, beforeEach, describe } from 'vitest';

import type { SqliteWorld } from './cli-harness.js';
import { sqliteWorld } from './cli-harness.js';
import { operatorCommandsContract } from './operator-commands.contract.js';
import { usageCommandContract } from './usage-command.contract.js';

let current: SqliteWorld | undefined;
beforeEach(async () => {
  current = await sqliteWorld();
});
afterEach(() => current?.remove());

/** Each test gets a world of its own, so `read` and `write` are the same here. */
const world = async () => {
  if (current === undefined) throw new Error('no world for this test');
  const active = current;
  // The file's bytes as well as its rows: a refused command must not even touch the file.
  return { flags: active.flags, env: {}, snapshot: async () => active.snapshot() };
};

describe('operator commands on SQLite', () => {
  operatorCommandsContract(world);
  usageCommandContract(world);
});
