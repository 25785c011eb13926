import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

import { ManualClock } from '../../../src/adapters/memory/manual-clock.js';
import { SqliteDeliveryLog } from '../../../src/adapters/sqlite/sqlite-delivery-log.js';
import { SqliteLedger } from '../../../src/adapters/sqlite/sqlite-ledger.js';
import { SqliteTenantStore } from '../../../src/adapters/sqlite/sqlite-tenant-store.js';
import { SqliteWorkQueue } from '../../../src/adapters/sqlite/sqlite-work-queue.js';
import type { Ledger, SlotDecision } from '../../../src/core/ports/ledger.js';
import { aJob, aSlotRequest, aTenant, minutesIn } from '../../contracts/fixtures.js';
import { scratchDatabases } from '../../contracts/scratch-databases.js';

const databases = scratchDatabases();
afterEach(() => databases.closeAll());

const LEDGER_PROCESS = fileURLToPath(new URL('./ledger-process.ts', import.meta.url));

async function queueJobs(ledger: Ledger, count: number): Promise<void> {
  for (let id = 1; id <= count; id += 1) await ledger.observeJob(aJob({ id }));
}

describe('one database file shared by several connections', () => {
  it('grants exactly tenantMax slots to 50 takers interleaved over two connections', async () => {
    const path = databases.filePath();
    const left = new SqliteLedger(databases.openFile(path));
    const right = new SqliteLedger(databases.openFile(path));
    await queueJobs(left, 50);

    const decisions = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 === 0 ? left : right).takeSlot(
          aSlotRequest({ runnerName: `r-${i}`, limits: { tenantMax: 2, tierMax: 50 } }),
        ),
      ),
    );

    expect(decisions.filter((d: SlotDecision) => d.taken)).toHaveLength(2);
    expect(await left.listRunners()).toHaveLength(2);
    expect(await right.listRunners()).toHaveLength(2);
  });

  it('grants exactly tenantMax slots to two processes racing on one file', async () => {
    const path = databases.filePath();
    const ledger = new SqliteLedger(databases.openFile(path));
    await queueJobs(ledger, 50);

    const takers = ['east', 'west'].map((prefix) =>
      startLedgerProcess(['race', path, prefix, '25', '2']),
    );
    await Promise.all(takers.map((taker) => taker.printed('ready')));
    for (const taker of takers) taker.go();
    const outputs = await Promise.all(takers.map((taker) => taker.finished));

    const decisions = outputs.flatMap((lines) => JSON.parse(lines.at(-1) ?? '[]') as string[]);
    expect(decisions).toHaveLength(50);
    expect(decisions.filter((d) => d === 'taken')).toHaveLength(2);
    expect(decisions.filter((d) => d === 'at_tenant_limit')).toHaveLength(48);
    expect(await ledger.listRunners({ installationId: 101 })).toHaveLength(2);
  });

  it('counts a slot another process is still writing: takeSlot waits for its commit', async () => {
    const path = databases.filePath();
    const ledger = new SqliteLedger(databases.openFile(path));
    await queueJobs(ledger, 5);
    const holder = startLedgerProcess(['hold', path, 'held', '1000']);
    await holder.printed('ready');
    holder.go();
    await holder.printed('holding taken');

    // A count read from the snapshot before the holder commits would see no runner, and grant.
    const decision = await ledger.takeSlot(
      aSlotRequest({ runnerName: 'late', limits: { tenantMax: 1, tierMax: 50 } }),
    );
    await holder.finished;

    expect(decision).toEqual({ taken: false, reason: 'at_tenant_limit' });
    expect((await ledger.listRunners()).map((runner) => runner.name)).toEqual(['held']);
  });

  it('keeps every store’s state across closing and reopening the file', async () => {
    const path = databases.filePath();
    const clock = new ManualClock();
    const first = databases.openFile(path);
    await new SqliteTenantStore(first).createIfAbsent(aTenant({ runnerGroup: 'builders' }));
    await new SqliteLedger(first).observeJob(aJob());
    await new SqliteLedger(first).takeSlot(aSlotRequest({ runnerName: 'r1' }));
    await new SqliteDeliveryLog(first).record('d-1', 'workflow_job', minutesIn(1));
    await new SqliteWorkQueue(first, clock).enqueue({ kind: 'tenant_removed', installationId: 9 });
    first.close();

    const again = databases.openFile(path);

    expect(await new SqliteTenantStore(again).get(101)).toEqual(
      aTenant({ runnerGroup: 'builders' }),
    );
    expect(await new SqliteLedger(again).getJob(5001)).toMatchObject({ status: 'queued' });
    expect(await new SqliteLedger(again).getRunner('r1')).toMatchObject({ state: 'launching' });
    expect(await new SqliteDeliveryLog(again).has('d-1')).toBe(true);
    expect(await new SqliteWorkQueue(again, clock).lease(1_000)).toMatchObject({
      item: { kind: 'tenant_removed', installationId: 9 },
      attempt: 1,
    });
  });
});

interface LedgerProcess {
  /** Resolves once the process has printed a line starting with `text`. */
  printed(text: string): Promise<void>;
  go(): void;
  /** Every line the process printed, once it exited cleanly. */
  readonly finished: Promise<string[]>;
}

/** Runs `ledger-process.ts`; it is killed if it has not finished within 20 seconds. */
function startLedgerProcess(args: readonly string[]): LedgerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', LEDGER_PROCESS, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const guard = setTimeout(() => child.kill(), 20_000);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = (): string[] => stdout.split('\n').filter((line) => line.length > 0);

  const finished = new Promise<string[]>((resolve, reject) => {
    child.on('exit', (code) => {
      clearTimeout(guard);
      if (code === 0) resolve(lines());
      else reject(new Error(`ledger process ${args.join(' ')} failed (${code}): ${stderr}`));
    });
  });
  // A failure surfaces through `printed` or through awaiting `finished`, whichever comes first.
  finished.catch(() => undefined);

  const printed = (text: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (lines().some((line) => line.startsWith(text))) resolve();
        else if (child.exitCode !== null)
          reject(new Error(`exited before printing ${text}: ${stderr}`));
        else setTimeout(check, 10);
      };
      check();
    });

  return { printed, go: () => child.stdin.write('go\n'), finished };
}
