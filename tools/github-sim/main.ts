import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { startGitHubSimulator } from './start-github-simulator.js';
import type { SimInstallation } from './simulator-types.js';

/**
 * Starts the GitHub simulator by hand:
 *
 *   npx tsx tools/github-sim/main.ts --app-id 4242 --key-file app.pem \
 *     --webhook-url http://127.0.0.1:8080/webhook --webhook-secret s3cret \
 *     --installation 1001:acme:Organization:api,web
 *
 * Every flag has an environment variable: GITHUB_SIM_APP_ID, GITHUB_SIM_KEY_FILE (the App's
 * public or private key; the public half is used), GITHUB_SIM_PORT, GITHUB_SIM_WEBHOOK_URL,
 * GITHUB_SIM_WEBHOOK_SECRET, GITHUB_SIM_INSTALLATIONS (space-separated). It prints one JSON
 * line with its URL and runs until SIGINT or SIGTERM.
 */

const USAGE =
  'usage: main.ts --app-id <id> --key-file <pem> [--port <n>] [--webhook-url <url> --webhook-secret <s>]' +
  ' [--installation <id>:<login>:<Organization|User>:<repo,...>]...';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'app-id': { type: 'string', default: process.env.GITHUB_SIM_APP_ID },
      'key-file': { type: 'string', default: process.env.GITHUB_SIM_KEY_FILE },
      port: { type: 'string', default: process.env.GITHUB_SIM_PORT ?? '0' },
      'webhook-url': { type: 'string', default: process.env.GITHUB_SIM_WEBHOOK_URL },
      'webhook-secret': { type: 'string', default: process.env.GITHUB_SIM_WEBHOOK_SECRET },
      installation: { type: 'string', multiple: true },
    },
  });

  const appId = Number(values['app-id']);
  const keyFile = values['key-file'];
  if (!Number.isInteger(appId) || appId <= 0 || !keyFile) {
    throw new Error(`--app-id (a positive integer) and --key-file are required\n${USAGE}`);
  }
  const webhookUrl = values['webhook-url'];
  const secret = values['webhook-secret'];
  if ((webhookUrl === undefined) !== (secret === undefined)) {
    throw new Error('--webhook-url and --webhook-secret go together');
  }
  const specs =
    values.installation ?? process.env.GITHUB_SIM_INSTALLATIONS?.split(/\s+/).filter(Boolean) ?? [];
  const installations = specs.map(parseInstallation);

  const publicKey = createPublicKey(readFileSync(keyFile, 'utf8'));
  const sim = await startGitHubSimulator({
    appId,
    appPublicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    port: Number(values.port),
    ...(webhookUrl && secret ? { webhook: { url: webhookUrl, secret } } : {}),
  });
  for (const installation of installations) sim.addInstallation(installation);

  console.log(
    JSON.stringify({ url: sim.url, app_id: appId, installations: installations.map((i) => i.id) }),
  );

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void sim.close().then(() => process.exit(0)));
  }
}

function parseInstallation(spec: string): SimInstallation {
  const [id, login, type, repos] = spec.split(':');
  if (!id || !/^\d+$/.test(id) || !login || (type !== 'Organization' && type !== 'User')) {
    throw new Error(
      `--installation must be <id>:<login>:<Organization|User>:<repo,...>; got '${spec}'`,
    );
  }
  return {
    id: Number(id),
    account: { login, type },
    repositories: (repos ?? '').split(',').filter(Boolean),
  };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
});
