/**
 * The VNF package subcommands (`package upload|list|show|enable|disable|delete`), added to the existing
 * `package` command.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError } from '../api-client';
import { action, ctxOf, fields, print, table } from '../output';
import { buildPackage, loadTypeLibrary } from '../../tosca';
import { enc, type Obj } from './api-common';

/** Adds upload/list/show/enable/disable/delete to `package` (which `registerPackage` made: build, validate). */
export function registerApiPackages(program: Command): void {
  const pkg = program.commands.find((c) => c.name() === 'package') ?? program.command('package');
  pkg
    .command('upload <csarOrDir>')
    .description(
      'create a VNF package and upload its CSAR (a directory is built first); waits until ONBOARDED and enables it',
    )
    .option('--no-enable', 'leave it DISABLED')
    .option('--no-wait', 'return once the upload is accepted')
    .action(
      action(async (target: string, o: { enable: boolean; wait: boolean }, cmd: Command) => {
        const ctx = ctxOf(cmd);
        let csar: Buffer;
        if (statSync(target).isDirectory()) {
          const built = await buildPackage(target, loadTypeLibrary());
          if (!built.csar) {
            const lines = built.diagnostics.map(
              (d) => `${d.file ?? ''}:${d.line ?? ''}:${d.column ?? ''}: ${d.message}`,
            );
            throw new CliError(`${target} does not build: ${lines.join('; ')}`);
          }
          csar = built.csar;
        } else csar = readFileSync(target);
        const c = ctx.client();
        const created = (await c.call<Obj>('POST', '/vnfpkgm/v1/vnf_packages', { body: {}, ok: [201] })).data;
        const id = String(created['id']);
        await c.call('PUT', `/vnfpkgm/v1/vnf_packages/${id}/package_content`, {
          body: csar,
          contentType: 'application/zip',
          ok: [202],
        });
        if (!o.wait) return print(ctx, created, () => `package ${id}: uploaded, onboarding\n`);
        let p: Obj = created;
        for (let i = 0; i < 600; i++) {
          p = (await c.call<Obj>('GET', `/vnfpkgm/v1/vnf_packages/${id}`)).data;
          if (p['onboardingState'] === 'ONBOARDED' || p['onboardingFailureDetails']) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        if (p['onboardingState'] !== 'ONBOARDED') {
          const f = (p['onboardingFailureDetails'] ?? {}) as Obj;
          const errs = ((f['errors'] ?? []) as Obj[])
            .map((e) => {
              const at = e['file'] ? `${String(e['file'])}:${String(e['line'])}:${String(e['column'])}: ` : '';
              return `  ${at}${String(e['reason'])}`;
            })
            .join('\n');
          throw new CliError(
            `package ${id} was not onboarded: ${String(f['detail'] ?? p['onboardingState'])}${errs ? `\n${errs}` : ''}`,
            f,
          );
        }
        if (o.enable)
          p = {
            ...p,
            ...(
              await c.call<Obj>('PATCH', `/vnfpkgm/v1/vnf_packages/${id}`, {
                body: { operationalState: 'ENABLED' },
                contentType: 'application/merge-patch+json',
              })
            ).data,
          };
        print(
          ctx,
          p,
          () =>
            `package ${id}: ONBOARDED, ${String(p['operationalState'])} ` +
            `(vnfdId ${String(p['vnfdId'])}, ${String(p['vnfProductName'])})\n`,
        );
      }),
    );
  pkg
    .command('list')
    .description('list VNF packages')
    .option('--filter <sol013>', "e.g. '(eq,onboardingState,ONBOARDED)'")
    .action(
      action(async (o: { filter?: string }, cmd: Command) => {
        const ctx = ctxOf(cmd);
        const list = (
          await ctx.client().call<Obj[]>('GET', `/vnfpkgm/v1/vnf_packages${o.filter ? `?filter=${enc(o.filter)}` : ''}`)
        ).data;
        print(ctx, list, () =>
          table(list, ['id', 'vnfProductName', 'vnfdId', 'onboardingState', 'operationalState', 'usageState']),
        );
      }),
    );
  pkg
    .command('show <id>')
    .description('show a VNF package')
    .action(
      action(async (id: string, _o: Obj, cmd: Command) => {
        const ctx = ctxOf(cmd);
        const p = (await ctx.client().call<Obj>('GET', `/vnfpkgm/v1/vnf_packages/${enc(id)}`)).data;
        print(ctx, p, () => fields(p));
      }),
    );
  for (const [verb, state] of [
    ['enable', 'ENABLED'],
    ['disable', 'DISABLED'],
  ] as const) {
    pkg
      .command(`${verb} <id>`)
      .description(`${verb} a VNF package`)
      .action(
        action(async (id: string, _o: Obj, cmd: Command) => {
          const ctx = ctxOf(cmd);
          const r = (
            await ctx.client().call<Obj>('PATCH', `/vnfpkgm/v1/vnf_packages/${enc(id)}`, {
              body: { operationalState: state },
              contentType: 'application/merge-patch+json',
            })
          ).data;
          print(ctx, r, () => `package ${id}: ${state}\n`);
        }),
      );
  }
  pkg
    .command('delete <id>')
    .description('delete a (disabled, unused) VNF package')
    .action(
      action(async (id: string, _o: Obj, cmd: Command) => {
        const ctx = ctxOf(cmd);
        await ctx.client().call('DELETE', `/vnfpkgm/v1/vnf_packages/${enc(id)}`, { ok: [204] });
        print(ctx, { deleted: id }, () => `package ${id} deleted\n`);
      }),
    );
}
