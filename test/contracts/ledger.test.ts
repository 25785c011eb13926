import { afterEach, describe } from 'vitest';

import { MemoryLedger } from '../../src/adapters/memory/memory-ledger.js';
import { SqliteLedger } from '../../src/adapters/sqlite/sqlite-ledger.js';
import { ledgerObserveSlotContract } from './ledger-observe-slot.contract.js';
import { ledgerSlotsContract } from './ledger-slots.contract.js';
import { ledgerContract } from './ledger.contract.js';
import { scratchDatabases } from './scratch-databases.js';

const databases = scratchDatabases();
afterEach(() => databases.closeAll());

const implementations = [
  { name: 'memory', create: () => new MemoryLedger() },
  { name: 'sqlite', create: () => new SqliteLedger(databases.open()) },
  { name: 'sqlite file', create: () => new SqliteLedger(databases.openFile(databases.filePath())) },
];

describe.each(implementations)('Ledger ($name)', ({ create }) => {
  ledgerContract(create);
  ledgerSlotsContract(create);
  ledgerObserveSlotContract(create);
});
