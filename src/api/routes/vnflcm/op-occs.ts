import { Type } from '@sinclair/typebox';
import { OpOccNotFoundError } from '../../../errors';
import { stripCredentials } from '../../../domain/credentials';
import { OP_OCC_DEFAULT_EXCLUDES, VNF_LCM_OP_OCC_ATTRIBUTES, type VnfLcmOpOcc } from '../../../domain/lcm-op-occ';
import { CancelModeRequestSchema, VnfLcmOpOccSchema, type CancelModeRequest } from '../../../domain/schemas';
import type { LcmDeps } from '../../../lcm/deps';
import { cancel, fail, retry, rollback } from '../../../lcm/occurrences';
import type { RouteModule } from '../../context';
import { opOccLocation, renderOpOcc } from '../../render';
import { sendNoBody } from '../../no-body';
import { answerList, ListOf, ListQuerySchema } from '../../list-query';
import { ProblemDetailsSchema } from './schemas';

const errors = { '4xx': ProblemDetailsSchema, '5xx': ProblemDetailsSchema };
const Params = Type.Object({ vnfLcmOpOccId: Type.String({ minLength: 1, maxLength: 128 }) });

/**
 * `GET /vnf_lcm_op_occs`, one op-occ, and its retry, rollback, fail and cancel tasks. @see SOL003 5.4.12 - 5.4.17
 *
 * Credentials never leave: the repository hands the worker operationParams with credentials opened,
 * so every op-occ is stripped here before any attribute selector is applied (no `fields=` can bring
 * accessInfo back). Filters on credential paths are refused (400, field `filter`) by the repository.
 */
export function opOccRoutes(deps: LcmDeps): RouteModule {
  return (app, ctx) => {
    const view = (op: VnfLcmOpOcc) => renderOpOcc(ctx.publicUrl, stripCredentials(op));
    app.get('/vnflcm/v1/vnf_lcm_op_occs', {
      schema: {
        tags: ['vnf_lcm_op_occs'],
        summary: 'Query LCM operation occurrences',
        querystring: ListQuerySchema,
        response: { 200: ListOf(VnfLcmOpOccSchema), ...errors },
      },
      handler: (req, reply) =>
        answerList(req, reply, ctx, {
          list: (q) => deps.opOccs.list(q),
          attributes: VNF_LCM_OP_OCC_ATTRIBUTES,
          view,
          defaultExcludes: OP_OCC_DEFAULT_EXCLUDES,
        }),
    });
    app.get('/vnflcm/v1/vnf_lcm_op_occs/:vnfLcmOpOccId', {
      schema: {
        tags: ['vnf_lcm_op_occs'],
        summary: 'Read an LCM operation occurrence',
        params: Params,
        response: { 200: VnfLcmOpOccSchema, ...errors },
      },
      handler: async (req) => {
        const found = await deps.opOccs.get(req.params.vnfLcmOpOccId);
        if (found === undefined) throw new OpOccNotFoundError(req.params.vnfLcmOpOccId);
        return view(found.doc);
      },
    });
    const opOccRoute = (name: string) => `/vnflcm/v1/vnf_lcm_op_occs/:vnfLcmOpOccId/${name}`;
    const task = (name: string, run: (id: string, body: unknown) => Promise<void>): void => {
      app.post(opOccRoute(name), {
        schema: {
          tags: ['vnf_lcm_op_occs'],
          summary: `${name} an LCM operation occurrence`,
          params: Params,
          ...(name === 'cancel' ? { body: CancelModeRequestSchema } : {}),
          response: { 202: Type.Null(), ...errors },
        },
        handler: async (req, reply) => {
          await run(req.params.vnfLcmOpOccId, req.body);
          // SOL003 5.4.14, 5.4.15, 5.4.17: 202 with the op-occ's Location (clients poll it), and no body
          return sendNoBody(reply.code(202).header('Location', opOccLocation(ctx.publicUrl, req.params.vnfLcmOpOccId)));
        },
      });
    };
    task('retry', (id) => retry(deps, id));
    task('rollback', (id) => rollback(deps, id));
    // SOL003 5.4.16: fail answers 200 with the op-occ (now FAILED)
    app.post(opOccRoute('fail'), {
      schema: {
        tags: ['vnf_lcm_op_occs'],
        summary: 'fail an LCM operation occurrence',
        params: Params,
        response: { 200: VnfLcmOpOccSchema, ...errors },
      },
      handler: async (req) => {
        await fail(deps, req.params.vnfLcmOpOccId);
        const after = (await deps.opOccs.get(req.params.vnfLcmOpOccId))?.doc;
        return after === undefined ? undefined : view(after);
      },
    });
    task('cancel', (id, body) => cancel(deps, id, (body as CancelModeRequest).cancelMode));
  };
}
