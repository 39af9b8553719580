import { Type } from '@sinclair/typebox';
import { VnfInstanceNotFoundError } from '../../../errors';
import { createInstance, deleteInstance } from '../../../lcm/instances';
import { stripCredentials } from '../../../domain/credentials';
import { VNF_INSTANCE_ATTRIBUTES, VNF_INSTANCE_DEFAULT_EXCLUDES, type VnfInstance } from '../../../domain/vnf-instance';
import { renderInstance } from '../../render';
import type { ApiContext, RouteModule } from '../../context';
import { sendNoBody } from '../../no-body';
import { answerList, ListOf, ListQuerySchema } from '../../list-query';
import { CreateVnfRequestSchema, InstanceIdParams, ProblemDetailsSchema, VnfInstanceSchema } from './schemas';

const TAG = ['vnf_instances'];
const errors = { '4xx': ProblemDetailsSchema, '5xx': ProblemDetailsSchema };

/**
 * The VNF instance resources: create, list, read, delete.
 * @see ETSI GS NFV-SOL 003 v2.6.1 clauses 5.4.2 and 5.4.3
 */
export const vnfInstanceRoutes: RouteModule = (app, ctx) => {
  const view = (inst: VnfInstance) => renderInstance(ctx.publicUrl, stripCredentials(inst));

  app.post('/vnflcm/v1/vnf_instances', {
    schema: {
      tags: TAG,
      summary: 'Create a VNF instance resource',
      body: CreateVnfRequestSchema,
      response: { 201: VnfInstanceSchema, ...errors },
    },
    handler: async (req, reply) => {
      const id = ctx.newId();
      await ctx.events.instanceCreating?.(id);
      const saved = await createInstance(ctx, req.body, id);
      await ctx.events.instanceCreated?.(saved.doc);
      const shown = view(saved.doc);
      return reply.code(201).header('Location', shown._links.self.href).header('ETag', etag(saved.version)).send(shown);
    },
  });

  app.get('/vnflcm/v1/vnf_instances', {
    schema: {
      tags: TAG,
      summary: 'Query VNF instances (filter, selectors, paging)',
      querystring: ListQuerySchema,
      response: { 200: ListOf(VnfInstanceSchema), ...errors },
    },
    handler: (req, reply) =>
      answerList(req, reply, ctx, {
        // credentials left out by the store (none opened)
        list: (q) => ctx.instances.list({ ...q, shown: true }),
        attributes: VNF_INSTANCE_ATTRIBUTES,
        view: (inst) => renderInstance(ctx.publicUrl, inst),
        defaultExcludes: VNF_INSTANCE_DEFAULT_EXCLUDES,
      }),
  });

  app.get('/vnflcm/v1/vnf_instances/:vnfInstanceId', {
    schema: {
      tags: TAG,
      summary: 'Read a VNF instance',
      params: InstanceIdParams,
      response: { 200: VnfInstanceSchema, ...errors },
    },
    handler: async (req, reply) => {
      // credentials left out by the store (none opened), so only the links to add
      const found = await ctx.instances.getShown(req.params.vnfInstanceId);
      if (found === undefined) throw new VnfInstanceNotFoundError(req.params.vnfInstanceId);
      return reply.header('ETag', etag(found.version)).send(renderInstance(ctx.publicUrl, found.doc));
    },
  });

  app.delete('/vnflcm/v1/vnf_instances/:vnfInstanceId', {
    schema: {
      tags: TAG,
      summary: 'Delete a NOT_INSTANTIATED VNF instance',
      params: InstanceIdParams,
      response: { 204: Type.Null(), ...errors },
    },
    handler: async (req, reply) => {
      const id = req.params.vnfInstanceId;
      const before = (await ctx.instances.get(id))?.doc;
      if (before !== undefined) await ctx.events.instanceDeleting?.(before);
      const settle = ctx.events.settleFinished;
      const deleted = await deleteInstance(ctx, id, settle && ((opOccId) => settle(id, opOccId)));
      await ctx.events.instanceDeleted?.(deleted);
      return sendNoBody(reply.code(204));
    },
  });
};

/** `"<version>"`, the strong ETag of a stored document. */
export function etag(version: number): string {
  return `"${version}"`;
}

export async function getInstance(ctx: ApiContext, id: string) {
  const found = await ctx.instances.get(id);
  if (found === undefined) throw new VnfInstanceNotFoundError(id);
  return found;
}

export { refusalError } from '../../../lcm/instances';
