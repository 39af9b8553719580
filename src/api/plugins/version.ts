import { NotAcceptableError } from '../../errors';
import { routeFlag, type ApiApp } from '../context';

/**
 * SOL013 4.9 API versioning: a request's `Version` header names the API version it wants;
 * without it, 1.3.0 is assumed; an unsupported one is refused with 406. Every response carries
 * the version served.
 *
 * @see ETSI GS NFV-SOL 013 v2.6.1 clause 4.9.2
 */
export const API_VERSION = '1.3.0';
export const SUPPORTED_VERSIONS: readonly string[] = [API_VERSION];

export function versionPlugin(app: ApiApp): void {
  app.addHook('onRequest', async (req) => {
    const asked = req.headers['version'];
    if (asked === undefined) return;
    if (routeFlag(req, 'anyVersion') === true) return;
    const v = Array.isArray(asked) ? asked[0] : asked;
    if (v !== undefined && !SUPPORTED_VERSIONS.includes(v.trim())) {
      throw new NotAcceptableError(`API version ${v} is not supported; supported: ${SUPPORTED_VERSIONS.join(', ')}`, {
        field: 'Version',
      });
    }
  });
  app.addHook('onSend', async (_req, reply) => {
    reply.header('Version', API_VERSION);
  });
}
