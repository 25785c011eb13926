import type { TenantChangeView } from '../operator/tenant-changes.js';
import { text } from './command-line.js';
import type { CommandAnswer, OperatorCommand } from './operator-command.js';
import { runOperatorCommand } from './operator-command.js';
import type { CliIo } from './run-cli.js';
import { EXIT_OK, EXIT_USAGE } from './run-cli.js';
import {
  tenantChangeText,
  tenantDetailText,
  tenantListCsv,
  tenantListTable,
} from './tenant-tables.js';

const HELP = `Usage: ghr tenants <subcommand> [options]

Subcommands:
  list [--status active|suspended|deleted]       every tenant, its runners and its queue
  show <installation_id>                         one tenant: limits, runners, queue, decisions
  set-tier <installation_id> <tier> [--max-runners N]
                                                 the plan tier, and the limit that goes with it
  set-limit <installation_id> <N> [--tier T]     the limit across tiers, or one tier's cap
  suspend <installation_id>                      no new runners until resumed
  resume <installation_id>                       serve what waited

Run 'ghr tenants <subcommand> --help' for its options.
`;

const changed = (view: TenantChangeView): CommandAnswer => ({
  view,
  table: () => tenantChangeText(view),
});

const COMMANDS: Readonly<Record<string, OperatorCommand>> = {
  list: {
    name: 'tenants list',
    help: `Usage: ghr tenants list [--status active|suspended|deleted] [--output table|json|csv]

Lists tenants in installation id order: status, plan tier, runners held against max_runners,
queued jobs, and per-tier caps of their own.
`,
    options: { status: { type: 'string' } },
    formats: ['table', 'json', 'csv'],
    run: async (service, line) => {
      const view = await service.listTenants({ status: text(line, 'status') });
      return { view, table: () => tenantListTable(view), csv: () => tenantListCsv(view) };
    },
  },
  show: {
    name: 'tenants show',
    help: `Usage: ghr tenants show <installation_id> [--output table|json]

Shows one tenant: its record, its runners per tier against its limits (max_runners across
tiers, and each tier's cap), its queued jobs, and its latest launch decisions with their
reasons (launched, no_demand, at_tenant_limit, at_tier_limit, tenant_suspended,
no_matching_tier, ...).
`,
    positionals: ['<installation_id>'],
    formats: ['table', 'json'],
    run: async (service, line) => {
      const view = await service.showTenant({ installationId: line.positionals[0] });
      return { view, table: () => tenantDetailText(view) };
    },
  },
  'set-tier': {
    name: 'tenants set-tier',
    help: `Usage: ghr tenants set-tier <installation_id> <tier> [--max-runners N] [--output table|json]

Moves the tenant to another plan tier. Its max_runners becomes the tier's max_runners, or N
when given. Needs the tiers: --config, or GHR_TIERS with --aws. Waiting jobs are asked to run.
`,
    options: { 'max-runners': { type: 'string' } },
    positionals: ['<installation_id>', '<tier>'],
    names: { tier: '<tier>' },
    formats: ['table', 'json'],
    run: async (service, line) =>
      changed(
        await service.setTier({
          installationId: line.positionals[0],
          tier: line.positionals[1],
          maxRunners: text(line, 'max-runners'),
        }),
      ),
  },
  'set-limit': {
    name: 'tenants set-limit',
    help: `Usage: ghr tenants set-limit <installation_id> <N> [--tier T] [--output table|json]

Sets the tenant's max_runners across tiers to N, or with --tier its cap in tier T (which
replaces the tier's own max_runners for this tenant). 0 pauses without suspending. Runners
already running finish their jobs; a lower limit only holds back new ones.
`,
    options: { tier: { type: 'string' } },
    positionals: ['<installation_id>', '<N>'],
    formats: ['table', 'json'],
    run: async (service, line) =>
      changed(
        await service.setLimit({
          installationId: line.positionals[0],
          limit: line.positionals[1],
          tier: text(line, 'tier'),
        }),
      ),
  },
  suspend: {
    name: 'tenants suspend',
    help: `Usage: ghr tenants suspend <installation_id> [--output table|json]

Stops new runners for the tenant; its jobs wait, and running runners finish. The App's own
suspend and unsuspend events change the same status.
`,
    positionals: ['<installation_id>'],
    formats: ['table', 'json'],
    run: async (service, line) =>
      changed(await service.suspend({ installationId: line.positionals[0] })),
  },
  resume: {
    name: 'tenants resume',
    help: `Usage: ghr tenants resume <installation_id> [--output table|json]

Makes a suspended tenant active again and asks for its waiting jobs to run. A deleted tenant
cannot be resumed: its installation is gone.
`,
    positionals: ['<installation_id>'],
    formats: ['table', 'json'],
    run: async (service, line) =>
      changed(await service.resume({ installationId: line.positionals[0] })),
  },
};

export async function tenantsCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    io.out(HELP);
    return EXIT_OK;
  }

  const command = sub === undefined ? undefined : COMMANDS[sub];
  if (command === undefined || !Object.hasOwn(COMMANDS, sub ?? '')) {
    io.err(`ghr tenants: unknown subcommand ${JSON.stringify(sub ?? '')}\n\n${HELP}`);
    return EXIT_USAGE;
  }
  return runOperatorCommand(command, rest, io);
}
