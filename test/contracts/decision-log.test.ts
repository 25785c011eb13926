import { afterEach, describe } from 'vitest';

import { MemoryDecisionLog } from '../../src/adapters/memory/memory-decision-log.js';
import { SqliteDecisionLog } from '../../src/adapters/sqlite/sqlite-decision-log.js';
import { decisionLogContract } from './decision-log.contract.js';
import { scratchDatabases } from './scratch-databases.js';

const databases = scratchDatabases();
afterEach(() => databases.closeAll());

describe.each([
  { name: 'memory', create: (keep: number) => new MemoryDecisionLog(keep) },
  { name: 'sqlite', create: (keep: number) => new SqliteDecisionLog(databases.open(), keep) },
])('DecisionLog ($name)', ({ create }) => decisionLogContract(create));
