import { Type } from '@sinclair/typebox';
import { NotFoundError } from '../../../errors';
import { stripCredentials } from '../../../domain/credentials';
import { OP_OCC_DEFAULT_EXCLUDES, VNF_LCM_OP_OCC_ATTRIBUTES } from '../../../domain/lcm-op-occ';
import type { LcmDeps } from '../../../lcm/deps';
import { cancel, fail, retry, rollback } from '../../../lcm/requests';
import type { RouteModule } from '../../context';
import { ListQuerySchema, parseListQuery, sendPage } from '../../list-query';
import { CancelModeRequestSchema } from '../../../domain/schemas/lcm-requests';
import { ProblemDetailsSchema } from './schemas';

const errors = { '4xx': ProblemDetailsSchema, '5xx': ProblemDetailsSchema };
const Params = Type.Object({ vnfLcmOpOccId: Type.String({ minLength: 1, maxLength: 128 }) });
const OpOcc = Type.Object({ id: Type.String(), operationState: Type.String(), operation: Type.String(), vnfInstanceId: Type.String() }, { additionalProperties: true });

/**
 * `GET /vnf_lcm_op_occs`, one op-occ, and its retry, rollback, fail and cancel tasks. @see SOL003 5.4.12 - 5.4.17
 *
 * Credentials never leave: the repository hands the worker operationParams with credentials opened,
 * so every op-occ is stripped here before any attribute selector is applied (no `fields=` can bring
 * accessInfo back). Filters on credential paths are refused (400, field `filter`) by the repository.
 */
export function opOccRoutes(deps: LcmDeps): RouteModule {
  return (app, ctx) => {
    app.get('/vnflcm/v1/vnf_lcm_op_occs', {
      schema: { tags: ['vnf_lcm_op_occs'], summary: 'Query LCM operation occurrences', querystring: ListQuerySchema, response: { 200: Type.Array(Type.Partial(OpOcc)), ...errors } },
      handler: async (req, reply) => {
        const q = parseListQuery(req.query, VNF_LCM_OP_OCC_ATTRIBUTES);
        const page = await deps.opOccs.list({ filter: q.filter, marker: q.marker, limit: ctx.pageSize });
        return sendPage(req, reply, ctx.publicUrl, { ...page, items: page.items.map((o) => stripCredentials(o)) }, q.selector, OP_OCC_DEFAULT_EXCLUDES);
      },
    });
    app.get('/vnflcm/v1/vnf_lcm_op_occs/:vnfLcmOpOccId', {
      schema: { tags: ['vnf_lcm_op_occs'], summary: 'Read an LCM operation occurrence', params: Params, response: { 200: OpOcc, ...errors } },
      handler: async (req) => {
        const found = await deps.opOccs.get(req.params.vnfLcmOpOccId);
        if (found === undefined) throw new NotFoundError(`VNF LCM operation occurrence ${req.params.vnfLcmOpOccId} does not exist`);
        return stripCredentials(found.doc);
      },
    });
    const task = (name: string, run: (id: string, body: unknown) => Promise<void>, code: 202 | 200): void => {
      app.post(`/vnflcm/v1/vnf_lcm_op_occs/:vnfLcmOpOccId/${name}`, {
        schema: { tags: ['vnf_lcm_op_occs'], summary: `${name} an LCM operation occurrence`, params: Params, ...(name === 'cancel' ? { body: CancelModeRequestSchema } : {}) },
        handler: async (req, reply) => {
          await run(req.params.vnfLcmOpOccId, req.body);
          // SOL003 5.4.14-5.4.17: 202 with the op-occ's Location (clients poll it), and no body
          if (code === 202) return reply.code(202).header('Location', `${ctx.publicUrl}/vnflcm/v1/vnf_lcm_op_occs/${req.params.vnfLcmOpOccId}`).send();
          const after = (await deps.opOccs.get(req.params.vnfLcmOpOccId))?.doc;
          return after === undefined ? undefined : stripCredentials(after);
        },
      });
    };
    task('retry', (id) => retry(deps, id), 202);
    task('rollback', (id) => rollback(deps, id), 202);
    task('fail', (id) => fail(deps, id), 200);
    task('cancel', (id, body) => cancel(deps, id, (body as { cancelMode: 'GRACEFUL' | 'FORCEFUL' }).cancelMode), 202);
  };
}
