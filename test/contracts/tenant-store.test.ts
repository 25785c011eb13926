import { afterEach, describe } from 'vitest';

import { MemoryTenantStore } from '../../src/adapters/memory/memory-tenant-store.js';
import { SqliteTenantStore } from '../../src/adapters/sqlite/sqlite-tenant-store.js';
import { scratchDatabases } from './scratch-databases.js';
import { tenantStoreContract } from './tenant-store.contract.js';

const databases = scratchDatabases();
afterEach(() => databases.closeAll());

describe.each([
  { name: 'memory', create: () => new MemoryTenantStore() },
  { name: 'sqlite', create: () => new SqliteTenantStore(databases.open()) },
])('TenantStore ($name)', ({ create }) => tenantStoreContract(create));
