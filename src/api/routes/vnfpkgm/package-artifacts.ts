import { Type } from '@sinclair/typebox';
import { BadRequestError, NotFoundError } from '../../../errors';
import type { VnfPackageRepository } from '../../../ports/package-store';
import { readCsarEntry, unsafePath } from '../../../tosca';
import type { RouteModule } from '../../context';
import { onboardedContent, TAG } from './vnf-packages';

const ArtifactParams = Type.Object({
  vnfPkgId: Type.String({ minLength: 1, maxLength: 128 }),
  '*': Type.String({ maxLength: 1024, description: 'The artifact path inside the package, e.g. Files/images/x.qcow2' }),
});

/**
 * One file of an ONBOARDED package: `GET /vnfpkgm/v1/vnf_packages/{vnfPkgId}/artifacts/{artifactPath}`, the
 * path of any depth (`Files/images/click-on-osv.qcow2`, `Definitions/..._vnfd.yaml`). Answered as
 * application/octet-stream whatever the request's Accept says (tackerclient sends
 * `application/zip,application/octet-stream` or `*\/*`); no Range requests (the whole file, 200).
 *
 * @see ETSI GS NFV-SOL 005 v2.6.1 clause 9.4.7
 */
export function packageArtifactRoutes(deps: { packages: VnfPackageRepository }): RouteModule {
  return (app) => {
    app.get('/vnfpkgm/v1/vnf_packages/:vnfPkgId/artifacts/*', {
      schema: {
        tags: TAG,
        summary: 'Fetch one artifact (any file) of an onboarded package, by its path in the package',
        params: ArtifactParams,
      },
      handler: async (req, reply) => {
        const id = req.params.vnfPkgId;
        const path = req.params['*'];
        // the path names an entry of the zip, never a file on disk: '..' or '/x' can only be a mistake or a probe
        const unsafe = path === '' ? 'is empty' : unsafePath(path);
        if (unsafe !== undefined)
          throw new BadRequestError(`the artifact path ${JSON.stringify(path.slice(0, 200))} ${unsafe}`, {
            field: 'artifactPath',
          });
        const file = await readCsarEntry(await onboardedContent(deps.packages, id), path);
        if (file === undefined)
          throw new NotFoundError(`VNF package ${id} has no artifact ${JSON.stringify(path.slice(0, 200))}`, {
            field: 'artifactPath',
          });
        return reply.type('application/octet-stream').send(file);
      },
    });
  };
}
