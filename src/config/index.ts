export { loadConfig, ConfigError, ENV_KEYS } from './load-config';
export { ConfigSchema, type Config, type ConfigUser, type ConfigClient } from './schema';
