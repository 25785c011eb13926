import { afterEach, describe } from 'vitest';

import { MemoryDeliveryLog } from '../../src/adapters/memory/memory-delivery-log.js';
import { SqliteDeliveryLog } from '../../src/adapters/sqlite/sqlite-delivery-log.js';
import { deliveryLogContract } from './delivery-log.contract.js';
import { scratchDatabases } from './scratch-databases.js';

const databases = scratchDatabases();
afterEach(() => databases.closeAll());

describe.each([
  { name: 'memory', create: () => new MemoryDeliveryLog() },
  { name: 'sqlite', create: () => new SqliteDeliveryLog(databases.open()) },
])('DeliveryLog ($name)', ({ create }) => deliveryLogContract(create));
