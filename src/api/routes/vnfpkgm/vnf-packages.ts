import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { BadRequestError, ConflictError, NotFoundError } from '../../../errors';
import { PROTOTYPE_NAMES } from '../../../domain/query';
import { VNF_PACKAGE_DEFAULT_EXCLUDES, VNF_PKG_INFO_ATTRIBUTES, type VnfPkgInfo } from '../../../domain/vnf-package';
import {
  CreateVnfPkgInfoRequestSchema,
  VnfPkgInfoModificationsSchema,
  VnfPkgInfoSchema,
} from '../../../domain/schemas/vnf-package';
import type { VnfPackageRepository } from '../../../ports/package-store';
import { onboardPackage } from '../../../lcm/packages/onboard-package';
import { packageInUse, type PackageUsers } from '../../../lcm/packages/usage';
import { readCsar, zipFiles, parseToscaMeta, type TypeLibrary } from '../../../tosca';
import type { RouteModule } from '../../context';
import { renderPackage } from '../../render';
import { sendNoBody } from '../../no-body';
import { answerList, ListOf, ListQuerySchema } from '../../list-query';
import { etag } from '../vnflcm/vnf-instances';
import { ProblemDetailsSchema } from '../vnflcm/schemas';

export const TAG = ['vnf_packages'];
export const errors = { '4xx': ProblemDetailsSchema, '5xx': ProblemDetailsSchema };
export const Params = Type.Object({ vnfPkgId: Type.String({ minLength: 1, maxLength: 128 }) });

/**
 * VNF package management: `/vnfpkgm/v1/vnf_packages`. The artifacts (package-artifacts.ts) and the upload from
 * a URI (package-upload-uri.ts) are route modules of their own, registered beside this one.
 * @see ETSI GS NFV-SOL 005 v2.6.1 clause 9.4 (and SOL003 v2.6.1 clause 10.4)
 */
