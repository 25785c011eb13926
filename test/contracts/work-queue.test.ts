import { afterEach, describe } from 'vitest';

import { MemoryWorkQueue } from '../../src/adapters/memory/memory-work-queue.js';
import { SqliteWorkQueue } from '../../src/adapters/sqlite/sqlite-work-queue.js';
import type { Clock } from '../../src/core/ports/clock.js';
import { scratchDatabases } from './scratch-databases.js';
import { workQueueContract } from './work-queue.contract.js';

const databases = scratchDatabases();
afterEach(() => databases.closeAll());

describe.each([
  { name: 'memory', create: (clock: Clock) => new MemoryWorkQueue(clock) },
  { name: 'sqlite', create: (clock: Clock) => new SqliteWorkQueue(databases.open(), clock) },
])('WorkQueue ($name)', ({ create }) => workQueueContract(create));
