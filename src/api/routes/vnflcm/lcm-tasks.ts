import { Type, type TSchema } from '@sinclair/typebox';
import { PreconditionFailedError } from '../../../errors';
import type { LcmDeps } from '../../../lcm/deps';
import type { RequestOf } from '../../../lcm/operations';
import { startOperation } from '../../../lcm/occurrences';
import type { ApiApp, RouteModule } from '../../context';
import { sendNoBody } from '../../no-body';
import { opOccLocation } from '../../render';
import * as S from '../../../domain/schemas/lcm-requests';
import { getInstance } from './vnf-instances';
import { InstanceIdParams, ProblemDetailsSchema } from './schemas';

const errors = { '4xx': ProblemDetailsSchema, '5xx': ProblemDetailsSchema };

/** A task resource: registers `POST .../<path>` for its operation. */
type TaskRoute = (app: ApiApp, deps: LcmDeps, publicUrl: string) => void;

/**
 * A task resource whose body schema has the type of the request its operation reads (a compile error
 * otherwise): the body Fastify hands over, validated by the schema, goes to the operation as it is typed.
 */
function task<K extends keyof RequestOf, S extends TSchema & { static: RequestOf[K] }>(
  path: string,
  op: K,
  schema: S,
): TaskRoute {
  return (app, deps, publicUrl) => {
    app.post(`/vnflcm/v1/vnf_instances/:vnfInstanceId/${path}`, {
      schema: {
        tags: ['vnf_instances'],
        summary: `${op} a VNF instance`,
        params: InstanceIdParams,
        body: schema,
        response: { 202: Type.Null(), ...errors },
      },
      handler: async (req, reply) => {
        // S's static type is RequestOf[K] (the constraint above): TypeScript cannot see it through a generic S
        const request = req.body as RequestOf[K];
        const started = await startOperation(deps, req.params.vnfInstanceId, op, request);
        return sendNoBody(reply.code(202).header('Location', opOccLocation(publicUrl, started.id)));
      },
    });
  };
}

const TASKS: TaskRoute[] = [
  task('instantiate', 'INSTANTIATE', S.InstantiateVnfRequestSchema),
  task('terminate', 'TERMINATE', S.TerminateVnfRequestSchema),
  task('scale', 'SCALE', S.ScaleVnfRequestSchema),
  task('scale_to_level', 'SCALE_TO_LEVEL', S.ScaleVnfToLevelRequestSchema),
  task('heal', 'HEAL', S.HealVnfRequestSchema),
  task('operate', 'OPERATE', S.OperateVnfRequestSchema),
  task('change_ext_conn', 'CHANGE_EXT_CONN', S.ChangeExtVnfConnectivityRequestSchema),
  task('change_flavour', 'CHANGE_FLAVOUR', S.ChangeVnfFlavourRequestSchema),
  // SOL003 v3.3.1 5.4.11a (not in v2.6.1): move the instance to another package of its product
  task('change_vnfpkg', 'CHANGE_VNFPKG', S.ChangeCurrentVnfPkgRequestSchema),
];

/**
 * The task resources `POST /vnf_instances/{id}/<task>` and `PATCH /vnf_instances/{id}`: the body is
 * validated by its schema, the operation checks it against the VNFD and starts (202 + Location of the
 * op-occ). State conflicts are 409s from the store's atomic lock.
 */
export function lcmTaskRoutes(deps: LcmDeps): RouteModule {
  return (app, ctx) => {
    for (const register of TASKS) register(app, deps, ctx.publicUrl);
    app.patch('/vnflcm/v1/vnf_instances/:vnfInstanceId', {
      schema: {
        tags: ['vnf_instances'],
        summary: 'Modify VNF instance information (a new Click config in vnfConfigurableProperties.clickConfig)',
        params: InstanceIdParams,
        body: S.VnfInfoModificationRequestSchema,
        response: { 202: Type.Null(), ...errors },
      },
      handler: async (req, reply) => {
        const ifMatch = req.headers['if-match'];
        if (ifMatch !== undefined) {
          const found = await getInstance(ctx, req.params.vnfInstanceId);
          if (ifMatch !== `"${found.version}"`)
            throw new PreconditionFailedError(
              `If-Match ${ifMatch} does not match the current ETag "${found.version}"`,
              { field: 'If-Match' },
            );
        }
        const op = await startOperation(deps, req.params.vnfInstanceId, 'MODIFY_INFO', req.body);
        return sendNoBody(reply.code(202).header('Location', opOccLocation(ctx.publicUrl, op.id)));
      },
    });
  };
}
