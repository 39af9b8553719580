/** The lifecycle operation occurrence subcommands (`op list|show|retry|rollback|fail|cancel`). */
import type { Command } from 'commander';
import { CliError } from '../api-client';
import { action, ctxOf, fields, print, table, waitOp } from '../output';
import { enc, type Obj } from './api-common';

/** `op`: lifecycle operation occurrences. */
export function registerApiOpOccs(program: Command): void {
  const op = program.command('op').description('lifecycle operation occurrences');
  op.command('list')
    .option('--filter <sol013>', "e.g. '(eq,operationState,FAILED_TEMP)'")
    .description('list op-occs')
    .action(
      action(async (o: { filter?: string }, cmd: Command) => {
        const ctx = ctxOf(cmd);
        const list = (
          await ctx
            .client()
            .call<Obj[]>('GET', `/vnflcm/v1/vnf_lcm_op_occs${o.filter ? `?filter=${enc(o.filter)}` : ''}`)
        ).data;
        print(ctx, list, () => table(list, ['id', 'operation', 'operationState', 'vnfInstanceId', 'startTime']));
      }),
    );
  op.command('show <id>')
    .description('show an op-occ (with its error)')
    .action(
      action(async (id: string, _o: Obj, cmd: Command) => {
        const ctx = ctxOf(cmd);
        const o = (await ctx.client().call<Obj>('GET', `/vnflcm/v1/vnf_lcm_op_occs/${enc(id)}`)).data;
        print(ctx, o, () => fields(o));
      }),
    );
  for (const verb of ['retry', 'rollback', 'fail', 'cancel'] as const) {
    op.command(`${verb} <id>`)
      .option('--no-wait', 'return at once')
      .description(
        `${verb} an op-occ in FAILED_TEMP${verb === 'cancel' ? ' (or one that is STARTING/PROCESSING)' : ''}`,
      )
      .action(
        action(async (id: string, o: { wait: boolean }, cmd: Command) => {
          const ctx = ctxOf(cmd);
          const path = `/vnflcm/v1/vnf_lcm_op_occs/${enc(id)}`;
          const res = await ctx.client().call<Obj>('POST', `${path}/${verb}`, { ok: [200, 202] });
          if (verb === 'fail' || !o.wait)
            return print(
              ctx,
              res.data ?? { id },
              () => `${verb}: op-occ ${id} ${verb === 'fail' ? 'FAILED' : 'accepted'}\n`,
            );
          const done = await waitOp(ctx, path).catch((err: unknown) => {
            if (verb === 'rollback' && err instanceof CliError && /ROLLED_BACK/.test(err.message))
              return { operationState: 'ROLLED_BACK', id };
            throw err;
          });
          print(ctx, done, () => `${verb}: op-occ ${id} ${String(done['operationState'])}\n`);
        }),
      );
  }
}
