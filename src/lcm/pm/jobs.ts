/**
 * Creating and deleting PM jobs and thresholds: the requests checked against the instances, their VNFDs and the
 * monitor (422 naming the field), then stored and, for a job, scheduled.
 * @see SOL003 v2.6.1 6.4.2.3.1 (POST pm_jobs), 6.4.5.3.1 (POST thresholds)
 */
import {
  PM_OBJECT_TYPE,
  type CreatePmJobRequest,
  type CreateThresholdRequest,
  type StoredPmJob,
  type StoredThreshold,
} from '../../domain/pm';
import type { VnfInstance } from '../../domain/vnf-instance';
import { NotFoundError, UnprocessableEntityError } from '../../errors';
import { pmNowMs, type PmDeps } from './deps';
import { declaredElementMeasures, elementNames, measureOf, METRIC_GROUPS } from './measurements';

const unprocessable = (field: string, detail: string): UnprocessableEntityError =>
  new UnprocessableEntityError(detail, { field });

function checkObjectType(objectType: string): void {
  if (objectType !== PM_OBJECT_TYPE)
    throw unprocessable('objectType', `objectType ${objectType} is not measured here: only ${PM_OBJECT_TYPE}`);
}

async function instanceOf(d: PmDeps, id: string, field: string): Promise<VnfInstance> {
  const inst = (await d.lcm.instances.get(id))?.doc;
  if (inst === undefined) throw unprocessable(field, `VNF instance ${id} does not exist`);
  return inst;
}

function checkVnfcs(inst: VnfInstance, ids: string[] | undefined): void {
  const vnfcs = new Set((inst.instantiatedVnfInfo?.vnfcResourceInfo ?? []).map((v) => v.id));
  const unknown = ids?.find((id) => !vnfcs.has(id));
  if (unknown !== undefined)
    throw unprocessable('subObjectInstanceIds', `VNFC ${unknown} is not a VNFC of VNF instance ${inst.id}`);
}

/** A measurement we take of the instance: a fixed one, or a Click handler its VNFD declares or a VNFC reports. */
async function knownMetric(d: PmDeps, inst: VnfInstance, name: string): Promise<boolean> {
  const m = measureOf(name);
  if (m === undefined) return false;
  if (m.kind !== 'element') return true;
  const model = await d.lcm.models.forInstance(inst).catch(() => undefined);
  if (model !== undefined && declaredElementMeasures(model).has(name)) return true;
  for (const v of inst.instantiatedVnfInfo?.vnfcResourceInfo ?? []) {
    const [last] = await d.samples.recent(inst.id, v.id, 1);
    if (last !== undefined && elementNames(last).includes(name)) return true;
  }
  return false;
}

async function checkMetrics(d: PmDeps, insts: VnfInstance[], names: string[], field: string): Promise<void> {
  for (const name of names) {
    for (const inst of insts) {
      if (!(await knownMetric(d, inst, name)))
        throw unprocessable(
          field,
          `${name} is not a measurement of VNF instance ${inst.id} (see docs/performance-management.md)`,
        );
    }
  }
}

/** Checks a CreatePmJobRequest, stores the job and schedules its first report. */
export async function createPmJob(d: PmDeps, req: CreatePmJobRequest, id: string): Promise<StoredPmJob> {
  checkObjectType(req.objectType);
  const insts: VnfInstance[] = [];
  for (const instId of req.objectInstanceIds) insts.push(await instanceOf(d, instId, 'objectInstanceIds'));
  if (req.subObjectInstanceIds !== undefined) {
    if (insts.length !== 1)
      throw unprocessable('subObjectInstanceIds', 'subObjectInstanceIds needs exactly one objectInstanceIds');
    checkVnfcs(insts[0] as VnfInstance, req.subObjectInstanceIds);
  }
  const c = req.criteria;
  if ((c.performanceMetric ?? []).length === 0 && (c.performanceMetricGroup ?? []).length === 0)
    throw unprocessable('criteria', 'criteria needs performanceMetric or performanceMetricGroup');
  const group = c.performanceMetricGroup?.find((g) => !METRIC_GROUPS.has(g));
  if (group !== undefined)
    throw unprocessable(
      'criteria.performanceMetricGroup',
      `${group} is not a measurement group (known: ${[...METRIC_GROUPS.keys()].join(', ')})`,
    );
  await checkMetrics(d, insts, c.performanceMetric ?? [], 'criteria.performanceMetric');
  const intervalS = d.options.intervalMs / 1000;
  if (c.collectionPeriod < intervalS)
    throw unprocessable(
      'criteria.collectionPeriod',
      `collectionPeriod ${c.collectionPeriod} s is shorter than the monitor's interval (${intervalS} s)`,
    );
  if (c.reportingPeriod % c.collectionPeriod !== 0)
    throw unprocessable(
      'criteria.reportingPeriod',
      `reportingPeriod ${c.reportingPeriod} s is not a multiple of collectionPeriod ${c.collectionPeriod} s`,
    );
  const now = pmNowMs(d);
  if (c.reportingBoundary !== undefined && !(Date.parse(c.reportingBoundary) > now))
    throw unprocessable('criteria.reportingBoundary', 'reportingBoundary is not in the future');
  const job: StoredPmJob = {
    id,
    objectType: req.objectType,
    objectInstanceIds: req.objectInstanceIds,
    ...(req.subObjectInstanceIds !== undefined ? { subObjectInstanceIds: req.subObjectInstanceIds } : {}),
    criteria: c,
  };
  // scheduled first: a schedule whose job was never stored is dropped by the report loop
  await d.store.schedule(id, now, now + c.reportingPeriod * 1000 + d.options.intervalMs);
  await d.jobs.create(job);
  return job;
}

export async function deletePmJob(d: PmDeps, id: string): Promise<void> {
  if (!(await d.jobs.delete(id))) throw new NotFoundError(`PM job ${id} does not exist`);
  await d.store.forget(id);
}

/** Checks a CreateThresholdRequest and stores the threshold (evaluated from the next monitor pass). */
export async function createThreshold(d: PmDeps, req: CreateThresholdRequest, id: string): Promise<StoredThreshold> {
  checkObjectType(req.objectType);
  const inst = await instanceOf(d, req.objectInstanceId, 'objectInstanceId');
  checkVnfcs(inst, req.subObjectInstanceIds);
  await checkMetrics(d, [inst], [req.criteria.performanceMetric], 'criteria.performanceMetric');
  if (req.criteria.simpleThresholdDetails === undefined)
    throw unprocessable('criteria.simpleThresholdDetails', 'a SIMPLE threshold needs simpleThresholdDetails');
  const t: StoredThreshold = {
    id,
    objectType: req.objectType,
    objectInstanceId: req.objectInstanceId,
    ...(req.subObjectInstanceIds !== undefined ? { subObjectInstanceIds: req.subObjectInstanceIds } : {}),
    criteria: req.criteria,
  };
  await d.thresholds.create(t);
  return t;
}

export async function deleteThreshold(d: PmDeps, id: string): Promise<void> {
  if (!(await d.thresholds.delete(id))) throw new NotFoundError(`threshold ${id} does not exist`);
  await d.store.forgetThreshold(id);
}
