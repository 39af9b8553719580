import { setTimeout as delay } from 'node:timers/promises';
import type { ChaosClient } from './client';

const LCM = '/vnflcm/v1';
/** The operations whose FAILED_TEMP may be rolled back (the others are retried, then failed). */
const ROLLBACK = new Set(['INSTANTIATE', 'SCALE']);

interface OpOcc {
  id: string;
  operation: string;
  operationState: string;
  error?: { detail?: string; title?: string };
}
interface Instance {
  id: string;
  vnfInstanceName?: string;
  instantiationState?: string;
  instantiatedVnfInfo?: { vnfcResourceInfo?: Array<{ id: string }> };
}

export interface LaneOptions {
  vnfdIds: string[];
  /** Lanes stop starting cycles after this time (ms since the epoch) once every fault was injected... */
  until: number;
  faults: { done: boolean };
  /** ...or once this many operations were started by all lanes together. */
  maxOps: number;
  /** An op-occ that stays in one non-final state this long is reported stuck. */
  stuckMs: number;
  /** Retries of a FAILED_TEMP op-occ before it is rolled back (INSTANTIATE, SCALE) or failed. */
  maxRetries: number;
}

/** What the lanes did, and what they saw that an NFVO should never see. */
export interface LaneStats {
  cycles: number;
  started: number;
  outcomes: Record<string, number>;
  retries: number;
  rollbacks: number;
  fails: number;
  /** Requests whose answer was lost (connection dropped, 5xx): the lane found out what happened by reading. */
  unknownAnswers: number;
  /** Op-occs a lane found by listing after an unknown answer. */
  adopted: number;
  /** Instances created twice by a lane's repeated POST after a lost answer (deleted again). */
  repeatedCreates: number;
  instances: Set<string>;
  violations: string[];
}

export function newLaneStats(): LaneStats {
  return {
    cycles: 0,
    started: 0,
    outcomes: {},
    retries: 0,
    rollbacks: 0,
    fails: 0,
    unknownAnswers: 0,
    adopted: 0,
    repeatedCreates: 0,
    instances: new Set(),
    violations: [],
  };
}

type Outcome = 'COMPLETED' | 'FAILED' | 'ROLLED_BACK' | 'stuck' | 'refused';

/**
 * One lane, as an NFVO drives one VNF at a time: create, instantiate, scale out, heal, scale in, terminate,
 * delete, again and again. A lost answer is never taken as a failure: the lane reads what happened (the op-occ
 * started, the instance created) before it asks again. A FAILED_TEMP op-occ is retried, then rolled back or failed.
 */
export class Lane {
  private readonly seen = new Set<string>();

  constructor(
    private readonly n: number,
    private readonly c: ChaosClient,
    private readonly o: LaneOptions,
    private readonly s: LaneStats,
  ) {}

  private more(): boolean {
    return (Date.now() < this.o.until || !this.o.faults.done) && this.s.started < this.o.maxOps;
  }

