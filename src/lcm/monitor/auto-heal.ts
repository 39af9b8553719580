/**
 * Auto-heal: a VNFC whose alarm stays active is healed by a normal HEAL operation (isAutomaticInvocation true,
 * an op-occ like any other), after a backoff that doubles with every automatic heal of that VNFC, at most
 * `maxAttempts` within `windowMs`; the VNFCs of one instance due together are healed by one operation (one
 * operation at a time per instance: the instance's lock).
 */
import type { StoredAlarm } from '../../domain/alarm';
import type { VnfcResourceInfo, VnfInstance } from '../../domain/vnf-instance';
import { InstanceBusyError } from '../../errors';
import type { MonitorStore } from '../../ports/monitoring';
import type { LcmDeps } from '../deps';
import { startOperation } from '../occurrences';

import { HEAL_CAUSES, type HealCause } from '../../tosca';

/** What an AutoHeal policy of the VNFD (AutoHealModel) or the instance's own choice says. */
export interface AutoHealRule {
  /** The VDUs whose VNFCs it heals (all when empty). */
  vduIds: string[];
  causes: readonly HealCause[];
  maxAttempts: number;
  backoffMs: number;
  windowMs: number;
}

/**
 * The instance's own choice wins over its VNFD's: `extensions.autoHeal` false turns auto-heal off, an object
 * (`{causes?, maxAttempts?, backoffSeconds?, windowSeconds?}`) turns it on for every VDU (PATCH the instance
 * to change it; docs/fault-management.md).
 */
export function autoHealRules(inst: VnfInstance, fromVnfd: AutoHealRule[]): AutoHealRule[] {
  const x = inst.extensions?.['autoHeal'];
  if (x === false) return [];
  if (x === true) return [{ vduIds: [], causes: HEAL_CAUSES, maxAttempts: 3, backoffMs: 30_000, windowMs: 3_600_000 }];
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return fromVnfd;
  const o = x as Record<string, unknown>;
  const num = (k: string, d: number): number => (typeof o[k] === 'number' && Number.isFinite(o[k]) ? o[k] : d);
  const causes = Array.isArray(o['causes'])
    ? HEAL_CAUSES.filter((c) => (o['causes'] as unknown[]).includes(c))
    : HEAL_CAUSES;
  return [
    {
      vduIds: [],
      causes,
      maxAttempts: Math.max(1, Math.floor(num('maxAttempts', 3))),
      backoffMs: Math.max(0, num('backoffSeconds', 30) * 1000),
      windowMs: Math.max(1000, num('windowSeconds', 3600) * 1000),
    },
  ];
}

export interface HealDecision {
  vnfcIds: string[];
  /** Where the heals are counted: the VNFC's place (its VM's name), which outlives its id (a heal replaces it). */
  slots: string[];
  alarms: StoredAlarm[];
}

function slotOf(vnfc: VnfcResourceInfo): string {
  const name = vnfc.metadata?.['name'];
  return typeof name === 'string' && name !== '' ? name : vnfc.id;
}

/** The VNFCs due for an automatic heal now. */
export async function dueForHeal(
  store: MonitorStore,
  inst: VnfInstance,
  active: Map<string, StoredAlarm>,
  rules: AutoHealRule[],
  nowMs: number,
): Promise<HealDecision> {
  const out: HealDecision = { vnfcIds: [], slots: [], alarms: [] };
  if (rules.length === 0) return out;
  const vnfcs = new Map((inst.instantiatedVnfInfo?.vnfcResourceInfo ?? []).map((v) => [v.id, v]));
  for (const [key, alarm] of active) {
    const slash = key.indexOf('/');
    const [vnfcId, cause] = [key.slice(0, slash), key.slice(slash + 1)];
    const vnfc = vnfcs.get(vnfcId);
    if (vnfc === undefined || out.vnfcIds.includes(vnfcId)) continue;
    const vduId = vnfc.vduId;
    const rule = rules.find(
      (r) => (r.vduIds.length === 0 || r.vduIds.includes(vduId)) && r.causes.includes(cause as HealCause),
    );
    if (rule === undefined) continue;
    const recent = (await store.automaticRuns(inst.id, slotOf(vnfc))).filter((t) => t > nowMs - rule.windowMs);
    if (recent.length >= rule.maxAttempts) continue;
    const since = Math.max(Date.parse(alarm.alarmRaisedTime), recent[recent.length - 1] ?? 0);
    if (nowMs - since < rule.backoffMs * 2 ** recent.length) continue;
    out.vnfcIds.push(vnfcId);
    out.slots.push(slotOf(vnfc));
    out.alarms.push(alarm);
  }
  return out;
}

/** Starts the HEAL of the VNFCs (one operation); false when another operation holds the instance. */
export async function startAutoHeal(
  deps: LcmDeps,
  store: MonitorStore,
  inst: VnfInstance,
  due: HealDecision,
  nowMs: number,
  windowMs: number,
): Promise<string | undefined> {
  if (due.vnfcIds.length === 0) return undefined;
  const cause = `auto-heal: ${due.alarms.map((a) => `${a.probableCause} (alarm ${a.id})`).join(', ')}`;
  try {
    const op = await startOperation(deps, inst.id, 'HEAL', { vnfcInstanceId: due.vnfcIds, cause }, { automatic: true });
    for (const slot of due.slots) await store.recordAutomaticRun(inst.id, slot, nowMs, nowMs - windowMs);
    return op.id;
  } catch (err) {
    if (err instanceof InstanceBusyError) return undefined;
    throw err;
  }
}
