import { readFileSync, statSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { Command } from 'commander';
import { CliError, saveSettings, removeSettings, VnfmClient } from '../api-client';
import { action, ctxOf, fields, print, table, waitOp, type Ctx } from '../output';
import { buildPackage, loadTypeLibrary } from '../../tosca';

type Obj = Record<string, unknown>;
const enc = encodeURIComponent;

/** -p k=v pairs into an object (values parsed as JSON when they are). */
function kv(value: string, prev: Obj = {}): Obj {
  const i = value.indexOf('=');
  if (i < 1) throw new CliError(`expected key=value, got '${value}'`);
  const raw = value.slice(i + 1);
  let v: unknown = raw;
  try {
    v = JSON.parse(raw);
  } catch {
    // a plain string
  }
  return { ...prev, [value.slice(0, i)]: v };
}
const collectList = (v: string, prev: string[] = []): string[] => [...prev, v];
function readJson(file: string): Obj {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Obj;
  } catch (err) {
    throw new CliError(`${file}: ${(err as Error).message}`);
  }
}

/** A lifecycle task: 202 + Location; then waits (progress line) unless --no-wait. */
async function task(ctx: Ctx, path: string, body: Obj, wait: boolean, method = 'POST', headers: Record<string, string> = {}): Promise<void> {
  const res = await ctx.client().call(method, path, { body, ok: [202], headers, ...(method === 'PATCH' ? { contentType: 'application/merge-patch+json' } : {}) });
  const location = res.headers['location'] ?? '';
  const opId = location.split('/').pop() ?? '';
  if (!wait) {
    print(ctx, { vnfLcmOpOccId: opId, location }, () => `started: op-occ ${opId}\n`);
    return;
  }
  const op = await waitOp(ctx, location);
  print(ctx, op, () => `${String(op['operation'])} COMPLETED (op-occ ${opId})\n`);
}

const INSTANCE_COLS = ['id', 'vnfInstanceName', 'vnfProductName', 'instantiationState', 'vnfState'];
const flat = (i: Obj): Obj => ({ ...i, vnfState: (i['instantiatedVnfInfo'] as Obj | undefined)?.['vnfState'] ?? '' });

