/**
 * The demo: a GitHub simulator and a real `ghr serve` on loopback, three tenants, a burst of
 * jobs across tiers, one tenant over its limit, one uninstalling mid-run. It exits 0 only if
 * every job that should have run completed and no limit was ever exceeded.
 */
import { openDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteLedger } from '../../src/adapters/sqlite/sqlite-ledger.js';
import { SqliteTenantStore } from '../../src/adapters/sqlite/sqlite-tenant-store.js';
import { summariseUsage } from '../../src/core/usage.js';
import type { GitHubSimulator, SimJob } from '../github-sim/index.js';
import { renderReport } from './report.js';
import type { DemoTenant } from './report.js';
import { DEMO_TIERS, startStack } from './stack.js';

const TENANTS: DemoTenant[] = [
  { id: 1001, login: 'acme-corp', type: 'Organization', repo: 'api' },
  { id: 1002, login: 'globex', type: 'Organization', repo: 'web' },
  { id: 1003, login: 'octo-dev', type: 'User', repo: 'dotfiles' },
];
const ACME = 1001;
const LEAVER = 1002;

const labels = (tier: string) => [...(DEMO_TIERS[tier]?.labels ?? [])];

async function main(): Promise<number> {
  const started = Date.now();
  console.log('Starting the GitHub simulator and ghr serve (SQLite in a temporary folder)...');
  const stack = await startStack({ keepData: true });
  const { sim } = stack;

  try {
    for (const tenant of TENANTS) {
      sim.addInstallation({
        id: tenant.id,
        account: { login: tenant.login, type: tenant.type },
        repositories: [tenant.repo],
      });
      const result = await sim.sendInstallationEvent('created', tenant.id);
      console.log(
        `  installed on ${tenant.type} ${tenant.login} (${tenant.id}): HTTP ${result.status}`,
      );
    }

    const jobs = await queueBurst(sim);
    console.log(`Queued ${jobs.length} jobs, plus 3 for GitHub-hosted labels that are not ours.`);

    let leaverRemoved = false;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const all = sim.jobs();
      const expected = all.filter((j) => j.installationId !== LEAVER && isOurs(j));
      const done = expected.filter((j) => j.status === 'completed').length;
      printProgress(sim, started, done, expected.length);

      if (
        !leaverRemoved &&
        all.some((j) => j.installationId === LEAVER && j.status === 'in_progress')
      ) {
        const result = await sim.sendInstallationEvent('deleted', LEAVER);
        console.log(`  globex uninstalled the App mid-run: HTTP ${result.status}`);
        leaverRemoved = true;
      }
      if (done === expected.length && leaverRemoved) break;
      if (Date.now() > deadline) {
        console.log('Gave up waiting after 120 s.');
        break;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }

    await waitForLeaverRunnersGone(sim);
    const exitCode = await stack.stopServe();
    console.log(`ghr serve stopped with exit code ${exitCode}.`);
    return report(stack.databasePath, sim);
  } finally {
    await stack.stop();
  }
}

async function queueBurst(sim: GitHubSimulator): Promise<SimJob[]> {
  const plan: [number, string, number, number][] = [
    // tenant, tier, count, duration ms
    [ACME, 'small', 7, 1500],
    [ACME, 'medium', 2, 2000],
    [ACME, 'large', 1, 2500],
    [LEAVER, 'small', 2, 60_000],
    [LEAVER, 'medium', 1, 60_000],
    [1003, 'small', 3, 1000],
  ];
  const queued: Promise<{ job: SimJob }>[] = [];
  for (const [installationId, tier, count, durationMs] of plan) {
    const tenant = TENANTS.find((t) => t.id === installationId);
    for (let i = 0; i < count; i += 1) {
      queued.push(
        sim.queueJob({
          installationId,
          repository: tenant?.repo ?? '',
          labels: labels(tier),
          durationMs,
        }),
      );
    }
  }
  for (const tenant of TENANTS) {
    queued.push(
      sim.queueJob({
        installationId: tenant.id,
        repository: tenant.repo,
        labels: ['ubuntu-latest'],
      }),
    );
  }
  return (await Promise.all(queued)).map((q) => q.job).filter(isOurs);
}

function isOurs(job: SimJob): boolean {
  return !job.labels.includes('ubuntu-latest');
}

function printProgress(sim: GitHubSimulator, started: number, done: number, total: number): void {
  const online = TENANTS.map((t) => {
    const count = sim
      .runners()
      .filter((r) => r.installationId === t.id && r.status === 'online').length;
    return `${t.login} ${count}`;
  }).join(', ');
  const seconds = ((Date.now() - started) / 1000).toFixed(0).padStart(3);
  console.log(`  [${seconds}s] ${done}/${total} jobs completed; runners online: ${online}`);
}

async function waitForLeaverRunnersGone(sim: GitHubSimulator): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const busy = sim
      .jobs()
      .filter((j) => j.installationId === LEAVER && j.status === 'in_progress');
    const online = sim
      .runners()
      .filter((r) => r.installationId === LEAVER && r.status === 'online');
    if (busy.length === 0 || online.length === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function report(databasePath: string, sim: GitHubSimulator): Promise<number> {
  const db = openDatabase(databasePath);
  try {
    const ledger = new SqliteLedger(db);
    const tenants = new SqliteTenantStore(db);
    const runners = await ledger.listRunners();
    const usage = summariseUsage(runners, await ledger.listJobs(), new Date().toISOString());
    const records = await Promise.all(TENANTS.map((t) => tenants.get(t.id)));
    const { text, problems } = renderReport({
      tenants: TENANTS,
      records,
      usage,
      simJobs: sim.jobs(),
      runners,
      leaver: LEAVER,
    });
    console.log(text);
    for (const problem of problems) console.log(`FAIL: ${problem}`);
    console.log(problems.length === 0 ? 'PASS: every job ran, no limit was exceeded.' : '');
    return problems.length === 0 ? 0 : 1;
  } finally {
    db.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
