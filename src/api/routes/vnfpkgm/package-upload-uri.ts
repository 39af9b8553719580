import { Type } from '@sinclair/typebox';
import { ConflictError, NotFoundError } from '../../../errors';
import { UploadVnfPkgFromUriRequestSchema } from '../../../domain/schemas/vnf-package';
import { startUploadFromUri } from '../../../lcm/packages/upload-from-uri';
import type { VnfPackageRepository } from '../../../ports/package-store';
import type { CheckPackageUri, FetchPackage, PackageSourceAuth } from '../../../ports/package-source';
import type { TypeLibrary } from '../../../tosca';
import type { RouteModule } from '../../context';
import { sendNoBody } from '../../no-body';
import { errors, Params, TAG } from './vnf-packages';

/**
 * `POST /vnfpkgm/v1/vnf_packages/{vnfPkgId}/package_content/upload_from_uri`: the VNFM downloads the CSAR
 * and onboards it as `PUT package_content` does. The package must be CREATED (409); the URI is checked
 * against the outbound policy before the answer (a refused destination: 422 naming the rule); then 202 at
 * once, and the download and onboarding go on after it (the package's onboardingState and
 * onboardingFailureDetails tell how it ends). The fetcher is injected (the composition root wires the
 * SSRF-guarded adapter); the credentials go to it only, never to the store or the log.
 *
 * @see ETSI GS NFV-SOL 005 v2.6.1 clause 9.4.6
 */
export function packageUploadFromUriRoutes(deps: {
  packages: VnfPackageRepository;
  library: TypeLibrary;
  fetchPackage: FetchPackage;
  checkPackageUri: CheckPackageUri;
}): RouteModule {
  return (app) => {
    app.post('/vnfpkgm/v1/vnf_packages/:vnfPkgId/package_content/upload_from_uri', {
      schema: {
        tags: TAG,
        summary: 'Upload the package content from a URI (the VNFM downloads the CSAR)',
        params: Params,
        body: UploadVnfPkgFromUriRequestSchema,
        response: { 202: Type.Null(), ...errors },
      },
      handler: async (req, reply) => {
        const id = req.params.vnfPkgId;
        const found = await deps.packages.get(id);
        if (found === undefined) throw new NotFoundError(`VNF package ${id} does not exist`);
        if (found.doc.onboardingState !== 'CREATED')
          throw new ConflictError(
            `VNF package ${id} is ${found.doc.onboardingState}; ` +
              'content can only be uploaded once, to a CREATED package',
            { field: 'onboardingState' },
          );
        const { addressInformation: uri, userName, password } = req.body;
        await deps.checkPackageUri(uri);
        const auth: PackageSourceAuth | undefined =
          userName !== undefined || password !== undefined ? { userName, password } : undefined;
        const { done } = await startUploadFromUri(deps.packages, deps.library, id, () => deps.fetchPackage(uri, auth));
        done.then(
          (pkg) =>
            req.log.info(
              {
                vnfPkgId: id,
                onboardingState: pkg?.onboardingState ?? 'deleted',
                failure: pkg?.onboardingFailureDetails?.detail,
              },
              'upload_from_uri finished',
            ),
          (err: unknown) => req.log.error({ err, vnfPkgId: id }, 'upload_from_uri: the package store failed'),
        );
        return sendNoBody(reply.code(202));
      },
    });
  };
}
