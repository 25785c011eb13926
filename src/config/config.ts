import type { PriceTable } from '../core/pricing.js';
import type { TierCatalog } from '../core/tier.js';

/** Where the HTTP server listens for the App's webhooks. */
export interface ListenConfig {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
}

/** The GitHub App: where its API is, and its credentials (from the environment only). */
export interface GitHubConfig {
  /** `https://api.github.com`, or `https://HOST/api/v3` for GitHub Enterprise Server. */
  readonly apiUrl: string;
  /** Runner group name for org-level runners; undefined means GitHub's default group. */
  readonly runnerGroup: string | undefined;
  readonly appId: number;
  /** PEM text of the App's RSA private key. Never log it. */
  readonly privateKey: string;
  /** Never log it. */
  readonly webhookSecret: string;
  /** The webhook secret being rotated out, still accepted while set. Never log it. */
  readonly previousWebhookSecret: string | undefined;
}

/** How one runner is started on this machine. */
export interface RunnerConfig {
  /** An absolute path, or a bare name looked up on `PATH` (such as `podman`). */
  readonly command: string;
  readonly args: readonly string[];
  /** Each runner runs in `<workDir>/<runner name>`. Absolute. */
  readonly workDir: string;
  /** Where the state of each live runner process is kept across restarts. Absolute. */
  readonly stateDir: string;
  /** Runner names are `<namePrefix>-<...>`; names with it are ours to manage. */
  readonly namePrefix: string;
  readonly shutdownGraceSeconds: number;
  /** Extra environment variables for every runner. */
  readonly env: Readonly<Record<string, string>>;
}

/** The admin HTTP API, present only when `admin.enabled` is true. */
export interface AdminConfig {
  /** The bearer token, from `GHR_ADMIN_TOKEN`. Never log it. */
  readonly token: string;
}

/**
 * Everything `serve` needs, validated and frozen. Paths are absolute, resolved against the
 * folder of the configuration file. It holds secrets: never log it whole.
 */
export interface Config {
  /** Prefix for names and the `ghr:environment` tag. */
  readonly environment: string;
  readonly listen: ListenConfig;
  readonly storage: { readonly path: string };
  readonly github: GitHubConfig;
  readonly runner: RunnerConfig;
  readonly workers: { readonly concurrency: number };
  readonly tiers: TierCatalog;
  /** Prices for `ghr usage` cost estimates; undefined when the file has none. */
  readonly pricing?: PriceTable | undefined;
  /** Undefined when the admin API is off, which is the default. */
  readonly admin?: AdminConfig | undefined;
}
