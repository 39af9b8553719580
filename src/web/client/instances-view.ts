/** The console's VNF instance list and instance page: state, operate / terminate / delete, alarms, LCM operations. */
import { api, task } from './api';
import { app, button, h, table, waitOp, type Obj, type Route } from './ui';
import { instanceAlarms } from './alarms-view';
import { performanceLink } from './pm-view';
import { vnfcSection } from './vnfc-view';

export async function instancesView(): Promise<void> {
  const list = (await api<Obj[]>('GET', '/vnflcm/v1/vnf_instances')).body;
  app.replaceChildren(
    h('h2', {}, 'VNF instances'),
    table(
      list,
      [
        ['name', (i) => h('a', { href: `#/instance/${String(i['id'])}` }, String(i['vnfInstanceName'] ?? i['id']))],
        ['product', (i) => String(i['vnfProductName'])],
        ['state', (i) => String(i['instantiationState'])],
        ['NF', (i) => String((i['instantiatedVnfInfo'] as Obj | undefined)?.['vnfState'] ?? '')],
      ],
      'instances',
    ),
  );
}

/** The operations table; a FAILED_TEMP operation gets retry / rollback / fail buttons. */
function opsTable(ops: Obj[], route: Route): HTMLElement {
  const opRow = (o: Obj): Node => {
    if (o['operationState'] !== 'FAILED_TEMP') return h('span');
    const act = (verb: string): HTMLElement =>
      button(verb, `${verb}-${String(o['id'])}`, async () => {
        await api('POST', `/vnflcm/v1/vnf_lcm_op_occs/${String(o['id'])}/${verb}`);
        if (verb !== 'fail') await waitOp(`/vnflcm/v1/vnf_lcm_op_occs/${String(o['id'])}`, verb);
        await route();
      });
    return h('span', {}, act('retry'), act('rollback'), act('fail'));
  };
  return table(
    ops,
    [
      ['operation', (o) => String(o['operation'])],
      ['state', (o) => String(o['operationState'])],
      ['started', (o) => String(o['startTime'])],
      ['error', (o) => String((o['error'] as Obj | undefined)?.['detail'] ?? '')],
      ['', opRow],
    ],
    'ops',
  );
}

/** Start NF, Stop NF, Shutdown VM and Terminate of an instantiated instance at `base`. */
function instantiatedActions(base: string, route: Route): HTMLElement {
  const operate = (label: string, bid: string, body: Obj): HTMLElement =>
    button(label, bid, async () => {
      await waitOp(await task('POST', `${base}/operate`, body), label);
      await route();
    });
  return h(
    'div',
    { class: 'actions' },
    operate('Start NF', 'start-nf', { changeStateTo: 'STARTED' }),
    operate('Stop NF', 'stop-nf', { changeStateTo: 'STOPPED', stopType: 'GRACEFUL' }),
    operate('Shutdown VM', 'shutdown-vm', {
      changeStateTo: 'STOPPED',
      stopType: 'GRACEFUL',
      additionalParams: { vmPower: true },
    }),
    button('Terminate', 'terminate', async () => {
      await waitOp(await task('POST', `${base}/terminate`, { terminationType: 'FORCEFUL' }), 'TERMINATE');
      await route();
    }),
  );
}

/** Instantiate and Delete of a not instantiated instance at `base`. */
function notInstantiatedActions(base: string, route: Route): HTMLElement {
  return h(
    'div',
    { class: 'actions' },
    button('Instantiate', 'instantiate', async () => {
      await waitOp(await task('POST', `${base}/instantiate`, { flavourId: 'simple' }), 'INSTANTIATE');
      await route();
    }),
    button('Delete', 'delete', async () => {
      await api('DELETE', base);
      location.hash = '#/instances';
    }),
  );
}

export async function instanceView(id: string, route: Route, onLeave: (stop: () => void) => void): Promise<void> {
  const res = await api<Obj>('GET', `/vnflcm/v1/vnf_instances/${id}`);
  const inst = res.body;
  const info = inst['instantiatedVnfInfo'] as Obj | undefined;
  const ops = (
    await api<Obj[]>('GET', `/vnflcm/v1/vnf_lcm_op_occs?filter=${encodeURIComponent(`(eq,vnfInstanceId,${id})`)}`)
  ).body.sort((a, b) => String(b['startTime']).localeCompare(String(a['startTime'])));
  const base = `/vnflcm/v1/vnf_instances/${id}`;
  const header = h(
    'div',
    { class: 'instance-head' },
    h('h2', {}, `${String(inst['vnfInstanceName'] ?? id)} `, h('small', {}, id)),
    h(
      'p',
      { id: 'instance-state' },
      `${String(inst['instantiationState'])}${info ? ` · NF ${String(info['vnfState'])}` : ''}`,
    ),
    performanceLink(id),
  );
  const running = ops.find((o) => ['STARTING', 'PROCESSING', 'ROLLING_BACK'].includes(String(o['operationState'])));
  const parts: Node[] = [
    header,
    h(
      'p',
      { id: 'running-op' },
      running
        ? `running: ${String(running['operation'])} (${String(running['operationState'])})`
        : 'no operation running',
    ),
  ];
  if (inst['instantiationState'] === 'INSTANTIATED') {
    parts.push(instantiatedActions(base, route), ...(await vnfcSection(id, inst, route, onLeave)));
  } else {
    parts.push(notInstantiatedActions(base, route));
  }
  parts.push(...instanceAlarms(id, onLeave), h('h3', {}, 'Operations'), opsTable(ops, route));
  app.replaceChildren(...parts);
}
