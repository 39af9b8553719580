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

/** One task resource: its path, its operation, and the schema of its request, typed as the operation reads it. */
interface Task {
  path: string;
  op: keyof RequestOf;
  schema: TSchema;
}

/** A task whose schema's type is the request type its operation reads (a compile error otherwise). */
function task<K extends keyof RequestOf>(path: string, op: K, schema: TSchema & { static: RequestOf[K] }): Task {
  return { path, op, schema };
}

const TASKS = [
  task('instantiate', 'INSTANTIATE', S.InstantiateVnfRequestSchema),
  task('terminate', 'TERMINATE', S.TerminateVnfRequestSchema),
  task('scale', 'SCALE', S.ScaleVnfRequestSchema),
  task('scale_to_level', 'SCALE_TO_LEVEL', S.ScaleVnfToLevelRequestSchema),
  task('heal', 'HEAL', S.HealVnfRequestSchema),
  task('operate', 'OPERATE', S.OperateVnfRequestSchema),
  task('change_ext_conn', 'CHANGE_EXT_CONN', S.ChangeExtVnfConnectivityRequestSchema),
  task('change_flavour', 'CHANGE_FLAVOUR', S.ChangeVnfFlavourRequestSchema),
];

function taskRoute(app: ApiApp, deps: LcmDeps, publicUrl: string, t: Task): void {
  app.post(`/vnflcm/v1/vnf_instances/:vnfInstanceId/${t.path}`, {
    schema: {
      tags: ['vnf_instances'],
      summary: `${t.op} a VNF instance`,
      params: InstanceIdParams,
      body: t.schema,
      response: { 202: Type.Null(), ...errors },
    },
    handler: async (req, reply) => {
      // the body has passed t.schema, whose type task() tied to the operation's request type
      const op = await startOperation(deps, req.params.vnfInstanceId, t.op, req.body as never);
      return sendNoBody(reply.code(202).header('Location', opOccLocation(publicUrl, op.id)));
    },
  });
}

/**
 * The task resources `POST /vnf_instances/{id}/<task>` and `PATCH /vnf_instances/{id}`: the body is
 * validated by its schema, the operation checks it against the VNFD and starts (202 + Location of the
 * op-occ). State conflicts are 409s from the store's atomic lock.
 */
export function lcmTaskRoutes(deps: LcmDeps): RouteModule {
  return (app, ctx) => {
    for (const t of TASKS) taskRoute(app, deps, ctx.publicUrl, t);
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
