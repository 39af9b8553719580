/**
 * What is a fault, and the alarms that follow: from one observation of an instance's VNFCs, the conditions
 * in force (the root cause only: a VM that is not ACTIVE is not also an API that does not answer), raised
 * as alarms when new and cleared when gone, each with its notification.
 * @see SOL003 7.5.2.4 (Alarm), docs/fault-management.md
 */
import { randomUUID } from 'node:crypto';
import type { EventType, PerceivedSeverity, StoredAlarm } from '../../domain/alarm';
import type { VnfInstance } from '../../domain/vnf-instance';
import type { AlarmStore, FaultNotifier } from '../../ports/fm';
import type { VnfcSample } from '../../ports/monitoring';
import type { VnfcObservation } from './observe';

/** The causes the monitor raises alarms for (an element rule's cause is `drops:<element>.<handler>`). */
export type FaultCause = 'vm_not_active' | 'api_unreachable' | 'nf_not_running' | 'nf_boot_config' | `drops:${string}`;

/** A Click element handler whose growth per second past `threshold` is an alarm (e.g. a drop counter). */
export interface ElementAlarmRule {
  /** The VDUs it applies to (all when empty). */
  vduIds: string[];
  /** An element name, or `*` for every element that has the handler. */
  element: string;
  handler: string;
  threshold: number;
  severity: PerceivedSeverity;
  probableCause: string;
}

export interface Condition {
  /** `<vnfcId>/<cause>`: one active alarm per condition. */
  key: string;
  cause: FaultCause;
  vnfcId: string;
  severity: PerceivedSeverity;
  eventType: EventType;
  probableCause: string;
  faultType: string;
  details: string[];
}

/** Growth per second of every element handler between two samples of one VNFC. */
function rates(now: VnfcSample, before: VnfcSample | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (before?.el === undefined || now.el === undefined || now.t <= before.t) return out;
  const prev = new Map(before.el.map(([e, h, v]) => [`${e}.${h}`, v]));
  for (const [e, h, v] of now.el) {
    const p = prev.get(`${e}.${h}`);
    if (p !== undefined && v >= p) out.set(`${e}.${h}`, ((v - p) * 1000) / (now.t - before.t));
  }
  return out;
}

/**
 * The conditions in force on one VNFC, root cause first and alone. Of an instance operated to STOPPED
 * (`stopped`) only a VM in ERROR or gone is a fault: a stopped Click, or a VM powered off, is what was asked.
 */
export function conditionsOf(
  o: VnfcObservation,
  previous: VnfcSample | undefined,
  rules: ElementAlarmRule[],
  stopped = false,
): Condition[] {
  const id = o.vnfc.id;
  const make = (cause: FaultCause, c: Omit<Condition, 'key' | 'cause' | 'vnfcId'>): Condition => ({
    key: `${id}/${cause}`,
    cause,
    vnfcId: id,
    ...c,
  });
  const s = o.sample;
  if (stopped && s.vm !== 'ERROR' && s.vm !== 'MISSING') return [];
  if (s.vm !== 'ACTIVE') {
    const resource = o.vnfc.computeResource.resourceId;
    const what = s.vm === 'MISSING' ? `server ${resource} is gone from the VIM` : `server ${resource} is ${s.vm}`;
    return [
      make('vm_not_active', {
        severity: 'CRITICAL',
        eventType: 'EQUIPMENT_ALARM',
        probableCause: 'vm-not-active',
        faultType: 'VM_NOT_ACTIVE',
        details: [what],
      }),
    ];
  }
  if (!s.api)
    return [
      make('api_unreachable', {
        severity: 'CRITICAL',
        eventType: 'COMMUNICATIONS_ALARM',
        probableCause: 'management-api-unreachable',
        faultType: 'API_UNREACHABLE',
        details: [o.apiError ?? 'the in-VM management API did not answer'],
      }),
    ];
  if (!s.nf)
    return [
      make('nf_not_running', {
        severity: 'CRITICAL',
        eventType: 'PROCESSING_ERROR_ALARM',
        probableCause: 'click-not-running',
        faultType: 'NF_NOT_RUNNING',
        details: ['Click is not running', ...(o.clickError !== undefined ? [o.clickError] : [])],
      }),
    ];
  const out: Condition[] = [];
  if (s.boot === true)
    out.push(
      make('nf_boot_config', {
        severity: 'MAJOR',
        eventType: 'PROCESSING_ERROR_ALARM',
        probableCause: 'click-boot-configuration',
        faultType: 'NF_BOOT_CONFIGURATION',
        details: [
          'Click runs as the image started it at boot, with the configuration its disk held: the VM restarted ' +
            'since the VNFM last started Click (a configuration written less than ~5 s before a power loss is ' +
            "lost); a HEAL pushes the instance's configuration again",
        ],
      }),
    );
  const grown = rates(s, previous);
  for (const rule of rules) {
    if (rule.vduIds.length > 0 && !rule.vduIds.includes(o.vnfc.vduId)) continue;
    for (const [name, perSecond] of grown) {
      const dot = name.lastIndexOf('.');
      const [element, handler] = [name.slice(0, dot), name.slice(dot + 1)];
      if (handler !== rule.handler || (rule.element !== '*' && rule.element !== element)) continue;
      if (perSecond <= rule.threshold) continue;
      out.push(
        make(`drops:${name}`, {
          severity: rule.severity,
          eventType: 'QOS_ALARM',
          probableCause: rule.probableCause,
          faultType: 'ELEMENT_THRESHOLD',
          details: [`${name} grows ${perSecond.toFixed(1)}/s (threshold ${rule.threshold}/s)`],
        }),
      );
    }
  }
  return out;
}

