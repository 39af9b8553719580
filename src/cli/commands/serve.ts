import type { Command } from 'commander';
import { loadConfigFromProcess, ConfigError } from '../../config';
import { startVnfm, type Role } from '../../main';

/** `clickvnfm serve [--role api|worker|all] [--port N] [--host H] [--config file.yaml]` */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the VNFM: the SOL003 API and/or the LCM worker (embedded Redis when REDIS_URL is not set)')
    .option('--role <role>', 'api, worker or all', 'all')
    .option('--host <host>', 'listen address (CLICKVNFM_HOST)')
    .option('--port <port>', 'listen port (CLICKVNFM_PORT)')
    .option('--config <file>', 'YAML configuration file (CLICKVNFM_CONFIG)')
    .action(async (opts: { role: string; host?: string; port?: string; config?: string }) => {
      if (!['api', 'worker', 'all'].includes(opts.role))
        throw new Error(`--role must be api, worker or all (got '${opts.role}')`);
      const overrides: Record<string, unknown> = {};
      if (opts.host !== undefined || opts.port !== undefined) {
        overrides['listen'] = {
          ...(opts.host !== undefined ? { host: opts.host } : {}),
          ...(opts.port !== undefined ? { port: Number(opts.port) } : {}),
        };
      }
      let config;
      try {
        config = loadConfigFromProcess({ file: opts.config, overrides });
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`clickvnfm: ${err.message}\n`);
          process.exit(2);
        }
        throw err;
      }
      const vnfm = await startVnfm(config, opts.role as Role);
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        process.stdout.write(`\n${signal}: stopping\n`);
        vnfm.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
}
