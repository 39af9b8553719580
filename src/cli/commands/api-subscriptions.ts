/** The LCM notification subscription subcommands (`subscription create|list|delete`). */
import type { Command } from 'commander';
import { CliError } from '../api-client';
import { action, ctxOf, print, table } from '../output';
import { enc, readJson, type Obj } from './api-common';

/** `subscription`: LCM notification subscriptions. */
export function registerApiSubscriptions(program: Command): void {
  const sub = program.command('subscription').description('LCM notification subscriptions');
  sub
    .command('create')
    .requiredOption('--callback <uri>', 'where notifications go (must answer GET with 204)')
    .option('--filter-file <f.json>', 'a LccnSubscriptionRequest filter')
    .option('--basic <user:password>', 'the callback wants HTTP Basic')
    .option('--oauth2 <clientId:secret@tokenEndpoint>', 'the callback wants an OAuth2 client-credentials token')
    .description('subscribe to LCM notifications')
    .action(
      action(async (o: { callback: string; filterFile?: string; basic?: string; oauth2?: string }, cmd: Command) => {
        const ctx = ctxOf(cmd);
        let authentication: Obj | undefined;
        if (o.basic) {
          const [userName, ...rest] = o.basic.split(':');
          authentication = { authType: ['BASIC'], paramsBasic: { userName, password: rest.join(':') } };
        } else if (o.oauth2) {
          const m = /^([^:]+):([^@]+)@(.+)$/.exec(o.oauth2);
          if (!m) throw new CliError('--oauth2 must be clientId:secret@https://token-endpoint');
          authentication = {
            authType: ['OAUTH2_CLIENT_CREDENTIALS'],
            paramsOauth2ClientCredentials: { clientId: m[1], clientPassword: m[2], tokenEndpoint: m[3] },
          };
        }
        const body = {
          callbackUri: o.callback,
          ...(o.filterFile ? { filter: readJson(o.filterFile) } : {}),
          ...(authentication ? { authentication } : {}),
        };
        const s = (await ctx.client().call<Obj>('POST', '/vnflcm/v1/subscriptions', { body, ok: [201] })).data;
        print(ctx, s, () => `subscription ${String(s['id'])} created for ${o.callback}\n`);
      }),
    );
  sub
    .command('list')
    .description('list subscriptions')
    .action(
      action(async (_o: Obj, cmd: Command) => {
        const ctx = ctxOf(cmd);
        const list = (await ctx.client().call<Obj[]>('GET', '/vnflcm/v1/subscriptions')).data;
        print(ctx, list, () => table(list, ['id', 'callbackUri']));
      }),
    );
  sub
    .command('delete <id>')
    .description('delete a subscription')
    .action(
      action(async (id: string, _o: Obj, cmd: Command) => {
        const ctx = ctxOf(cmd);
        await ctx.client().call('DELETE', `/vnflcm/v1/subscriptions/${enc(id)}`, { ok: [204] });
        print(ctx, { deleted: id }, () => `subscription ${id} deleted\n`);
      }),
    );
}
