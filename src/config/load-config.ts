import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import yaml from 'js-yaml';
import { parseHostPort } from '../net/host-port';
import { ConfigSchema, type Config } from './schema';

/** A configuration that cannot be used; the message names the bad key and why. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type EnvType = 'string' | 'integer' | 'boolean' | 'list';

/**
 * Environment variables and the config key each one sets. The variable wins over the file. A `list` is
 * comma-separated (`admin,operator`).
 * NOTE: this table is the documentation of record; README's configuration section mirrors it.
 */
export const ENV_KEYS: Record<string, { path: string[]; type: EnvType }> = {
  CLICKVNFM_HOST: { path: ['listen', 'host'], type: 'string' },
  CLICKVNFM_PORT: { path: ['listen', 'port'], type: 'integer' },
  CLICKVNFM_PUBLIC_URL: { path: ['publicUrl'], type: 'string' },
  REDIS_URL: { path: ['redis', 'url'], type: 'string' },
  CLICKVNFM_REDIS_PREFIX: { path: ['redis', 'prefix'], type: 'string' },
  CLICKVNFM_REDIS_SENTINELS: { path: ['redis', 'sentinels'], type: 'list' },
  CLICKVNFM_REDIS_SENTINEL_NAME: { path: ['redis', 'sentinelName'], type: 'string' },
  CLICKVNFM_REDIS_SENTINEL_PASSWORD: { path: ['redis', 'sentinelPassword'], type: 'string' },
  CLICKVNFM_REDIS_PASSWORD: { path: ['redis', 'password'], type: 'string' },
  CLICKVNFM_VAR_DIR: { path: ['varDir'], type: 'string' },
  CLICKVNFM_AUTH_BASIC: { path: ['auth', 'basic'], type: 'boolean' },
  CLICKVNFM_AUTH_OAUTH2: { path: ['auth', 'oauth2'], type: 'boolean' },
  CLICKVNFM_TOKEN_TTL_SECONDS: { path: ['auth', 'tokenTtlSeconds'], type: 'integer' },
  CLICKVNFM_TOKEN_RATE_PER_ADDRESS: { path: ['auth', 'tokenRequestsPerAddressPerMinute'], type: 'integer' },
  CLICKVNFM_TOKEN_FAILURES_PER_CLIENT: { path: ['auth', 'tokenFailuresPerClientPerMinute'], type: 'integer' },
  CLICKVNFM_SECRET_KEY: { path: ['auth', 'secretKey'], type: 'string' },
  CLICKVNFM_PAGE_SIZE: { path: ['api', 'pageSize'], type: 'integer' },
  CLICKVNFM_BODY_LIMIT_BYTES: { path: ['api', 'bodyLimitBytes'], type: 'integer' },
  CLICKVNFM_VIM: { path: ['vim', 'kind'], type: 'string' },
  CLICKVNFM_EMULATED_CLOUD_URL: { path: ['vim', 'emulatedCloudUrl'], type: 'string' },
  OS_CLOUD: { path: ['vim', 'cloud'], type: 'string' },
  CLICKVNFM_OS_MGMT_NETWORK: { path: ['vim', 'managementNetwork'], type: 'string' },
  CLICKVNFM_OS_VNFM_CIDR: { path: ['vim', 'vnfmCidr'], type: 'string' },
  CLICKVNFM_OS_DATA_NETWORK: { path: ['vim', 'defaultDataNetwork'], type: 'string' },
  CLICKVNFM_OS_STACK_TIMEOUT_S: { path: ['vim', 'stackTimeoutSeconds'], type: 'integer' },
  CLICKVNFM_OS_POLL_MAX_MS: { path: ['vim', 'pollMaxMs'], type: 'integer' },
  CLICKVNFM_NOTIFY_ALLOW_LINK_LOCAL: { path: ['notifications', 'allowLinkLocal'], type: 'boolean' },
  CLICKVNFM_NFVO_URL: { path: ['nfvo', 'url'], type: 'string' },
  CLICKVNFM_NFVO_USER: { path: ['nfvo', 'user'], type: 'string' },
  CLICKVNFM_NFVO_PASSWORD: { path: ['nfvo', 'password'], type: 'string' },
  CLICKVNFM_NFVO_TOKEN_URL: { path: ['nfvo', 'tokenUrl'], type: 'string' },
  CLICKVNFM_NFVO_CLIENT_ID: { path: ['nfvo', 'clientId'], type: 'string' },
  CLICKVNFM_NFVO_CLIENT_SECRET: { path: ['nfvo', 'clientSecret'], type: 'string' },
  CLICKVNFM_NFVO_GRANT_TIMEOUT_S: { path: ['nfvo', 'grantTimeoutSeconds'], type: 'integer' },
  CLICKVNFM_NFVO_GRANT_POLL_MS: { path: ['nfvo', 'grantPollMs'], type: 'integer' },
  CLICKVNFM_KEYSTONE_AUTH_URL: { path: ['keystone', 'authUrl'], type: 'string' },
  CLICKVNFM_KEYSTONE_CLOUD: { path: ['keystone', 'cloud'], type: 'string' },
  CLICKVNFM_KEYSTONE_USERNAME: { path: ['keystone', 'username'], type: 'string' },
  CLICKVNFM_KEYSTONE_PASSWORD: { path: ['keystone', 'password'], type: 'string' },
  CLICKVNFM_KEYSTONE_PROJECT_NAME: { path: ['keystone', 'projectName'], type: 'string' },
  CLICKVNFM_KEYSTONE_USER_DOMAIN_NAME: { path: ['keystone', 'userDomainName'], type: 'string' },
  CLICKVNFM_KEYSTONE_PROJECT_DOMAIN_NAME: { path: ['keystone', 'projectDomainName'], type: 'string' },
  CLICKVNFM_KEYSTONE_APP_CREDENTIAL_ID: { path: ['keystone', 'applicationCredentialId'], type: 'string' },
  CLICKVNFM_KEYSTONE_APP_CREDENTIAL_SECRET: { path: ['keystone', 'applicationCredentialSecret'], type: 'string' },
  CLICKVNFM_KEYSTONE_ADMIN_ROLES: { path: ['keystone', 'roles', 'admin'], type: 'list' },
  CLICKVNFM_KEYSTONE_READER_ROLES: { path: ['keystone', 'roles', 'reader'], type: 'list' },
  CLICKVNFM_KEYSTONE_PROJECTS: { path: ['keystone', 'projects'], type: 'list' },
  CLICKVNFM_KEYSTONE_CACHE_SECONDS: { path: ['keystone', 'cacheSeconds'], type: 'integer' },
  CLICKVNFM_NFVO_PACKAGE_NOTIFICATIONS: { path: ['nfvo', 'packageNotifications'], type: 'boolean' },
  CLICKVNFM_ONBOARD_SAMPLES: { path: ['onboardSamples'], type: 'boolean' },
  CLICKVNFM_METRICS_TOKEN: { path: ['metrics', 'token'], type: 'string' },
  CLICKVNFM_METRICS_LISTEN: { path: ['metrics', 'listen'], type: 'string' },
  CLICKVNFM_LOG_LEVEL: { path: ['log', 'level'], type: 'string' },
  CLICKVNFM_MONITOR_ENABLED: { path: ['monitor', 'enabled'], type: 'boolean' },
  CLICKVNFM_MONITOR_INTERVAL_MS: { path: ['monitor', 'intervalMs'], type: 'integer' },
  CLICKVNFM_WORKER_CONCURRENCY: { path: ['worker', 'concurrency'], type: 'integer' },
  CLICKVNFM_WORKER_ADAPTIVE: { path: ['worker', 'adaptive'], type: 'boolean' },
  CLICKVNFM_WORKER_LOOP_BUSY_PERCENT: { path: ['worker', 'loopBusyPercent'], type: 'integer' },
  CLICKVNFM_WORKER_STORE_LATENCY_MS: { path: ['worker', 'storeLatencyMs'], type: 'integer' },
  CLICKVNFM_WORKER_MACHINE_BUSY_PERCENT: { path: ['worker', 'machineBusyPercent'], type: 'integer' },
  CLICKVNFM_WORKER_LOCK_MS: { path: ['worker', 'lockDurationMs'], type: 'integer' },
  CLICKVNFM_WORKER_STALLED_MS: { path: ['worker', 'stalledIntervalMs'], type: 'integer' },
};

