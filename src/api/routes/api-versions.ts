import { Type } from '@sinclair/typebox';
import { API_VERSION } from '../plugins/version';
import type { RouteModule } from '../context';

/** @see SOL013 9.3.3 ApiVersionInformation */
const ApiVersionInformation = Type.Object({
  uriPrefix: Type.String(),
  apiVersions: Type.Array(
    Type.Object({
      version: Type.String(),
      isDeprecated: Type.Optional(Type.Boolean()),
      retirementDate: Type.Optional(Type.String()),
    }),
    { minItems: 1 },
  ),
});

/**
 * GET /<api>/api_versions and /<api>/v1/api_versions (vnflcm, vnffm, vnfpm, vnfind): open, no credentials needed
 * (SOL013 9.3), and answered whatever `Version` a client sends: it is how a client finds the versions we serve
 * (OpenStack's `openstack vnflcm versions` sends 2.0.0).
 */
export const apiVersionsRoutes: RouteModule = (app) => {
  for (const [url, uriPrefix] of ['vnflcm', 'vnffm', 'vnfpm', 'vnfind'].flatMap((api): Array<[string, string]> => [
    [`/${api}/api_versions`, `/${api}`],
    [`/${api}/v1/api_versions`, `/${api}/v1`],
  ])) {
    app.get(url, {
      config: { auth: false, anyVersion: true },
      schema: { tags: ['api_versions'], summary: 'API versions served', response: { 200: ApiVersionInformation } },
      handler: async () => ({ uriPrefix, apiVersions: [{ version: API_VERSION, isDeprecated: false }] }),
    });
  }
};
