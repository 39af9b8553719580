/** The fault management subcommands (`alarm list|show|ack|rebuild`). */
import type { Command } from 'commander';
import { action, ctxOf, fields, print, table } from '../output';
import { enc, type Obj } from './api-common';

/** `alarm`: the VNFs' alarms (SOL003 fault management, /vnffm/v1). */
export function registerApiAlarms(program: Command): void {
  const alarm = program.command('alarm').description("the VNFs' alarms (fault management)");
  alarm
    .command('list')
    .option('--instance <id>', "only this instance's alarms")
    .option('--active', 'only alarms not cleared')
    .option('--filter <sol013>', "any other filter, e.g. '(eq,ackState,UNACKNOWLEDGED)'")
    .description('list alarms')
    .action(
      action(async (o: { instance?: string; active?: boolean; filter?: string }, cmd: Command) => {
        const ctx = ctxOf(cmd);
        const parts = [
          ...(o.instance !== undefined ? [`(eq,managedObjectId,${o.instance})`] : []),
          ...(o.active === true ? ['(neq,perceivedSeverity,CLEARED)'] : []),
          ...(o.filter !== undefined ? [o.filter] : []),
        ];
        const query = parts.length > 0 ? `?filter=${enc(parts.join(';'))}` : '';
        const list = (await ctx.client().call<Obj[]>('GET', `/vnffm/v1/alarms${query}`)).data;
        print(ctx, list, () =>
          table(list, ['id', 'managedObjectId', 'perceivedSeverity', 'probableCause', 'ackState', 'alarmRaisedTime']),
        );
      }),
    );
  alarm
    .command('show <id>')
    .description('show an alarm (with its faultDetails)')
    .action(
      action(async (id: string, _o: Obj, cmd: Command) => {
        const ctx = ctxOf(cmd);
        const a = (await ctx.client().call<Obj>('GET', `/vnffm/v1/alarms/${enc(id)}`)).data;
        print(ctx, a, () => fields(a));
      }),
    );
  alarm
    .command('ack <id>')
    .description('acknowledge an alarm')
    .action(
      action(async (id: string, _o: Obj, cmd: Command) => {
        const ctx = ctxOf(cmd);
        const r = await ctx.client().call<Obj>('PATCH', `/vnffm/v1/alarms/${enc(id)}`, {
          body: { ackState: 'ACKNOWLEDGED' },
          contentType: 'application/merge-patch+json',
        });
        print(ctx, r.data, () => `alarm ${id} acknowledged\n`);
      }),
    );
  alarm
    .command('rebuild')
    .description(
      'rebuild the alarm list (e.g. after Redis was restored from a backup): every instance is looked at again, ' +
        'then the FM subscribers get AlarmListRebuiltNotification',
    )
    .action(
      action(async (_o: Obj, cmd: Command) => {
        const ctx = ctxOf(cmd);
        const r = (await ctx.client().call<Obj>('POST', '/clickvnfm/v1/alarms/rebuild', { ok: [202] })).data;
        print(
          ctx,
          r,
          () =>
            `rebuilding: ${String(r['pendingInstances'])} instance(s) to look at again, ` +
            `${String(r['clearedAlarms'])} alarm(s) of instances no longer instantiated cleared\n`,
        );
      }),
    );
}