/**
 * Builds the frozen configuration from the optional YAML file (`CLICKVNFM_CONFIG` or
 * `options.file`), the environment, and `overrides` (command-line flags), in that order.
 *
 * @example
 * const config = loadConfig(process.env, { overrides: { listen: { port: 0 } } });
 */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  options: { file?: string; overrides?: Record<string, unknown> } = {},
): Readonly<Config> {
  const file = options.file ?? env.CLICKVNFM_CONFIG;
  let raw: Record<string, unknown> = {};
  let source = 'configuration';
  if (file !== undefined && file !== '') {
    source = `config file ${file}`;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`${source}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    let parsed: unknown;
    try {
      parsed = yaml.load(text, { filename: file });
    } catch (err) {
      throw new ConfigError(`${source}: ${(err as Error).message}`);
    }
    if (parsed !== undefined && parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
      throw new ConfigError(`${source}: the top level must be a mapping of keys`);
    }
    raw = (parsed ?? {}) as Record<string, unknown>;
  }
  for (const [name, spec] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(raw, spec.path, fromEnv(name, value, spec.type));
  }
  deepMerge(raw, options.overrides ?? {});
  return validate(raw, source);
}

function fromEnv(name: string, value: string, type: EnvType): unknown {
  if (type === 'string') return value;
  if (type === 'list')
    return value
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '');
  if (type === 'integer') {
    if (!/^-?\d+$/.test(value)) throw new ConfigError(`${name}: must be an integer (got '${value}')`);
    return Number(value);
  }
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(`${name}: must be true or false (got '${value}')`);
}

const ajv = new Ajv({ useDefaults: true, allErrors: true, strict: false });
const check = ajv.compile(ConfigSchema);

function validate(raw: Record<string, unknown>, source: string): Readonly<Config> {
  const doc = structuredClone(raw);
  if (!check(doc)) {
    const msgs = (check.errors ?? []).map((e) => {
      const key = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
      if (e.keyword === 'additionalProperties') {
        const extra = String((e.params as { additionalProperty?: string }).additionalProperty);
        return `${key ? key + '.' : ''}${extra}: unknown key`;
      }
      const envName = Object.entries(ENV_KEYS).find(([, s]) => s.path.join('.') === key)?.[0];
      return `${key || '(top level)'}${envName ? ` (${envName})` : ''}: ${e.message ?? 'is invalid'}`;
    });
    throw new ConfigError(`${source}: ${[...new Set(msgs)].join('; ')}`);
  }
  const redisProblems = redisConsistency((doc as Config).redis);
  if (redisProblems.length > 0) throw new ConfigError(`${source}: ${redisProblems.join('; ')}`);
  const listen = (doc as Config).metrics.listen;
  if (listen !== undefined && listen !== 'off') {
    try {
      // port 0: any free port
      parseHostPort(listen.replace(/:0$/, ':1'));
    } catch (err) {
      throw new ConfigError(`${source}: metrics.listen (CLICKVNFM_METRICS_LISTEN): ${(err as Error).message}`);
    }
  }
  return deepFreeze(doc as Config);
}

/** `redis.<key> (ENV_NAME)`, as the messages name a setting. */
function redisKey(key: string): string {
  const envName = Object.entries(ENV_KEYS).find(([, s]) => s.path.join('.') === `redis.${key}`)?.[0];
  return `redis.${key}${envName ? ` (${envName})` : ''}`;
}

/** The redis settings that only make sense together (one URL, or Sentinel with its name). */
function redisConsistency(redis: Config['redis']): string[] {
  const problems: string[] = [];
  const sentinel = redis.sentinels !== undefined;
  if (sentinel && redis.sentinelName === undefined)
    problems.push(`${redisKey('sentinelName')}: required with ${redisKey('sentinels')} (the master group name)`);
  if (sentinel && redis.url !== undefined)
    problems.push(`${redisKey('url')}: not together with ${redisKey('sentinels')}; set one of them`);
  for (const key of ['sentinelName', 'sentinelPassword', 'password'] as const) {
    if (!sentinel && redis[key] !== undefined)
      problems.push(`${redisKey(key)}: only with ${redisKey('sentinels')} (with redis.url, put a password in the URL)`);
  }
  for (const address of redis.sentinels ?? []) {
    try {
      parseHostPort(address);
    } catch (err) {
      problems.push(`${redisKey('sentinels')}: ${(err as Error).message}`);
    }
  }
  return problems;
}

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = obj;
  for (const key of path.slice(0, -1)) {
    const next = cur[key];
    if (next === undefined || next === null || typeof next !== 'object') cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path[path.length - 1] as string] = value;
}

function deepMerge(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(from)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const cur = into[k];
      if (cur === undefined || cur === null || typeof cur !== 'object') into[k] = {};
      deepMerge(into[k] as Record<string, unknown>, v as Record<string, unknown>);
    } else if (v !== undefined) {
      into[k] = v;
    }
  }
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** loadConfig() on this process's environment: the one place that reads process.env. */
export function loadConfigFromProcess(
  options: { file?: string; overrides?: Record<string, unknown> } = {},
): Readonly<Config> {
  return loadConfig(process.env, options);
}

/** One environment variable, for the few callers outside config that need a raw value (e.g. OS_* for clouds.yaml). */
export function processEnv(): Readonly<Record<string, string | undefined>> {
  return { ...process.env };
}
