import { hashSecret } from '../../src/api';
import { loadConfig } from '../../src/config';
import { startVnfm, type Vnfm } from '../../src/main';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The VNFM as `npm start` runs it (API and worker in one process, the emulated VIM), on a test's Redis
 * and var directory, with one admin API client; no sample packages unless asked.
 */
export async function startLocalVnfm(options: {
  redisUrl: string;
  varDir: string;
  client: { id: string; secret: string };
  onboardSamples?: boolean;
  /** More configuration (top-level sections, e.g. `monitor`, `vim`), over the above. */
  config?: Record<string, unknown>;
}): Promise<Vnfm> {
  const config = loadConfig(
    {},
    {
      overrides: {
        listen: { host: '127.0.0.1', port: 0 },
        varDir: options.varDir,
        redis: { url: options.redisUrl },
        onboardSamples: options.onboardSamples ?? false,
        auth: { clients: [{ id: options.client.id, secretHash: hashSecret(options.client.secret), roles: ['admin'] }] },
        log: { level: 'warn' },
        ...options.config,
      },
    },
  );
  return startVnfm(config, 'all', quiet);
}