  async run(): Promise<void> {
    for (let k = 0; this.more(); k++) {
      this.s.cycles++;
      try {
        await this.cycle(`chaos-${this.n}-${k}`, this.o.vnfdIds[(this.n + k) % this.o.vnfdIds.length] as string);
      } catch (err) {
        // the API did not answer a read for minutes: reported, and the lane starts a new cycle
        this.s.violations.push(`lane ${this.n}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private async cycle(name: string, vnfdId: string): Promise<void> {
    const id = await this.create(name, vnfdId);
    if (id === undefined) return;
    const inst = await this.op(id, 'instantiate', 'INSTANTIATE', { flavourId: 'simple' });
    if (inst === 'ROLLED_BACK') return void (await this.remove(id));
    if (inst !== 'COMPLETED') return; // given up: the instance is left as it is (the audit looks at it)
    const out = await this.op(id, 'scale', 'SCALE', { type: 'SCALE_OUT', aspectId: 'click_aspect' });
    const vnfc = (await this.instance(id))?.instantiatedVnfInfo?.vnfcResourceInfo?.[0]?.id;
    if (vnfc !== undefined) await this.op(id, 'heal', 'HEAL', { vnfcInstanceId: [vnfc], cause: 'chaos' });
    // a scale-out given up (FAILED) left the level at 0: no scale-in then (it would be refused, 422)
    if (out === 'COMPLETED') {
      const level = await this.op(id, 'scale', 'SCALE', { type: 'SCALE_IN', aspectId: 'click_aspect' });
      if (level === 'stuck') return;
    }
    if ((await this.op(id, 'terminate', 'TERMINATE', { terminationType: 'FORCEFUL' })) !== 'COMPLETED') return;
    await this.remove(id);
  }

  private async instance(id: string): Promise<Instance | undefined> {
    const r = await this.c.get<Instance>(`${LCM}/vnf_instances/${id}`);
    return r.status === 200 ? r.body : undefined;
  }

  private async byName(name: string): Promise<Instance[]> {
    return this.c.list<Instance>(`${LCM}/vnf_instances?filter=${encodeURIComponent(`(eq,vnfInstanceName,${name})`)}`);
  }

  /** POST /vnf_instances; after a lost answer, the instance is looked for by its name before another POST. */
  private async create(name: string, vnfdId: string): Promise<string | undefined> {
    for (let attempt = 0; attempt < 30; attempt++) {
      const a = await this.c.once<Instance>('POST', `${LCM}/vnf_instances`, { vnfdId, vnfInstanceName: name });
      if (a.kind === 'answer' && a.status === 201) return this.keepOne(name, a.body.id);
      if (a.kind === 'answer') {
        this.s.violations.push(`create ${name}: answered ${a.status} ${JSON.stringify(a.body)}`);
        return undefined;
      }
      this.s.unknownAnswers++;
      const found = await this.byName(name);
      if (found.length > 0) return this.keepOne(name, (found[0] as Instance).id);
      await delay(300);
    }
    this.s.violations.push(`create ${name}: no answer after 30 attempts`);
    return undefined;
  }

  /** The lane's instance of that name; others of the same name (a repeated POST) are deleted. */
  private async keepOne(name: string, id: string): Promise<string> {
    this.s.instances.add(id);
    for (const other of await this.byName(name)) {
      if (other.id === id) continue;
      this.s.repeatedCreates++;
      this.s.instances.add(other.id);
      await this.remove(other.id);
    }
    return id;
  }

  /**
   * DELETE /vnf_instances/{id}, until it is gone; a 409 is asked again (a failed INSTANTIATE keeps the instance
   * until what it made in the VIM is released).
   */
  private async remove(id: string): Promise<void> {
    for (let attempt = 0; attempt < 60; attempt++) {
      const a = await this.c.once<{ detail?: string }>('DELETE', `${LCM}/vnf_instances/${id}`);
      if (a.kind === 'answer' && (a.status === 204 || a.status === 404)) return;
      if (a.kind === 'answer' && a.status === 409 && attempt < 59) {
        await delay(500);
        continue;
      }
      if (a.kind === 'answer') {
        this.s.violations.push(`delete ${id}: answered ${a.status} ${JSON.stringify(a.body)}`);
        return;
      }
      this.s.unknownAnswers++;
      await delay(300);
    }
    this.s.violations.push(`delete ${id}: no answer after 60 attempts`);
  }

  /** An op-occ of the operation on the instance that this lane has not seen yet (it started on a lost answer). */
  private async findNew(id: string, operation: string): Promise<string | undefined> {
    const f = `(eq,vnfInstanceId,${id});(eq,operation,${operation})`;
    const ops = await this.c.list<OpOcc>(`${LCM}/vnf_lcm_op_occs?filter=${encodeURIComponent(f)}`);
    return ops.find((o) => !this.seen.has(o.id))?.id;
  }

  private async op(id: string, task: string, operation: string, body: unknown): Promise<Outcome> {
    this.s.started++;
    let opId: string | undefined;
    // asked for up to ~45 s: a lock whose op-occ was never stored (its API process killed in between) is cleared
    // after ORPHANED_LOCK_MS (30 s) by the next request that meets it
    for (let attempt = 0; attempt < 150 && opId === undefined; attempt++) {
      const a = await this.c.once<{ detail?: string }>('POST', `${LCM}/vnf_instances/${id}/${task}`, body);
      if (a.kind === 'answer' && a.status === 202) opId = (a.location ?? '').split('/').pop();
      else if (a.kind === 'answer' && a.status !== 409) {
        this.s.violations.push(`${operation} on ${id}: answered ${a.status} ${a.body?.detail ?? ''}`);
        return this.count('refused');
      } else {
        if (a.kind === 'unknown') this.s.unknownAnswers++;
        opId = await this.findNew(id, operation);
        if (opId !== undefined) this.s.adopted++;
        else await delay(300);
      }
    }
    if (opId === undefined) {
      // 409 (busy) for ~45 s with no op-occ of ours: the instance is locked by nothing that runs
      this.s.violations.push(`${operation} on ${id}: refused as busy, and no op-occ of it was started`);
      return this.count('stuck');
    }
    this.seen.add(opId);
    return this.count(await this.drive(opId, operation));
  }

  private count(o: Outcome): Outcome {
    this.s.outcomes[o] = (this.s.outcomes[o] ?? 0) + 1;
    return o;
  }

  /** Polls the op-occ to a final state, resolving FAILED_TEMP as an NFVO would. */
  private async drive(opId: string, operation: string): Promise<Outcome> {
    let state = '';
    let since = Date.now();
    let retries = 0;
    let rollbacks = 0;
    for (;;) {
      const r = await this.c.get<OpOcc>(`${LCM}/vnf_lcm_op_occs/${opId}`);
      if (r.status !== 200) {
        this.s.violations.push(`op-occ ${opId} (${operation}): GET answered ${r.status}`);
        return 'stuck';
      }
      const op = r.body;
      if (op.operationState !== state) [state, since] = [op.operationState, Date.now()];
      if (state === 'COMPLETED' || state === 'FAILED' || state === 'ROLLED_BACK') return state;
      if (state === 'FAILED_TEMP') {
        if (!op.error?.detail) this.s.violations.push(`op-occ ${opId} (${operation}): FAILED_TEMP without a cause`);
        const action =
          retries < this.o.maxRetries ? 'retry' : ROLLBACK.has(operation) && rollbacks < 3 ? 'rollback' : 'fail';
        if (action === 'retry') [retries, this.s.retries] = [retries + 1, this.s.retries + 1];
        else if (action === 'rollback') [rollbacks, this.s.rollbacks] = [rollbacks + 1, this.s.rollbacks + 1];
        else this.s.fails++;
        const a = await this.c.once('POST', `${LCM}/vnf_lcm_op_occs/${opId}/${action}`);
        if (a.kind === 'unknown') this.s.unknownAnswers++;
        since = Date.now();
      } else if (Date.now() - since > this.o.stuckMs) {
        this.s.violations.push(`op-occ ${opId} (${operation}) stayed ${state} for ${this.o.stuckMs} ms`);
        return 'stuck';
      }
      await delay(250);
    }
  }
}
