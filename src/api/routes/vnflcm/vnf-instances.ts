import { Type } from '@sinclair/typebox';
import { ConflictError, NotFoundError, UnprocessableEntityError } from '../../../errors';
import { stripCredentials } from '../../../domain/credentials';
import { VNF_INSTANCE_ATTRIBUTES, VNF_INSTANCE_DEFAULT_EXCLUDES, type VnfInstance } from '../../../domain/vnf-instance';
import { renderInstance } from '../../render';
import type { BeginOperationRefusal } from '../../../ports/store';
import type { ApiContext, RouteModule } from '../../context';
import { sendNoBody } from '../../no-body';
import { ListOf, ListQuerySchema, parseListQuery, sendPage } from '../../list-query';
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
      const pkg = await ctx.packages.findByVnfdId(req.body.vnfdId);
      if (pkg === undefined) {
        throw new UnprocessableEntityError(`no VNF package with vnfdId ${req.body.vnfdId} is onboarded`, {
          field: 'vnfdId',
        });
      }
      if (pkg.onboardingState !== 'ONBOARDED' || pkg.operationalState !== 'ENABLED') {
        throw new UnprocessableEntityError(
          `the VNF package ${pkg.vnfPkgId} with vnfdId ${req.body.vnfdId} is ${pkg.onboardingState}/${pkg.operationalState}; it must be ONBOARDED and ENABLED`,
          { field: 'vnfdId' },
        );
      }
      const id = ctx.newId();
      const instance: VnfInstance = {
        id,
        vnfdId: pkg.vnfdId,
        vnfProvider: pkg.vnfProvider,
        vnfProductName: pkg.vnfProductName,
        vnfSoftwareVersion: pkg.vnfSoftwareVersion,
        vnfdVersion: pkg.vnfdVersion,
        vnfPkgId: pkg.vnfPkgId,
        instantiationState: 'NOT_INSTANTIATED',
      };
      if (req.body.vnfInstanceName !== undefined) instance.vnfInstanceName = req.body.vnfInstanceName;
      if (req.body.vnfInstanceDescription !== undefined)
        instance.vnfInstanceDescription = req.body.vnfInstanceDescription;
      if (req.body.metadata !== undefined) instance.metadata = req.body.metadata;
      const saved = await ctx.instances.create(instance);
      await ctx.events.instanceCreated?.(instance);
      const shown = view(instance);
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
    handler: async (req, reply) => {
      const q = parseListQuery(req.query, VNF_INSTANCE_ATTRIBUTES);
      const page = await ctx.instances.list({ filter: q.filter, marker: q.marker, limit: ctx.pageSize });
      return sendPage(
        req,
        reply,
        ctx.publicUrl,
        { ...page, items: page.items.map(view) },
        q.selector,
        VNF_INSTANCE_DEFAULT_EXCLUDES,
      );
    },
  });

  app.get('/vnflcm/v1/vnf_instances/:vnfInstanceId', {
    schema: {
      tags: TAG,
      summary: 'Read a VNF instance',
      params: InstanceIdParams,
      response: { 200: VnfInstanceSchema, ...errors },
    },
    handler: async (req, reply) => {
      const found = await getInstance(ctx, req.params.vnfInstanceId);
      return reply.header('ETag', etag(found.version)).send(view(found.doc));
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
      const before = await getInstance(ctx, id);
      const res = await ctx.instances.deleteIfRemovable(id);
      if (!res.ok) throw refusalError(id, res, 'deleted');
      await ctx.events.instanceDeleted?.(before.doc);
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
  if (found === undefined) throw new NotFoundError(`VNF instance ${id} does not exist`);
  return found;
}

/** The 404/409 for a refused state check, in words an operator understands. */
export function refusalError(id: string, res: BeginOperationRefusal, what: string): Error {
  switch (res.reason) {
    case 'not-found':
      return new NotFoundError(`VNF instance ${id} does not exist`);
    case 'busy':
      return new ConflictError(
        `VNF instance ${id} cannot be ${what}: operation ${res.activeOpOccId} is in progress on it`,
      );
    case 'wrong-state':
      return new ConflictError(`VNF instance ${id} cannot be ${what} while it is ${res.state}`, {
        field: 'instantiationState',
      });
  }
}
