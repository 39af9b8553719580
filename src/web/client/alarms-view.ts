/**
 * The console's alarms (VNF Fault Management, /vnffm/v1/alarms): the active ones of every instance (#/alarms) or of
 * one instance (on its page), with severity, probable cause, the VNFCs, when raised, the fault details and the
 * acknowledgement; Acknowledge PATCHes ackState. Both refresh every few seconds.
 */
import { api } from './api';
import { app, button, every, h, say, table, type Obj } from './ui';

const REFRESH_MS = 2000;

/** The active (not cleared) alarms, of one instance when `instanceId` is given, newest first. */
async function activeAlarms(instanceId?: string): Promise<Obj[]> {
  const active = '(neq,perceivedSeverity,CLEARED)';
  const filter = instanceId !== undefined ? `(eq,managedObjectId,${instanceId});${active}` : active;
  const list = (await api<Obj[]>('GET', `/vnffm/v1/alarms?filter=${encodeURIComponent(filter)}`)).body;
  return list.sort((a, b) => String(b['alarmRaisedTime']).localeCompare(String(a['alarmRaisedTime'])));
}

/** The alarms table; `withInstance` adds the instance column (the all-instances view). */
function alarmsTable(alarms: Obj[], id: string, withInstance: boolean, refresh: () => Promise<void>): HTMLElement {
  const ack = (a: Obj): Node => {
    const acked = a['ackState'] === 'ACKNOWLEDGED';
    const state = h('span', { class: `ack ${acked ? 'acknowledged' : 'unacknowledged'}` }, String(a['ackState']));
    if (acked) return h('span', {}, state, h('small', {}, ` ${String(a['alarmAcknowledgedTime'] ?? '')}`));
    return h(
      'span',
      {},
      state,
      ' ',
      button('Acknowledge', `ack-${String(a['id'])}`, async () => {
        const merge = { 'content-type': 'application/merge-patch+json' };
        await api('PATCH', `/vnffm/v1/alarms/${String(a['id'])}`, { ackState: 'ACKNOWLEDGED' }, merge);
        say(`alarm ${String(a['id'])} acknowledged`);
        await refresh();
      }),
    );
  };
  const instance = (a: Obj): Node =>
    h('a', { href: `#/instance/${String(a['managedObjectId'])}` }, String(a['managedObjectId']));
  return table(
    alarms,
    [
      [
        'severity',
        (a) => h('span', { class: `sev ${String(a['perceivedSeverity'])}` }, String(a['perceivedSeverity'])),
      ],
      ['probable cause', (a) => `${String(a['probableCause'])} (${String(a['eventType'])})`],
      ...(withInstance ? ([['instance', instance]] as Array<[string, (a: Obj) => Node]>) : []),
      ['VNFC', (a) => ((a['vnfcInstanceIds'] ?? []) as string[]).join(', ')],
      ['raised', (a) => String(a['alarmRaisedTime'])],
      ['fault details', (a) => h('pre', { class: 'details' }, ((a['faultDetails'] ?? []) as string[]).join('\n'))],
      ['acknowledged', ack],
    ],
    id,
  );
}

/** Keeps `host` showing the active alarms (of `instanceId`, or all), refreshed every REFRESH_MS. */
function liveAlarms(host: HTMLElement, id: string, onLeave: (stop: () => void) => void, instanceId?: string): void {
  const refresh = async (): Promise<void> => {
    const alarms = await activeAlarms(instanceId);
    host.replaceChildren(
      alarms.length === 0
        ? h('p', { id, class: 'no-alarms' }, 'no active alarms')
        : alarmsTable(alarms, id, instanceId === undefined, refresh),
    );
  };
  every(REFRESH_MS, refresh, onLeave);
}

/** #/alarms: the active alarms of every instance. */
export function alarmsView(onLeave: (stop: () => void) => void): void {
  const host = h('div', { class: 'alarms' });
  app.replaceChildren(h('h2', {}, 'Active alarms'), host);
  liveAlarms(host, 'alarms', onLeave);
}

/** The active alarms of instance `id`, on its page. */
export function instanceAlarms(id: string, onLeave: (stop: () => void) => void): Node[] {
  const host = h('div', { class: 'alarms' });
  liveAlarms(host, 'instance-alarms', onLeave, id);
  return [h('h3', {}, 'Alarms'), host];
}