/** The subcommands that talk to a running VNFM, mirroring `openstack vnflcm` and `openstack vnf package`. */
export function registerApi(program: Command): void {
  program.option('--json', 'print the API\'s JSON (machine-readable)').option('--settings <file>', 'the CLI settings file (default ~/.config/clickvnfm/config.json)');

  program
    .command('login')
    .description('configure the VNFM address and credentials once (stored with mode 0600); checks them')
    .requiredOption('--url <url>', 'the VNFM, e.g. http://127.0.0.1:9890')
    .option('--client-id <id>', 'OAuth 2.0 client id')
    .option('--client-secret <secret>', 'OAuth 2.0 client secret')
    .option('--user <user>', 'HTTP Basic user (instead of a client)')
    .option('--password <password>', 'HTTP Basic password')
    .action(
      action(async (o: { url: string; clientId?: string; clientSecret?: string; user?: string; password?: string }, cmd: Command) => {
        const ctx = ctxOf(cmd);
        const s = { url: o.url.replace(/\/+$/, ''), ...(o.clientId ? { clientId: o.clientId } : {}), ...(o.clientSecret ? { clientSecret: o.clientSecret } : {}), ...(o.user ? { user: o.user } : {}), ...(o.password ? { password: o.password } : {}) };
        if (!(s.clientId && s.clientSecret) && !(s.user && s.password)) throw new CliError('give --client-id and --client-secret, or --user and --password');
        await new VnfmClient(s).call('GET', '/vnflcm/v1/vnf_instances?nextpage_opaque_marker=', { ok: [200, 400] });
        saveSettings(ctx.config, s);
        print(ctx, { url: s.url, config: ctx.config }, () => `logged in to ${s.url} (settings in ${ctx.config})\n`);
      }),
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

  // ---- packages (the `package` command exists: build, validate) ----
  const pkg = program.commands.find((c) => c.name() === 'package') ?? program.command('package');
  pkg
    .command('upload <csarOrDir>')
    .description('create a VNF package and upload its CSAR (a directory is built first); waits until ONBOARDED and enables it')
    .option('--no-enable', 'leave it DISABLED')
    .option('--no-wait', 'return once the upload is accepted')
    .action(
      action(async (target: string, o: { enable: boolean; wait: boolean }, cmd: Command) => {
        const ctx = ctxOf(cmd);
        let csar: Buffer;
        if (statSync(target).isDirectory()) {
          const built = await buildPackage(target, loadTypeLibrary());
          if (!built.csar) throw new CliError(`${target} does not build: ${built.diagnostics.map((d) => `${d.file ?? ''}:${d.line ?? ''}:${d.column ?? ''}: ${d.message}`).join('; ')}`);
          csar = built.csar;
        } else csar = readFileSync(target);
        const c = ctx.client();
        const created = (await c.call<Obj>('POST', '/vnfpkgm/v1/vnf_packages', { body: {}, ok: [201] })).data;
        const id = String(created['id']);
        await c.call('PUT', `/vnfpkgm/v1/vnf_packages/${id}/package_content`, { body: csar, contentType: 'application/zip', ok: [202] });
        if (!o.wait) return print(ctx, created, () => `package ${id}: uploaded, onboarding\n`);
        let p: Obj = created;
        for (let i = 0; i < 600; i++) {
          p = (await c.call<Obj>('GET', `/vnfpkgm/v1/vnf_packages/${id}`)).data;
          if (p['onboardingState'] === 'ONBOARDED' || p['onboardingFailureDetails']) break;
          await delay(100);
        }
        if (p['onboardingState'] !== 'ONBOARDED') {
          const f = (p['onboardingFailureDetails'] ?? {}) as Obj;
          const errs = ((f['errors'] ?? []) as Obj[]).map((e) => `  ${e['file'] ? `${String(e['file'])}:${String(e['line'])}:${String(e['column'])}: ` : ''}${String(e['reason'])}`).join('\n');
          throw new CliError(`package ${id} was not onboarded: ${String(f['detail'] ?? p['onboardingState'])}${errs ? `\n${errs}` : ''}`, f);
        }
        if (o.enable) p = { ...p, ...(await c.call<Obj>('PATCH', `/vnfpkgm/v1/vnf_packages/${id}`, { body: { operationalState: 'ENABLED' }, contentType: 'application/merge-patch+json' })).data };
        print(ctx, p, () => `package ${id}: ONBOARDED, ${String(p['operationalState'])} (vnfdId ${String(p['vnfdId'])}, ${String(p['vnfProductName'])})\n`);
      }),
    );
  pkg
    .command('list')
    .description('list VNF packages')
    .option('--filter <sol013>', "e.g. '(eq,onboardingState,ONBOARDED)'")
    .action(
      action(async (o: { filter?: string }, cmd: Command) => {
        const ctx = ctxOf(cmd);
        const list = (await ctx.client().call<Obj[]>('GET', `/vnfpkgm/v1/vnf_packages${o.filter ? `?filter=${enc(o.filter)}` : ''}`)).data;
        print(ctx, list, () => table(list, ['id', 'vnfProductName', 'vnfdId', 'onboardingState', 'operationalState', 'usageState']));
      }),
    );
  pkg.command('show <id>').description('show a VNF package').action(
    action(async (id: string, _o: Obj, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const p = (await ctx.client().call<Obj>('GET', `/vnfpkgm/v1/vnf_packages/${enc(id)}`)).data;
      print(ctx, p, () => fields(p));
    }),
  );
  for (const [verb, state] of [['enable', 'ENABLED'], ['disable', 'DISABLED']] as const) {
    pkg.command(`${verb} <id>`).description(`${verb} a VNF package`).action(
      action(async (id: string, _o: Obj, cmd: Command) => {
        const ctx = ctxOf(cmd);
        const r = (await ctx.client().call<Obj>('PATCH', `/vnfpkgm/v1/vnf_packages/${enc(id)}`, { body: { operationalState: state }, contentType: 'application/merge-patch+json' })).data;
        print(ctx, r, () => `package ${id}: ${state}\n`);
      }),
    );
  }
  pkg.command('delete <id>').description('delete a (disabled, unused) VNF package').action(
    action(async (id: string, _o: Obj, cmd: Command) => {
      const ctx = ctxOf(cmd);
      await ctx.client().call('DELETE', `/vnfpkgm/v1/vnf_packages/${enc(id)}`, { ok: [204] });
      print(ctx, { deleted: id }, () => `package ${id} deleted\n`);
    }),
  );

  // ---- VNF instances ----
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
        const i = (await ctx.client().call<Obj>('POST', '/vnflcm/v1/vnf_instances', { body: { vnfdId: o.vnfdId, ...(o.name ? { vnfInstanceName: o.name } : {}), ...(o.description ? { vnfInstanceDescription: o.description } : {}) }, ok: [201] })).data;
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
      action(async (id: string, o: { flavour: string; level?: string; param?: Obj; file?: string; wait: boolean }, cmd: Command) => {
        const body = o.file ? readJson(o.file) : { flavourId: o.flavour, ...(o.level ? { instantiationLevelId: o.level } : {}), ...(o.param ? { additionalParams: o.param } : {}) };
        await task(ctxOf(cmd), `/vnflcm/v1/vnf_instances/${enc(id)}/instantiate`, body, o.wait);
      }),
    );
  vnf
    .command('list')
    .description('list VNF instances')
    .option('--filter <sol013>', "e.g. '(eq,instantiationState,INSTANTIATED)'")
    .action(
      action(async (o: { filter?: string }, cmd: Command) => {
        const ctx = ctxOf(cmd);
        const list = (await ctx.client().call<Obj[]>('GET', `/vnflcm/v1/vnf_instances${o.filter ? `?filter=${enc(o.filter)}` : ''}`)).data;
        print(ctx, list, () => table(list.map(flat), INSTANCE_COLS));
      }),
    );
  vnf.command('show <id>').description('show a VNF instance (with its VNFCs)').action(
    action(async (id: string, _o: Obj, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const i = (await ctx.client().call<Obj>('GET', `/vnflcm/v1/vnf_instances/${enc(id)}`)).data;
      print(ctx, i, () => {
        const vnfcs = (((i['instantiatedVnfInfo'] as Obj | undefined)?.['vnfcResourceInfo'] ?? []) as Obj[]).map((v) => ({ vnfc: v['id'], vduId: v['vduId'], ...(v['metadata'] as Obj) }));
        const { instantiatedVnfInfo: _x, _links: _l, ...rest } = i;
        void _x;
        void _l;
        return fields(flat(rest)) + (vnfcs.length ? `\n${table(vnfcs, ['vnfc', 'vduId', 'status', 'managementAddress'])}` : '');
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
        await task(ctxOf(cmd), `/vnflcm/v1/vnf_instances/${enc(id)}/terminate`, { terminationType: o.graceful ? 'GRACEFUL' : 'FORCEFUL', ...(o.graceful && o.timeout !== undefined ? { gracefulTerminationTimeout: o.timeout } : {}) }, o.wait);
      }),
    );
  vnf.command('delete <id>').description('delete a NOT_INSTANTIATED VNF instance').action(
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
        await task(ctxOf(cmd), `/vnflcm/v1/vnf_instances/${enc(id)}/scale`, { type: o.type === 'out' ? 'SCALE_OUT' : 'SCALE_IN', aspectId: o.aspect, numberOfSteps: o.steps }, o.wait);
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
        await task(ctxOf(cmd), `/vnflcm/v1/vnf_instances/${enc(id)}/heal`, { ...(o.vnfc ? { vnfcInstanceId: o.vnfc } : {}), ...(o.cause ? { cause: o.cause } : {}) }, o.wait);
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
        if (to !== 'STARTED' && to !== 'STOPPED') throw new CliError(`--state must be started or stopped (got '${o.state}')`);
        await task(ctxOf(cmd), `/vnflcm/v1/vnf_instances/${enc(id)}/operate`, { changeStateTo: to, ...(o.stopType ? { stopType: o.stopType.toUpperCase() } : {}) }, o.wait);
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
      action(async (id: string, o: { name?: string; description?: string; clickConfig?: string; file?: string; wait: boolean }, cmd: Command) => {
        const ctx = ctxOf(cmd);
        const body = o.file ? readJson(o.file) : { ...(o.name ? { vnfInstanceName: o.name } : {}), ...(o.description ? { vnfInstanceDescription: o.description } : {}), ...(o.clickConfig ? { vnfConfigurableProperties: { clickConfig: readFileSync(o.clickConfig, 'utf8') } } : {}) };
        if (Object.keys(body).length === 0) throw new CliError('nothing to modify: give --name, --description, --click-config or --file');
        const etag = (await ctx.client().call('GET', `/vnflcm/v1/vnf_instances/${enc(id)}`)).headers['etag'];
        await task(ctx, `/vnflcm/v1/vnf_instances/${enc(id)}`, body, o.wait, 'PATCH', etag ? { 'if-match': etag } : {});
      }),
    );

  // ---- op-occs ----
  const op = program.command('op').description('lifecycle operation occurrences');
  op.command('list')
    .option('--filter <sol013>', "e.g. '(eq,operationState,FAILED_TEMP)'")
    .description('list op-occs')
    .action(
      action(async (o: { filter?: string }, cmd: Command) => {
        const ctx = ctxOf(cmd);
        const list = (await ctx.client().call<Obj[]>('GET', `/vnflcm/v1/vnf_lcm_op_occs${o.filter ? `?filter=${enc(o.filter)}` : ''}`)).data;
        print(ctx, list, () => table(list, ['id', 'operation', 'operationState', 'vnfInstanceId', 'startTime']));
      }),
    );
  op.command('show <id>').description('show an op-occ (with its error)').action(
    action(async (id: string, _o: Obj, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const o = (await ctx.client().call<Obj>('GET', `/vnflcm/v1/vnf_lcm_op_occs/${enc(id)}`)).data;
      print(ctx, o, () => fields(o));
    }),
  );
  for (const verb of ['retry', 'rollback', 'fail', 'cancel'] as const) {
    op.command(`${verb} <id>`)
      .option('--no-wait', 'return at once')
      .description(`${verb} an op-occ in FAILED_TEMP${verb === 'cancel' ? ' (or one that is STARTING/PROCESSING)' : ''}`)
      .action(
        action(async (id: string, o: { wait: boolean }, cmd: Command) => {
          const ctx = ctxOf(cmd);
          const path = `/vnflcm/v1/vnf_lcm_op_occs/${enc(id)}`;
          const res = await ctx.client().call<Obj>('POST', `${path}/${verb}`, { ok: [200, 202] });
          if (verb === 'fail' || !o.wait) return print(ctx, res.data ?? { id }, () => `${verb}: op-occ ${id} ${verb === 'fail' ? 'FAILED' : 'accepted'}\n`);
          const done = await waitOp(ctx, path).catch((err: unknown) => {
            if (verb === 'rollback' && err instanceof CliError && /ROLLED_BACK/.test(err.message)) return { operationState: 'ROLLED_BACK', id };
            throw err;
          });
          print(ctx, done, () => `${verb}: op-occ ${id} ${String(done['operationState'])}\n`);
        }),
      );
  }

  // ---- subscriptions ----
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
          authentication = { authType: ['OAUTH2_CLIENT_CREDENTIALS'], paramsOauth2ClientCredentials: { clientId: m[1], clientPassword: m[2], tokenEndpoint: m[3] } };
        }
        const body = { callbackUri: o.callback, ...(o.filterFile ? { filter: readJson(o.filterFile) } : {}), ...(authentication ? { authentication } : {}) };
        const s = (await ctx.client().call<Obj>('POST', '/vnflcm/v1/subscriptions', { body, ok: [201] })).data;
        print(ctx, s, () => `subscription ${String(s['id'])} created for ${o.callback}\n`);
      }),
    );
  sub.command('list').description('list subscriptions').action(
    action(async (_o: Obj, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const list = (await ctx.client().call<Obj[]>('GET', '/vnflcm/v1/subscriptions')).data;
      print(ctx, list, () => table(list, ['id', 'callbackUri']));
    }),
  );
  sub.command('delete <id>').description('delete a subscription').action(
    action(async (id: string, _o: Obj, cmd: Command) => {
      const ctx = ctxOf(cmd);
      await ctx.client().call('DELETE', `/vnflcm/v1/subscriptions/${enc(id)}`, { ok: [204] });
      print(ctx, { deleted: id }, () => `subscription ${id} deleted\n`);
    }),
  );
}
