/**
 * The manager's input: one `SDConfig` per provider to run, taken from a config section's
 * `*_sd_configs` lists and `static_configs`, plus the identity used to share providers.
 */
import { createHash } from 'node:crypto';
import { SD_CONFIG_KEYS, Secret, type SDConfigKey, type ServiceDiscoveryConfigs } from '../config/index.js';

/** The YAML key of a service-discovery list, including `static_configs`. */
export type SDListKey = SDConfigKey | 'static_configs';

/**
 * One discovery configuration: an entry of a `<name>_sd_configs` list, or the whole
 * `static_configs` list of a job (upstream runs all static groups as one provider).
 */
export type SDConfig = {
  [K in SDListKey]: { readonly key: K; readonly config: K extends 'static_configs' ? ServiceDiscoveryConfigs['static_configs'] : ServiceDiscoveryConfigs[K & SDConfigKey][number] };
}[SDListKey];

/** The `SDConfig` variant for one YAML key. */
export type SDConfigOf<K extends SDListKey> = Extract<SDConfig, { key: K }>;

/** Upstream's mechanism name of a list key: `kubernetes_sd_configs` → `kubernetes`, `static_configs` → `static`. */
export function mechanismName(key: SDListKey): string {
  return key === 'static_configs' ? 'static' : key.slice(0, -'_sd_configs'.length);
}

/**
 * The discovery configurations of a scrape config or Alertmanager config section, in a
 * stable order: the static groups first (as one config, when there are any), then every
 * `*_sd_configs` entry in alphabetical order of the key and in file order within a key.
 */
export function sdConfigsOf(section: ServiceDiscoveryConfigs): SDConfig[] {
  const out: SDConfig[] = [];
  if (section.static_configs.length > 0) out.push({ key: 'static_configs', config: section.static_configs });
  for (const key of SD_CONFIG_KEYS) {
    for (const config of section[key] as unknown[]) out.push({ key, config } as SDConfig);
  }
  return out;
}

/**
 * Text that is equal for two configuration values exactly when they are deeply equal: secrets
 * by value, relabel regexes by their source, map key order ignored. Holds secrets: never log it.
 */
export function configIdentity(v: unknown): string {
  if (v instanceof Secret) return JSON.stringify({ $secret: v.reveal() });
  if (Array.isArray(v)) return `[${v.map(configIdentity).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.source === 'string' && 'matcher' in o) return JSON.stringify({ $regex: o.source });
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined && typeof o[k] !== 'function')
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${configIdentity(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * A digest that is equal for two configs exactly when they are deeply equal (map key order
 * ignored, secret values compared), so that jobs with identical configs share one provider.
 */
export function sdConfigIdentity(cfg: SDConfig): string {
  return createHash('sha256').update(cfg.key).update('\0').update(configIdentity(cfg.config)).digest('hex');
}
