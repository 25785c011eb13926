import { dirname, resolve } from 'node:path';

import type { Problem } from '../core/errors.js';
import { ValidationError } from '../core/errors.js';
import type { PriceTable } from '../core/pricing.js';
import type { TierCatalog } from '../core/tier.js';
import { readStoragePath } from './load-config.js';
import { readPricing } from './pricing-settings.js';
import { readConfigFile } from './read-config-file.js';
import { SettingsMap, isPlainMap } from './settings-map.js';
import { readTierCatalog } from './tier-settings.js';

/** What the operator commands read from the `serve` configuration file. */
export interface OperatorConfig {
  /** The SQLite file `serve` uses. Absolute. */
  readonly storagePath: string;
  readonly tiers: TierCatalog;
  readonly pricing: PriceTable | undefined;
}

/** Sections the operator commands leave to `serve` and `ghr config check`. */
const SERVE_SECTIONS = ['environment', 'listen', 'github', 'runner', 'workers', 'admin'];

/**
 * Reads the storage path, the tiers and the price table of a `serve` configuration file. It
 * needs none of the App's secrets, so it works on a machine that only operates the service;
 * the sections it does not use are left for `ghr config check` to validate.
 */
export function loadOperatorConfig(path: string): OperatorConfig {
  const file = resolve(path);
  const raw = readConfigFile(file);
  const problems: Problem[] = [];

  if (raw !== null && raw !== undefined && !isPlainMap(raw)) {
    problems.push({ key: file, value: raw, message: 'must hold a map of settings at the top' });
  }
  const root = SettingsMap.open(isPlainMap(raw) ? raw : {}, '', problems);

  const storagePath = readStoragePath(root.child('storage'), dirname(file));
  const tiers = readTierCatalog(root, problems);
  const pricing = readPricing(root, tiers);
  SERVE_SECTIONS.forEach((name) => root.raw(name));
  root.close();

  if (problems.length > 0 || tiers === undefined) {
    throw new ValidationError(`configuration ${file}`, problems);
  }
  return { storagePath, tiers, pricing };
}
