import { Type, type TSchema } from '@sinclair/typebox';
import { checkClick } from '../../../click';
import { PreconditionFailedError, UnprocessableEntityError } from '../../../errors';
import type { LcmOperation } from '../../../domain/lcm-op-occ';
import type { VnfInstance } from '../../../domain/vnf-instance';
import * as S from '../../../domain/schemas/lcm-requests';
import type { LcmDeps } from '../../../lcm/deps';
import { loadModel } from '../../../lcm/op-context';
import { startOperation } from '../../../lcm/requests';
import type { VnfdModel } from '../../../tosca';
import type { RouteModule } from '../../context';
import { sendNoBody } from '../../no-body';
import { getInstance } from './vnf-instances';
import { InstanceIdParams, ProblemDetailsSchema } from './schemas';

const errors = { '4xx': ProblemDetailsSchema, '5xx': ProblemDetailsSchema };

/** A Click configuration in a request is checked before anything starts: 422 with every error. */
function checkClickParam(text: unknown, field: string): void {
  if (text === undefined) return;
  if (typeof text !== 'string') throw new UnprocessableEntityError(`${field} must be the text of a Click configuration`, { field });
  const r = checkClick(text, { file: 'func.click', requireHeader: false, warnings: false });
  if (!r.ok) {
    const errs = r.diagnostics.filter((d) => d.severity === 'error');
    throw new UnprocessableEntityError(`${field} does not pass the Click checks: ${errs.map((d) => `${d.line}:${d.column}: ${d.message}`).join('; ')}`, {
      field,
      errors: errs.map((d) => ({ field, reason: d.message, file: d.file, line: d.line, column: d.column })),
    });
  }
}

type Check = (model: VnfdModel, inst: VnfInstance, body: Record<string, unknown>) => void;

const TASKS: Array<{ path: string; op: LcmOperation; schema: TSchema; check?: Check }> = [
  {
    path: 'instantiate',
    op: 'INSTANTIATE',
    schema: S.InstantiateVnfRequestSchema,
    check: (m, _i, b) => {
      if (b['flavourId'] !== m.flavourId) throw new UnprocessableEntityError(`flavourId ${String(b['flavourId'])} is not a flavour of VNFD ${m.descriptorId} (it has ${m.flavourId})`, { field: 'flavourId' });
      const level = b['instantiationLevelId'];
      if (level !== undefined && !m.instantiationLevels.some((l) => l.id === level)) throw new UnprocessableEntityError(`instantiationLevelId ${String(level)} is not in the VNFD`, { field: 'instantiationLevelId' });
      checkClickParam((b['additionalParams'] as Record<string, unknown> | undefined)?.['clickConfig'], 'additionalParams.clickConfig');
    },
  },
  { path: 'terminate', op: 'TERMINATE', schema: S.TerminateVnfRequestSchema },
  {
    path: 'scale',
    op: 'SCALE',
    schema: S.ScaleVnfRequestSchema,
    check: (m, i, b) => {
      const aspect = m.scalingAspects.find((a) => a.id === b['aspectId']);
      if (aspect === undefined) throw new UnprocessableEntityError(`aspectId ${String(b['aspectId'])} is not a scaling aspect of the VNFD`, { field: 'aspectId' });
      const now = i.instantiatedVnfInfo?.scaleStatus?.find((s) => s.aspectId === aspect.id)?.scaleLevel ?? 0;
      const next = now + (b['type'] === 'SCALE_OUT' ? 1 : -1) * Number(b['numberOfSteps'] ?? 1);
      if (next < 0 || next > aspect.maxScaleLevel) throw new UnprocessableEntityError(`aspect ${aspect.id} is at level ${now}; that would take it to ${next}, outside 0..${aspect.maxScaleLevel}`, { field: 'numberOfSteps' });
    },
  },
  {
    path: 'scale_to_level',
    op: 'SCALE_TO_LEVEL',
    schema: S.ScaleVnfToLevelRequestSchema,
    check: (m, _i, b) => {
      if ((b['instantiationLevelId'] === undefined) === (b['scaleInfo'] === undefined)) throw new UnprocessableEntityError('give exactly one of instantiationLevelId and scaleInfo', { field: 'instantiationLevelId' });
      if (b['instantiationLevelId'] !== undefined && !m.instantiationLevels.some((l) => l.id === b['instantiationLevelId'])) throw new UnprocessableEntityError(`instantiationLevelId ${String(b['instantiationLevelId'])} is not in the VNFD`, { field: 'instantiationLevelId' });
      for (const s of (b['scaleInfo'] as Array<{ aspectId: string; scaleLevel: number }> | undefined) ?? []) {
        const a = m.scalingAspects.find((x) => x.id === s.aspectId);
        if (a === undefined || s.scaleLevel > a.maxScaleLevel) throw new UnprocessableEntityError(`scaleInfo ${s.aspectId} level ${s.scaleLevel} is not possible`, { field: 'scaleInfo' });
      }
    },
  },
  {
    path: 'heal',
    op: 'HEAL',
    schema: S.HealVnfRequestSchema,
    check: (_m, i, b) => {
      const known = new Set((i.instantiatedVnfInfo?.vnfcResourceInfo ?? []).map((v) => v.id));
      for (const id of (b['vnfcInstanceId'] as string[] | undefined) ?? []) if (!known.has(id)) throw new UnprocessableEntityError(`vnfcInstanceId ${id} is not a VNFC of this instance`, { field: 'vnfcInstanceId' });
    },
  },
  {
    path: 'operate',
    op: 'OPERATE',
    schema: S.OperateVnfRequestSchema,
    check: (_m, i, b) => {
      if (i.instantiatedVnfInfo?.vnfState === b['changeStateTo']) throw new UnprocessableEntityError(`the VNF is ${String(b['changeStateTo'])} already`, { field: 'changeStateTo' });
    },
  },
  { path: 'change_ext_conn', op: 'CHANGE_EXT_CONN', schema: S.ChangeExtVnfConnectivityRequestSchema },
  {
    path: 'change_flavour',
    op: 'CHANGE_FLAVOUR',
    schema: S.ChangeVnfFlavourRequestSchema,
    check: (m, _i, b) => {
      if (b['newFlavourId'] !== m.flavourId) throw new UnprocessableEntityError(`newFlavourId ${String(b['newFlavourId'])} is not a flavour of VNFD ${m.descriptorId} (it has only ${m.flavourId})`, { field: 'newFlavourId' });
    },
  },
];

