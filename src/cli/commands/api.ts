/** The subcommands that talk to a running VNFM: login/logout here, the command groups in api-*.ts. */
import type { Command } from 'commander';
import { CliError, saveSettings, removeSettings, VnfmClient } from '../api-client';
import { action, ctxOf, print } from '../output';
import type { Obj } from './api-common';
import { registerApiAlarms } from './api-alarms';
import { registerApiInstances } from './api-instances';
import { registerApiOpOccs } from './api-op-occs';
import { registerApiPackages } from './api-packages';
import { registerApiSubscriptions } from './api-subscriptions';

/** The subcommands that talk to a running VNFM, mirroring `openstack vnflcm` and `openstack vnf package`. */
export function registerApi(program: Command): void {
  program
    .option('--json', "print the API's JSON (machine-readable)")
    .option('--settings <file>', 'the CLI settings file (default ~/.config/clickvnfm/config.json)');

  program
    .command('login')
    .description('configure the VNFM address and credentials once (stored with mode 0600); checks them')
    .requiredOption('--url <url>', 'the VNFM, e.g. http://127.0.0.1:9890')
    .option('--client-id <id>', 'OAuth 2.0 client id')
    .option('--client-secret <secret>', 'OAuth 2.0 client secret')
    .option('--user <user>', 'HTTP Basic user (instead of a client)')
    .option('--password <password>', 'HTTP Basic password')
    .action(
      action(
        async (
          o: { url: string; clientId?: string; clientSecret?: string; user?: string; password?: string },
          cmd: Command,
        ) => {
          const ctx = ctxOf(cmd);
          const s = {
            url: o.url.replace(/\/+$/, ''),
            ...(o.clientId ? { clientId: o.clientId } : {}),
            ...(o.clientSecret ? { clientSecret: o.clientSecret } : {}),
            ...(o.user ? { user: o.user } : {}),
            ...(o.password ? { password: o.password } : {}),
          };
          if (!(s.clientId && s.clientSecret) && !(s.user && s.password))
            throw new CliError('give --client-id and --client-secret, or --user and --password');
          await new VnfmClient(s).call('GET', '/vnflcm/v1/vnf_instances?nextpage_opaque_marker=', { ok: [200, 400] });
          saveSettings(ctx.config, s);
          print(ctx, { url: s.url, config: ctx.config }, () => `logged in to ${s.url} (settings in ${ctx.config})\n`);
        },
      ),
    );
  program
    .command('logout')
    .description('forget the stored VNFM address and credentials')
    .action(
      action(async (_o: Obj, cmd: Command) => {
        const ctx = ctxOf(cmd);
        ctx.out(removeSettings(ctx.config) ? `removed ${ctx.config}\n` : `nothing stored in ${ctx.config}\n`);
      }),
    );

  registerApiPackages(program);
  registerApiInstances(program);
  registerApiOpOccs(program);
  registerApiSubscriptions(program);
  registerApiAlarms(program);
}