export function vnfPackageRoutes(deps: {
  packages: VnfPackageRepository;
  library: TypeLibrary;
  packageLimitBytes: number;
  /** The op-occs: a package an instance is moving to (CHANGE_VNFPKG) is in use (absent: no LCM here). */
  opOccs?: PackageUsers['opOccs'];
}): RouteModule {
  return (app, ctx) => {
    const load = async (id: string) => {
      const found = await deps.packages.get(id);
      if (found === undefined) throw new NotFoundError(`VNF package ${id} does not exist`);
      return found;
    };
    const inUse = (p: VnfPkgInfo) =>
      packageInUse({ instances: ctx.instances, ...(deps.opOccs !== undefined ? { opOccs: deps.opOccs } : {}) }, p);
    const withUsage = async (p: VnfPkgInfo) =>
      renderPackage(ctx.publicUrl, { ...p, usageState: (await inUse(p)) ? 'IN_USE' : 'NOT_IN_USE' } as const);
    for (const ct of ['application/zip', 'application/octet-stream']) {
      if (!app.hasContentTypeParser(ct))
        app.addContentTypeParser(ct, { parseAs: 'buffer', bodyLimit: deps.packageLimitBytes }, (_r, body, done) =>
          done(null, body),
        );
    }

    app.post('/vnfpkgm/v1/vnf_packages', {
      schema: {
        tags: TAG,
        summary: 'Create a VNF package resource',
        body: CreateVnfPkgInfoRequestSchema,
        response: { 201: VnfPkgInfoSchema, ...errors },
      },
      handler: async (req, reply) => {
        const id = randomUUID();
        const pkg: VnfPkgInfo = {
          id,
          onboardingState: 'CREATED',
          operationalState: 'DISABLED',
          usageState: 'NOT_IN_USE',
        };
        if (req.body.userDefinedData !== undefined) pkg.userDefinedData = req.body.userDefinedData;
        await deps.packages.create(pkg);
        const shown = renderPackage(ctx.publicUrl, pkg);
        return reply.code(201).header('Location', shown._links.self.href).send(shown);
      },
    });

    app.get('/vnfpkgm/v1/vnf_packages', {
      schema: {
        tags: TAG,
        summary: 'Query VNF packages (filter, selectors, paging)',
        querystring: ListQuerySchema,
        response: { 200: ListOf(VnfPkgInfoSchema), ...errors },
      },
      handler: (req, reply) =>
        answerList(req, reply, ctx, {
          list: (q) => deps.packages.list(q),
          attributes: VNF_PKG_INFO_ATTRIBUTES,
          view: withUsage,
          defaultExcludes: VNF_PACKAGE_DEFAULT_EXCLUDES,
        }),
    });

    app.get('/vnfpkgm/v1/vnf_packages/:vnfPkgId', {
      schema: {
        tags: TAG,
        summary: 'Read a VNF package',
        params: Params,
        response: { 200: VnfPkgInfoSchema, ...errors },
      },
      handler: async (req, reply) => {
        const found = await load(req.params.vnfPkgId);
        return reply.header('ETag', etag(found.version)).send(await withUsage(found.doc));
      },
    });

    app.put('/vnfpkgm/v1/vnf_packages/:vnfPkgId/package_content', {
      bodyLimit: deps.packageLimitBytes,
      schema: {
        tags: TAG,
        summary: 'Upload the package content (a CSAR, application/zip)',
        params: Params,
        consumes: ['application/zip'],
        response: { 202: Type.Null(), ...errors },
      },
      handler: async (req, reply) => {
        const bytes = req.body as unknown;
        // a missing body is a malformed request (400), not a conflict with the package's state
        if (!Buffer.isBuffer(bytes) || bytes.length === 0)
          throw new BadRequestError(
            'the request has no CSAR: send the package as the body with Content-Type: application/zip',
            { field: 'body' },
          );
        await load(req.params.vnfPkgId);
        await onboardPackage(deps.packages, deps.library, req.params.vnfPkgId, bytes);
        return sendNoBody(reply.code(202));
      },
    });

    app.get('/vnfpkgm/v1/vnf_packages/:vnfPkgId/package_content', {
      schema: { tags: TAG, summary: 'Fetch the package content', params: Params },
      handler: async (req, reply) => {
        const bytes = await onboardedContent(deps.packages, req.params.vnfPkgId);
        return reply.type('application/zip').send(bytes);
      },
    });

    app.get('/vnfpkgm/v1/vnf_packages/:vnfPkgId/vnfd', {
      schema: {
        tags: TAG,
        summary: 'Read the VNFD (text/plain: the entry file; application/zip: every TOSCA file)',
        params: Params,
      },
      handler: async (req, reply) => {
        const files =
          (await readCsar(await onboardedContent(deps.packages, req.params.vnfPkgId))).files ??
          new Map<string, Buffer>();
        const entry =
          parseToscaMeta(files.get('TOSCA-Metadata/TOSCA.meta')?.toString() ?? '')['Entry-Definitions'] ?? '';
        if ((req.headers.accept ?? '').includes('application/zip')) {
          // keys first: iterating the files would inflate every artifact (an image) only to drop it
          const names = [...files.keys()].filter((p) => /\.ya?ml$/.test(p) && !p.startsWith('BaseHOT/'));
          const yamls = new Map(names.map((p) => [p, files.get(p) as Buffer]));
          return reply.type('application/zip').send(await zipFiles(yamls));
        }
        // NOTE: exactly text/plain (SOL005 9.4.4.3.2): clients compare the media type as a string (tackerclient)
        return reply.type('text/plain').send(files.get(entry)?.toString() ?? '');
      },
    });

    app.patch('/vnfpkgm/v1/vnf_packages/:vnfPkgId', {
      schema: {
        tags: TAG,
        summary: 'Enable, disable, or change userDefinedData',
        params: Params,
        body: VnfPkgInfoModificationsSchema,
        response: { 200: VnfPkgInfoModificationsSchema, ...errors },
      },
      handler: async (req) => {
        const id = req.params.vnfPkgId;
        await load(id);
        await deps.packages.update(id, (p) => {
          const next = { ...p };
          if (req.body.operationalState !== undefined) {
            if (p.onboardingState !== 'ONBOARDED')
              throw new ConflictError(
                `VNF package ${id} is ${p.onboardingState}; only an ONBOARDED package can be enabled or disabled`,
                { field: 'operationalState' },
              );
            if (p.operationalState === req.body.operationalState)
              throw new ConflictError(`VNF package ${id} is ${p.operationalState} already`, {
                field: 'operationalState',
              });
            next.operationalState = req.body.operationalState;
          }
          // SOL005 9.5.2.4: userDefinedData is merged (JSON merge patch): null removes a key
          if (req.body.userDefinedData !== undefined) {
            const merged: Record<string, unknown> = { ...(p.userDefinedData ?? {}) };
            for (const [k, v] of Object.entries(req.body.userDefinedData)) {
              if (PROTOTYPE_NAMES.has(k)) continue; // refused by the body parser already
              if (v === null) delete merged[k];
              else merged[k] = v;
            }
            next.userDefinedData = merged;
          }
          return next;
        });
        return req.body;
      },
    });

    app.delete('/vnfpkgm/v1/vnf_packages/:vnfPkgId', {
      schema: {
        tags: TAG,
        summary: 'Delete a disabled, unused VNF package',
        params: Params,
        response: { 204: Type.Null(), ...errors },
      },
      handler: async (req, reply) => {
        const id = req.params.vnfPkgId;
        const { doc } = await load(id);
        if (doc.operationalState === 'ENABLED')
          throw new ConflictError(`VNF package ${id} is ENABLED; disable it first`, { field: 'operationalState' });
        if (await inUse(doc))
          throw new ConflictError(`VNF package ${id} is IN_USE by VNF instances; delete them first`, {
            field: 'usageState',
          });
        await deps.packages.delete(id);
        await deps.packages.deleteContent(id);
        return sendNoBody(reply.code(204));
      },
    });
  };
}

/** The CSAR of an ONBOARDED package: 404 for an unknown package, 409 when it is not ONBOARDED. */
export async function onboardedContent(repo: VnfPackageRepository, id: string): Promise<Buffer> {
  const found = await repo.get(id);
  if (found === undefined) throw new NotFoundError(`VNF package ${id} does not exist`);
  if (found.doc.onboardingState !== 'ONBOARDED')
    throw new ConflictError(`VNF package ${id} is ${found.doc.onboardingState}, not ONBOARDED`, {
      field: 'onboardingState',
    });
  const bytes = await repo.getContent(id);
  if (bytes === undefined) throw new NotFoundError(`the content of VNF package ${id} is missing`);
  return bytes;
}
