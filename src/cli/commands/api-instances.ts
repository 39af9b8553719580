/** The VNF instance subcommands (`vnf create|instantiate|list|show|terminate|delete|scale|heal|operate|modify`). */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError } from '../api-client';
import { action, ctxOf, fields, print, table } from '../output';
import { collectList, enc, kv, readJson, task, type Obj } from './api-common';

const INSTANCE_COLS = ['id', 'vnfInstanceName', 'vnfProductName', 'instantiationState', 'vnfState'];
const flat = (i: Obj): Obj => ({ ...i, vnfState: (i['instantiatedVnfInfo'] as Obj | undefined)?.['vnfState'] ?? '' });

/** `vnf`: VNF instances and their lifecycle, mirroring `openstack vnflcm`. */
export function registerApiInstances(program: Command): void {
  const vnf = program.command('vnf').description('VNF instances and their lifecycle (SOL003)');
  vnf
    .command('create')
    .description('create a VNF instance resource from an onboarded, enabled VNFD')
    .requiredOption('--vnfd-id <id>', 'the VNFD id')
    .option('--name <name>')
    .option('--description <text>')
    .action(
      action(async (o: { vnfdId: string; name?: string; description?: string }, cmd: Command) => {
        const ctx = ctxOf(cmd);
        const i = (
          await ctx.client().call<Obj>('POST', '/vnflcm/v1/vnf_instances', {
            body: {
              vnfdId: o.vnfdId,
              ...(o.name ? { vnfInstanceName: o.name } : {}),
              ...(o.description ? { vnfInstanceDescription: o.description } : {}),
            },
            ok: [201],
          })
        ).data;
        print(ctx, i, () => `VNF instance ${String(i['id'])} created (NOT_INSTANTIATED)\n`);
      }),
    );
  vnf
    .command('instantiate <id>')
    .description('instantiate; waits with a progress line unless --no-wait')
    .option('--flavour <id>', 'the deployment flavour', 'simple')
    .option('--level <id>', 'the instantiation level')
    .option('-p, --param <key=value>', 'an additionalParams entry (repeatable)', kv)
    .option('--file <request.json>', 'the whole InstantiateVnfRequest')
    .option('--no-wait', 'return the op-occ id at once')
    .action(
      action(
        async (
          id: string,
          o: { flavour: string; level?: string; param?: Obj; file?: string; wait: boolean },
          cmd: Command,
        ) => {
          const body = o.file
            ? readJson(o.file)
            : {
                flavourId: o.flavour,
                ...(o.level ? { instantiationLevelId: o.level } : {}),
                ...(o.param ? { additionalParams: o.param } : {}),
              };
          await task(ctxOf(cmd), `/vnflcm/v1/vnf_instances/${enc(id)}/instantiate`, body, o.wait);
        },
      ),
    );
  vnf
    .command('list')
    .description('list VNF instances')
    .option('--filter <sol013>', "e.g. '(eq,instantiationState,INSTANTIATED)'")
    .action(
      action(async (o: { filter?: string }, cmd: Command) => {
        const ctx = ctxOf(cmd);
        const list = (
          await ctx.client().call<Obj[]>('GET', `/vnflcm/v1/vnf_instances${o.filter ? `?filter=${enc(o.filter)}` : ''}`)
        ).data;
        print(ctx, list, () => table(list.map(flat), INSTANCE_COLS));
      }),
    );
  vnf
    .command('show <id>')
    .description('show a VNF instance (with its VNFCs)')
    .action(
      action(async (id: string, _o: Obj, cmd: Command) => {
        const ctx = ctxOf(cmd);
        const i = (await ctx.client().call<Obj>('GET', `/vnflcm/v1/vnf_instances/${enc(id)}`)).data;
        print(ctx, i, () => {
          const vnfcs = (((i['instantiatedVnfInfo'] as Obj | undefined)?.['vnfcResourceInfo'] ?? []) as Obj[]).map(
            (v) => ({ vnfc: v['id'], vduId: v['vduId'], ...(v['metadata'] as Obj) }),
          );
          const { instantiatedVnfInfo: _x, _links: _l, ...rest } = i;
          void _x;
          void _l;
          return (
            fields(flat(rest)) +
            (vnfcs.length ? `\n${table(vnfcs, ['vnfc', 'vduId', 'status', 'managementAddress'])}` : '')
          );
        });
      }),
    );
  vnf
    .command('terminate <id>')
    .option('--graceful', 'GRACEFUL termination (stop the NF first)')
    .option('--timeout <s>', 'graceful termination timeout', (v) => Number(v))
    .option('--no-wait', 'return the op-occ id at once')
    .description('terminate; waits unless --no-wait')
    .action(
      action(async (id: string, o: { graceful?: boolean; timeout?: number; wait: boolean }, cmd: Command) => {
        await task(
          ctxOf(cmd),
          `/vnflcm/v1/vnf_instances/${enc(id)}/terminate`,
          {
            terminationType: o.graceful ? 'GRACEFUL' : 'FORCEFUL',
            ...(o.graceful && o.timeout !== undefined ? { gracefulTerminationTimeout: o.timeout } : {}),
          },
          o.wait,
        );
      }),
    );
  vnf
    .command('delete <id>')
    .description('delete a NOT_INSTANTIATED VNF instance')
    .action(
      action(async (id: string, _o: Obj, cmd: Command) => {
        const ctx = ctxOf(cmd);
        await ctx.client().call('DELETE', `/vnflcm/v1/vnf_instances/${enc(id)}`, { ok: [204] });
        print(ctx, { deleted: id }, () => `VNF instance ${id} deleted\n`);
      }),
    );
  vnf
    .command('scale <id>')
    .requiredOption('--aspect <id>', 'the scaling aspect')
    .requiredOption('--type <out|in>', 'out or in')
    .option('--steps <n>', 'number of steps', (v) => Number(v), 1)
    .option('--no-wait', 'return the op-occ id at once')
    .description('scale out or in by aspect')
    .action(
      action(async (id: string, o: { aspect: string; type: string; steps: number; wait: boolean }, cmd: Command) => {
        if (o.type !== 'out' && o.type !== 'in') throw new CliError(`--type must be out or in (got '${o.type}')`);
        await task(
          ctxOf(cmd),
          `/vnflcm/v1/vnf_instances/${enc(id)}/scale`,
          { type: o.type === 'out' ? 'SCALE_OUT' : 'SCALE_IN', aspectId: o.aspect, numberOfSteps: o.steps },
          o.wait,
        );
      }),
    );
  vnf
    .command('heal <id>')
    .option('--vnfc <id>', 'a VNFC to heal (repeatable; default every VNFC)', collectList)
    .option('--cause <text>')
    .option('--no-wait', 'return the op-occ id at once')
    .description('heal (replace) VNFCs')
    .action(
      action(async (id: string, o: { vnfc?: string[]; cause?: string; wait: boolean }, cmd: Command) => {
        await task(
          ctxOf(cmd),
          `/vnflcm/v1/vnf_instances/${enc(id)}/heal`,
          { ...(o.vnfc ? { vnfcInstanceId: o.vnfc } : {}), ...(o.cause ? { cause: o.cause } : {}) },
          o.wait,
        );
      }),
    );
  vnf
    .command('operate <id>')
    .requiredOption('--state <started|stopped>', 'the state to change to')
    .option('--stop-type <graceful|forceful>', 'how to stop (forceful also powers the VMs off)')
    .option('--no-wait', 'return the op-occ id at once')
    .description('start or stop the network function')
    .action(
      action(async (id: string, o: { state: string; stopType?: string; wait: boolean }, cmd: Command) => {
        const to = o.state.toUpperCase();
        if (to !== 'STARTED' && to !== 'STOPPED')
          throw new CliError(`--state must be started or stopped (got '${o.state}')`);
        await task(
          ctxOf(cmd),
          `/vnflcm/v1/vnf_instances/${enc(id)}/operate`,
          { changeStateTo: to, ...(o.stopType ? { stopType: o.stopType.toUpperCase() } : {}) },
          o.wait,
        );
      }),
    );
  vnf
    .command('modify <id>')
    .option('--name <name>')
    .option('--description <text>')
    .option('--click-config <file>', 'a new Click configuration (checked, then applied; hot where the dialect can)')
    .option('--file <patch.json>', 'the whole VnfInfoModificationRequest')
    .option('--no-wait', 'return the op-occ id at once')
    .description('modify the instance (PATCH with If-Match)')
    .action(
      action(
        async (
          id: string,
          o: { name?: string; description?: string; clickConfig?: string; file?: string; wait: boolean },
          cmd: Command,
        ) => {
          const ctx = ctxOf(cmd);
          const body = o.file
            ? readJson(o.file)
            : {
                ...(o.name ? { vnfInstanceName: o.name } : {}),
                ...(o.description ? { vnfInstanceDescription: o.description } : {}),
                ...(o.clickConfig
                  ? { vnfConfigurableProperties: { clickConfig: readFileSync(o.clickConfig, 'utf8') } }
                  : {}),
              };
          if (Object.keys(body).length === 0)
            throw new CliError('nothing to modify: give --name, --description, --click-config or --file');
          const etag = (await ctx.client().call('GET', `/vnflcm/v1/vnf_instances/${enc(id)}`)).headers['etag'];
          await task(
            ctx,
            `/vnflcm/v1/vnf_instances/${enc(id)}`,
            body,
            o.wait,
            'PATCH',
            etag ? { 'if-match': etag } : {},
          );
        },
      ),
    );
}
