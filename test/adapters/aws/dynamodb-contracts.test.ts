import { beforeEach, describe } from 'vitest';

import { deliveryLogContract } from '../../contracts/delivery-log.contract.js';
import { ledgerObserveSlotContract } from '../../contracts/ledger-observe-slot.contract.js';
import { ledgerSlotsContract } from '../../contracts/ledger-slots.contract.js';
import { ledgerContract } from '../../contracts/ledger.contract.js';
import { tenantStoreContract } from '../../contracts/tenant-store.contract.js';
import type { DynamoScratch } from './dynamo-fixture.js';
import { dynamoFixture } from './dynamo-fixture.js';

const dynamo = dynamoFixture();

// The contracts' factories are synchronous, so each test's tables are made before it starts.
let current: DynamoScratch | undefined;
beforeEach(async () => {
  current = await dynamo.scratch();
});
const stores = (): DynamoScratch['stores'] => {
  if (current === undefined) throw new Error('no scratch tables for this test');
  return current.stores;
};

describe('TenantStore (dynamodb)', () => tenantStoreContract(() => stores().tenants));

describe('Ledger (dynamodb)', () => {
  ledgerContract(() => stores().ledger);
  ledgerSlotsContract(() => stores().ledger);
  ledgerObserveSlotContract(() => stores().ledger);
});

describe('DeliveryLog (dynamodb)', () => deliveryLogContract(() => stores().deliveries));
