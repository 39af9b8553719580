export { loadConfig, loadConfigFromProcess, processEnv, ConfigError, ENV_KEYS } from './load-config';
export { ConfigSchema, type Config, type ConfigUser, type ConfigClient } from './schema';