export interface AlarmChanges {
  raised: StoredAlarm[];
  cleared: StoredAlarm[];
  /** The active alarms after the changes, by condition. */
  active: Map<string, StoredAlarm>;
}

/**
 * Raises the conditions that have no active alarm and clears the active alarms whose condition is gone, of the
 * VNFCs observed (`observed`: an alarm of a VNFC that was not looked at stays) and of the VNFCs the instance no
 * longer has (a heal replaced it), notifying each change in order.
 */
export async function settleAlarms(
  alarms: AlarmStore,
  notifier: FaultNotifier,
  inst: VnfInstance,
  conditions: Condition[],
  observed: Set<string>,
  at: string,
): Promise<AlarmChanges> {
  const active = await alarms.active(inst.id);
  const changes: AlarmChanges = { raised: [], cleared: [], active };
  const wanted = new Set(conditions.map((c) => c.key));
  const vnfcs = new Map((inst.instantiatedVnfInfo?.vnfcResourceInfo ?? []).map((v) => [v.id, v]));
  for (const key of [...active.keys()]) {
    const vnfcId = key.slice(0, key.indexOf('/'));
    // a VNFC not looked at keeps its alarms; one that is gone (healed: replaced, or scaled in) does not
    if (wanted.has(key) || (!observed.has(vnfcId) && vnfcs.has(vnfcId))) continue;
    const cleared = await alarms.clear(inst.id, key, at);
    active.delete(key);
    if (cleared === undefined) continue;
    changes.cleared.push(cleared);
    await notifier.alarmCleared(cleared);
  }
  for (const c of conditions) {
    if (active.has(c.key)) continue;
    const vnfc = vnfcs.get(c.vnfcId);
    const alarm: StoredAlarm = {
      id: randomUUID(),
      managedObjectId: inst.id,
      vnfcInstanceIds: [c.vnfcId],
      ...(vnfc !== undefined
        ? { rootCauseFaultyResource: { faultyResource: vnfc.computeResource, faultyResourceType: 'COMPUTE' } }
        : {}),
      alarmRaisedTime: at,
      ackState: 'UNACKNOWLEDGED',
      perceivedSeverity: c.severity,
      eventTime: at,
      eventType: c.eventType,
      faultType: c.faultType,
      probableCause: c.probableCause,
      isRootCause: true,
      faultDetails: c.details,
    };
    const r = await alarms.raise(c.key, alarm);
    active.set(c.key, r.alarm);
    if (!r.raised) continue;
    changes.raised.push(r.alarm);
    await notifier.alarmRaised(r.alarm);
  }
  return changes;
}

/** Clears every active alarm of an instance (terminated or deleted: its resources are gone). */
export async function clearAll(
  alarms: AlarmStore,
  notifier: FaultNotifier,
  vnfInstanceId: string,
  at: string,
): Promise<StoredAlarm[]> {
  const out: StoredAlarm[] = [];
  for (const key of (await alarms.active(vnfInstanceId)).keys()) {
    const cleared = await alarms.clear(vnfInstanceId, key, at);
    if (cleared === undefined) continue;
    out.push(cleared);
    await notifier.alarmCleared(cleared);
  }
  return out;
}
