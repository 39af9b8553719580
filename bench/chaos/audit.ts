import { setTimeout as delay } from 'node:timers/promises';
import Redis from 'ioredis';
import { RedisVnfInstanceRepository } from '../../src/store';
import type { ChaosClient } from './client';
import type { FinalOpOcc } from './notifications';

const LCM = '/vnflcm/v1';
const RUNNING = ['STARTING', 'PROCESSING', 'ROLLING_BACK'];
const FINAL = ['COMPLETED', 'FAILED', 'ROLLED_BACK'];

export interface OpOccDoc extends FinalOpOcc {
  error?: { detail?: string; title?: string; status?: number };
}
interface InstanceDoc {
  id: string;
  instantiationState: string;
  instantiatedVnfInfo?: { vnfcResourceInfo?: Array<{ id: string; computeResource: { resourceId: string } }> };
}
interface Server {
  id: string;
  name: string;
  instanceId: string;
}

export interface StateAudit {
  opOccs: OpOccDoc[];
  instances: InstanceDoc[];
  servers: number;
  byState: Record<string, number>;
  stuck: string[];
  leaked: string[];
  duplicates: string[];
  violations: string[];
}

/** Waits (up to `ms`) until no op-occ is running: whatever still runs after that is stuck. */
export async function settle(c: ChaosClient, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ops = await c.list<OpOccDoc>(`${LCM}/vnf_lcm_op_occs`);
    if (!ops.some((o) => RUNNING.includes(o.operationState))) return;
    await delay(1000);
  }
}

/**
 * The VNFM's state against the cloud's, once everything settled:
 * - stuck: an op-occ still STARTING, PROCESSING or ROLLING_BACK; a FAILED_TEMP one without a cause (it cannot be
 *   resolved knowingly); an instance locked by an op-occ that is gone or final (no operation could start on it);
 * - leaked: a server of the cloud whose instance is not INSTANTIATED in the VNFM (or does not exist);
 * - duplicates: two servers with one name (instance, VDU, index); an instance whose last op-occ COMPLETED and
 *   whose servers are not exactly the VNFC resources it records (one more is a duplicate, one less a phantom).
 */
export async function auditState(c: ChaosClient, cloudUrl: string, redisUrl: string, prefix: string) {
  const opOccs = await c.list<OpOccDoc>(`${LCM}/vnf_lcm_op_occs?all_fields`);
  const instances = await c.list<InstanceDoc>(`${LCM}/vnf_instances`);
  const servers = (await (await fetch(`${cloudUrl}/servers`)).json()) as Server[];
  const a: StateAudit = {
    opOccs,
    instances,
    servers: servers.length,
    byState: {},
    stuck: [],
    leaked: [],
    duplicates: [],
    violations: [],
  };
  const ops = new Map(opOccs.map((o) => [o.id, o]));
  for (const o of opOccs) {
    a.byState[o.operationState] = (a.byState[o.operationState] ?? 0) + 1;
    if (RUNNING.includes(o.operationState)) a.stuck.push(`op-occ ${o.id} (${o.operation}) is ${o.operationState}`);
    if (o.operationState === 'FAILED_TEMP' && !o.error?.detail)
      a.stuck.push(`op-occ ${o.id} (${o.operation}) is FAILED_TEMP without a cause`);
  }
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  try {
    const repo = new RedisVnfInstanceRepository(redis, prefix);
    for (const inst of instances) {
      const active = await repo.activeOperation(inst.id);
      if (active === undefined) continue;
      const op = ops.get(active);
      if (op === undefined || FINAL.includes(op.operationState))
        a.stuck.push(
          `instance ${inst.id} is locked by op-occ ${active}, ${op?.operationState ?? 'which does not exist'}`,
        );
    }
  } finally {
    redis.disconnect();
  }
  const byId = new Map(instances.map((i) => [i.id, i]));
  const names = new Map<string, number>();
  for (const s of servers) {
    names.set(s.name, (names.get(s.name) ?? 0) + 1);
    const inst = byId.get(s.instanceId);
    if (inst?.instantiationState !== 'INSTANTIATED')
      a.leaked.push(`server ${s.name} (${s.id}): instance ${inst === undefined ? 'gone' : inst.instantiationState}`);
  }
  for (const [name, n] of names) if (n > 1) a.duplicates.push(`${n} servers named ${name}`);
  for (const inst of instances) {
    if (inst.instantiationState !== 'INSTANTIATED') continue;
    const last = opOccs
      .filter((o) => o.vnfInstanceId === inst.id)
      .sort((x, y) => x.startTime.localeCompare(y.startTime))
      .pop();
    if (last?.operationState !== 'COMPLETED') continue; // a given-up (FAILED) operation may leave anything
    const recorded = new Set(
      (inst.instantiatedVnfInfo?.vnfcResourceInfo ?? []).map((v) => v.computeResource.resourceId),
    );
    const actual = new Set(servers.filter((s) => s.instanceId === inst.id).map((s) => s.id));
    for (const id of actual) if (!recorded.has(id)) a.duplicates.push(`instance ${inst.id}: server ${id} not recorded`);
    for (const id of recorded) if (!actual.has(id)) a.duplicates.push(`instance ${inst.id}: VNFC ${id} has no server`);
  }
  return a;
}