/**
 * The task resources `POST /vnf_instances/{id}/<task>` and `PATCH /vnf_instances/{id}`: validate,
 * check, start the operation (202 + Location of the op-occ). State conflicts are 409s from the store's
 * atomic lock.
 */
export function lcmTaskRoutes(deps: LcmDeps): RouteModule {
  return (app, ctx) => {
    for (const t of TASKS) {
      app.post(`/vnflcm/v1/vnf_instances/:vnfInstanceId/${t.path}`, {
        schema: { tags: ['vnf_instances'], summary: `${t.op} a VNF instance`, params: InstanceIdParams, body: t.schema, response: { 202: Type.Null(), ...errors } },
        handler: async (req, reply) => {
          const inst = (await getInstance(ctx, req.params.vnfInstanceId)).doc;
          if (t.check !== undefined) t.check(await loadModel(deps, inst), inst, req.body as Record<string, unknown>);
          const op = await startOperation(deps, inst.id, t.op, req.body);
          return sendNoBody(reply.code(202).header('Location', op._links.self.href));
        },
      });
    }
    app.patch('/vnflcm/v1/vnf_instances/:vnfInstanceId', {
      schema: { tags: ['vnf_instances'], summary: 'Modify VNF instance information (a new Click config in vnfConfigurableProperties.clickConfig)', params: InstanceIdParams, body: S.VnfInfoModificationRequestSchema, response: { 202: Type.Null(), ...errors } },
      handler: async (req, reply) => {
        const found = await getInstance(ctx, req.params.vnfInstanceId);
        const ifMatch = req.headers['if-match'];
        if (ifMatch !== undefined && ifMatch !== `"${found.version}"`) throw new PreconditionFailedError(`If-Match ${ifMatch} does not match the current ETag "${found.version}"`, { field: 'If-Match' });
        checkClickParam(req.body.vnfConfigurableProperties?.['clickConfig'], 'vnfConfigurableProperties.clickConfig');
        const op = await startOperation(deps, found.doc.id, 'MODIFY_INFO', req.body, ['NOT_INSTANTIATED', 'INSTANTIATED']);
        return sendNoBody(reply.code(202).header('Location', op._links.self.href));
      },
    });
  };
}
